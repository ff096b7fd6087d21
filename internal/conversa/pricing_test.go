package conversa

import "testing"

func TestCostFollowsPerMessagePricing(t *testing.T) {
	table := DefaultPriceTable()
	tests := []struct {
		region     string
		cat        Category
		windowOpen bool
		want       string
	}{
		{"BR", CategoryMarketing, false, "0.0625"},
		{"BR", CategoryMarketing, true, "0.0625"}, // marketing is charged even inside the window
		{"BR", CategoryUtility, false, "0.0068"},
		{"BR", CategoryUtility, true, "0.0000"}, // utility inside an open window is free
		{"BR", CategoryAuthentication, true, "0.0068"},
		{"BR", CategoryService, true, "0.0000"},
		{"ZZ", CategoryMarketing, false, "0.0604"}, // unknown country: "Other" rates
		{"br", CategoryMarketing, false, "0.0625"},
	}
	for _, tt := range tests {
		if got := table.Cost(tt.region, tt.cat, tt.windowOpen).String(); got != tt.want {
			t.Errorf("Cost(%s,%s,open=%v) = %s, want %s", tt.region, tt.cat, tt.windowOpen, got, tt.want)
		}
	}
}

func TestMoneyAddsWithoutDrift(t *testing.T) {
	var total Money
	rate := DefaultPriceTable().For("BR").Marketing
	for range 100_000 {
		total += rate
	}
	if got := total.String(); got != "6250.0000" {
		t.Errorf("100k marketing messages = %s, want 6250.0000", got)
	}
	if got := Money(-15000).String(); got != "-0.0150" {
		t.Errorf("negative = %s", got)
	}
}

func TestParseCategory(t *testing.T) {
	if c, err := ParseCategory("MARKETING"); err != nil || c != CategoryMarketing {
		t.Errorf("MARKETING -> %v, %v", c, err)
	}
	if _, err := ParseCategory("promo"); ErrorCode(err) != EINVALID {
		t.Errorf("promo -> %v", err)
	}
}
