package conversa

import (
	"strconv"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is assumed for numbers typed without a country code; most of
// our users are Brazilian.
const DefaultRegion = "BR"

// NormalizePhone turns what a person typed ("(11) 98765-4321",
// "+55 11 98765 4321", "5511987654321", or an old 8-digit Brazilian mobile)
// into E.164 ("+5511987654321"). Numbers without "+" are read in region
// first, then as international digits, so WhatsApp ids work as input too.
func NormalizePhone(raw, region string) (string, error) {
	digits := onlyDigits(raw)
	if len(digits) < 6 || len(digits) > 15 {
		return "", invalidPhone(raw)
	}
	candidates := []string{"+" + digits}
	if !strings.HasPrefix(strings.TrimSpace(raw), "+") {
		candidates = []string{digits, "+" + digits}
	}
	for _, c := range candidates {
		num, err := phonenumbers.Parse(c, region)
		if err != nil {
			continue
		}
		e164 := "+" + CanonicalWAID(phonenumbers.Format(num, phonenumbers.E164))
		if fixed, err := phonenumbers.Parse(e164, region); err == nil && phonenumbers.IsValidNumber(fixed) {
			return e164, nil
		}
	}
	return "", invalidPhone(raw)
}

// CanonicalWAID maps the two forms WhatsApp uses for a Brazilian mobile
// (with and without the ninth digit: 5511987654321 and 551187654321) to the
// 13-digit one, so one person is one contact whichever form arrives.
// Other numbers come back as plain digits.
func CanonicalWAID(waID string) string {
	d := onlyDigits(waID)
	if len(d) == 12 && strings.HasPrefix(d, "55") && d[4] >= '6' && d[4] <= '9' {
		return d[:4] + "9" + d[4:]
	}
	return d
}

// PhoneRegion returns the ISO region of an E.164 number or WhatsApp id
// ("BR"), or "" when unknown; prices are looked up by it.
func PhoneRegion(number string) string {
	digits := onlyDigits(number)
	if region, ok := singleRegion(digits); ok {
		return region
	}
	num, err := phonenumbers.Parse("+"+digits, "")
	if err != nil {
		return ""
	}
	return phonenumbers.GetRegionCodeForNumber(num)
}

// singleRegion answers without parsing when the number's country code
// belongs to one region only (+55 is always BR): parsing is costly, and
// campaigns price every recipient. Country codes are 1 to 3 digits and
// none is a prefix of another. Shared codes (+1, +7, +44...) need the parse.
func singleRegion(digits string) (string, bool) {
	if len(digits) < 8 || len(digits) > 15 { // leave odd lengths to the parser's checks
		return "", false
	}
	for n := 1; n <= 3; n++ {
		cc, _ := strconv.Atoi(digits[:n])
		if regions := phonenumbers.GetRegionCodesForCountryCode(cc); len(regions) > 0 {
			return regions[0], len(regions) == 1
		}
	}
	return "", false
}

func onlyDigits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func invalidPhone(raw string) error {
	return Errorf(EINVALID, "%q is not a valid phone number; include the area code (e.g. +55 11 98765-4321).", raw).
		Pt("%q não é um telefone válido; inclua o DDD (ex.: +55 11 98765-4321).", raw)
}
