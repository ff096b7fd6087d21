package whatsapp

import "strconv"

// Messaging limits are per business portfolio since October 2025 (Meta's
// "Messaging limits" page): 250, 2,000, 10,000, 100,000 or unlimited
// unique customers in a moving 24 hours. Webhooks name them as tiers
// ("TIER_2K", phone_number_quality_update) or as numbers (2000, -1 for
// unlimited, business_capability_update).

// LimitTier is a messaging limit as a tier name, decoded from either form.
type LimitTier string

var tierOfLimit = map[int64]LimitTier{50: "TIER_50", 250: "TIER_250", 1000: "TIER_1K", 2000: "TIER_2K",
	10000: "TIER_10K", 100000: "TIER_100K", -1: "TIER_UNLIMITED"}

func (l *LimitTier) UnmarshalJSON(b []byte) error {
	var f FlexString // a tier name, or a number
	if err := f.UnmarshalJSON(b); err != nil {
		return err
	}
	n, err := strconv.ParseInt(string(f), 10, 64)
	switch {
	case err != nil:
		*l = LimitTier(f)
	case tierOfLimit[n] != "":
		*l = tierOfLimit[n]
	default:
		*l = LimitTier("TIER_" + string(f)) // a limit Meta adds later
	}
	return nil
}

// limit is the tier as the channel records it, "" for none: TIER_NOT_SET
// means the number has not sent yet, not a limit.
func (l LimitTier) limit() string {
	if l == "TIER_NOT_SET" {
		return ""
	}
	return string(l)
}

// MessagingLimit is the messaging limit the update reports, "" when it
// reports none. The current form carries it in
// max_daily_conversations_per_business; older ones (UPGRADE, DOWNGRADE,
// FLAGGED, UNFLAGGED, ONBOARDING) in current_limit, which in a
// THROUGHPUT_UPGRADE is the throughput level instead (TIER_UNLIMITED:
// higher throughput), not a messaging limit.
func (q *PhoneNumberQualityUpdate) MessagingLimit() string {
	switch {
	case q.MaxDailyConversationsPerBusiness != "":
		return q.MaxDailyConversationsPerBusiness.limit()
	case q.Event == "THROUGHPUT_UPGRADE":
		return ""
	}
	return LimitTier(q.CurrentLimit).limit()
}

// BusinessCapabilityUpdate: the business portfolio's (or account's)
// capabilities changed: its messaging limit, how many numbers it may have
// (field business_capability_update). It names no number: the limit is
// shared by every number of the portfolio.
type BusinessCapabilityUpdate struct {
	MaxDailyConversationsPerBusiness LimitTier `json:"max_daily_conversations_per_business,omitempty"`
	MaxDailyConversationPerPhone     LimitTier `json:"max_daily_conversation_per_phone,omitempty"` // older name of the same limit
	MaxPhoneNumbersPerBusiness       int       `json:"max_phone_numbers_per_business,omitempty"`
	MaxPhoneNumbersPerWABA           int       `json:"max_phone_numbers_per_waba,omitempty"`
}

// MessagingLimit is the portfolio's messaging limit as a tier, "" when the
// update does not say.
func (u *BusinessCapabilityUpdate) MessagingLimit() string {
	if u.MaxDailyConversationsPerBusiness != "" {
		return u.MaxDailyConversationsPerBusiness.limit()
	}
	return u.MaxDailyConversationPerPhone.limit()
}
