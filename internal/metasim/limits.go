package metasim

// Webhooks about a number's limits, in the shapes Meta's current reference
// documents:
//   - phone_number_quality_update reports throughput: THROUGHPUT_UPGRADE
//     with current_limit TIER_UNLIMITED ("higher throughput") and the
//     portfolio's messaging limit in max_daily_conversations_per_business
//     (webhooks/reference/phone_number_quality_update);
//   - business_capability_update reports the portfolio's messaging limit
//     as a number (-1: unlimited), with how many numbers it may have:
//     max_phone_numbers_per_business at the 250 limit,
//     max_phone_numbers_per_waba above it
//     (webhooks/reference/business_capability_update).

type throughputValue struct {
	DisplayPhoneNumber string `json:"display_phone_number"`
	Event              string `json:"event"`
	CurrentLimit       string `json:"current_limit"`
	MaxDaily           string `json:"max_daily_conversations_per_business"`
}

// throughputUpgrade announces p's higher throughput. Caller holds p.mu.
func throughputUpgrade(p *phone) throughputValue {
	return throughputValue{DisplayPhoneNumber: p.display(), Event: "THROUGHPUT_UPGRADE",
		CurrentLimit: "TIER_UNLIMITED", MaxDaily: p.Tier}
}

type capabilityValue struct {
	MaxDaily             int `json:"max_daily_conversations_per_business"`
	MaxPhonesPerBusiness int `json:"max_phone_numbers_per_business,omitempty"`
	MaxPhonesPerWABA     int `json:"max_phone_numbers_per_waba,omitempty"`
}

var limitOfTier = map[string]int{"TIER_50": 50, "TIER_250": 250, "TIER_1K": 1000, "TIER_2K": 2000,
	"TIER_10K": 10000, "TIER_100K": 100000, "TIER_UNLIMITED": -1}

// capabilityOf is the business_capability_update for a messaging limit;
// the number caps are the page's example values (2 at 250, 25 above).
func capabilityOf(tier string) capabilityValue {
	v := capabilityValue{MaxDaily: limitOfTier[tier]}
	if v.MaxDaily == 250 {
		v.MaxPhonesPerBusiness = 2
	} else {
		v.MaxPhonesPerWABA = 25
	}
	return v
}
