package conversa

import (
	"math/rand/v2"
	"strconv"
	"testing"

	"github.com/nyaruka/phonenumbers"
)

func TestNormalizePhone(t *testing.T) {
	tests := []struct{ in, want string }{
		{"(11) 98765-4321", "+5511987654321"},
		{"+55 11 98765 4321", "+5511987654321"},
		{"5511987654321", "+5511987654321"},
		{"551187654321", "+5511987654321"},     // WhatsApp id without the ninth digit
		{"+55 11 8765-4321", "+5511987654321"}, // old 8-digit mobile
		{"+55 11 3003-1000", "+551130031000"},  // landline keeps 8 digits
		{"+1 (415) 555-2671", "+14155552671"},
		{"+351 912 345 678", "+351912345678"},
	}
	for _, tt := range tests {
		got, err := NormalizePhone(tt.in, DefaultRegion)
		if err != nil || got != tt.want {
			t.Errorf("NormalizePhone(%q) = %q, %v; want %q", tt.in, got, err, tt.want)
		}
	}
	for _, bad := range []string{"", "abc", "123", "+55 11 1234", "99999999999999999"} {
		if _, err := NormalizePhone(bad, DefaultRegion); ErrorCode(err) != EINVALID {
			t.Errorf("NormalizePhone(%q) err = %v, want invalid", bad, err)
		}
	}
}

func TestCanonicalWAIDJoinsNinthDigitForms(t *testing.T) {
	if a, b := CanonicalWAID("551187654321"), CanonicalWAID("5511987654321"); a != b {
		t.Errorf("forms differ: %s vs %s", a, b)
	}
	if got := CanonicalWAID("551130031000"); got != "551130031000" {
		t.Errorf("landline changed: %s", got)
	}
	if got := CanonicalWAID("14155552671"); got != "14155552671" {
		t.Errorf("US changed: %s", got)
	}
}

func TestPhoneRegion(t *testing.T) {
	for in, want := range map[string]string{"5511987654321": "BR", "+14155552671": "US", "x": ""} {
		if got := PhoneRegion(in); got != want {
			t.Errorf("PhoneRegion(%q) = %q, want %q", in, got, want)
		}
	}
}

// The shortcut for single-region country codes must answer what the full
// parse answers, for every country code and number length.
func TestPhoneRegionShortcut(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	shortcuts := 0
	for cc := 1; cc < 1000; cc++ {
		for length := 6; length <= 16; length++ {
			digits := strconv.Itoa(cc)
			for len(digits) < length {
				digits += strconv.Itoa(r.IntN(10))
			}
			want := ""
			if num, err := phonenumbers.Parse("+"+digits, ""); err == nil {
				want = phonenumbers.GetRegionCodeForNumber(num)
			}
			if got, ok := singleRegion(digits); ok {
				shortcuts++
				if got != want {
					t.Fatalf("singleRegion(%s) = %q, the parse says %q", digits, got, want)
				}
			}
			if got := PhoneRegion(digits); got != want {
				t.Fatalf("PhoneRegion(%s) = %q, want %q", digits, got, want)
			}
		}
	}
	if shortcuts == 0 {
		t.Fatal("the shortcut never answered")
	}
}
