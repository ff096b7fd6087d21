package conversa

import (
	"fmt"
	"strings"
)

// Category is what Meta charges by. Template categories are the first three;
// free-form replies inside the window are service.
type Category string

const (
	CategoryMarketing      Category = "marketing"
	CategoryUtility        Category = "utility"
	CategoryAuthentication Category = "authentication"
	CategoryService        Category = "service"
)

// ParseCategory accepts Meta's template spelling (MARKETING) or ours.
func ParseCategory(s string) (Category, error) {
	c := Category(strings.ToLower(strings.TrimSpace(s)))
	switch c {
	case CategoryMarketing, CategoryUtility, CategoryAuthentication, CategoryService:
		return c, nil
	}
	return "", Errorf(EINVALID, "Unknown category %q: use MARKETING, UTILITY or AUTHENTICATION.", s).
		Pt("Categoria %q desconhecida: use MARKETING, UTILITY ou AUTHENTICATION.", s)
}

// Money is an amount in millionths of the table's currency (USD), so rates
// with four decimals add up without floating-point drift.
type Money int64

// Micro is the number of Money units in one currency unit.
const Micro Money = 1_000_000

// String renders Money with four decimals, as Meta's rate cards do.
func (m Money) String() string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	return fmt.Sprintf("%s%d.%04d", sign, m/Micro, (m%Micro)/100)
}

// Rates are the per-message prices for one country.
type Rates struct {
	Marketing      Money `json:"marketing"`
	Utility        Money `json:"utility"`
	Authentication Money `json:"authentication"`
}

// Of returns the rate for a category; service is always free.
func (r Rates) Of(c Category) Money {
	switch c {
	case CategoryMarketing:
		return r.Marketing
	case CategoryUtility:
		return r.Utility
	case CategoryAuthentication:
		return r.Authentication
	}
	return 0
}

// OtherRegion is the key of the rates used for countries not in the table,
// like Meta's "Other" region.
const OtherRegion = "*"

// PriceTable holds per-country rates (keyed by ISO 3166 region, e.g. "BR").
// Each company can edit its own copy.
type PriceTable struct {
	Currency string           `json:"currency"`
	Rates    map[string]Rates `json:"rates"`
}

// For returns the rates for region, falling back to OtherRegion.
func (t PriceTable) For(region string) Rates {
	if r, ok := t.Rates[strings.ToUpper(region)]; ok {
		return r
	}
	return t.Rates[OtherRegion]
}

// Billable is Meta's per-message pricing rule (since 1 July 2025): template
// messages are charged, except utility templates sent while the customer's
// service window is open; free-form (service) replies are free.
func Billable(c Category, windowOpen bool) bool {
	switch c {
	case CategoryService:
		return false
	case CategoryUtility:
		return !windowOpen
	}
	return true
}

// Cost is the expected price of one message to a recipient in region.
func (t PriceTable) Cost(region string, c Category, windowOpen bool) Money {
	if !Billable(c, windowOpen) {
		return 0
	}
	return t.For(region).Of(c)
}

func usd(marketing, utility, authentication float64) Rates {
	return Rates{MoneyFromUnits(marketing), MoneyFromUnits(utility), MoneyFromUnits(authentication)}
}

// DefaultPriceTable seeds each company's editable table with Meta's
// per-message USD rates for the markets our customers use most. Meta revises
// rates every quarter: admins keep their copy current in the price screen.
func DefaultPriceTable() PriceTable {
	return PriceTable{Currency: "USD", Rates: map[string]Rates{
		"BR":        usd(0.0625, 0.0068, 0.0068),
		"AR":        usd(0.0618, 0.0260, 0.0260),
		"CO":        usd(0.0125, 0.0008, 0.0008),
		"MX":        usd(0.0305, 0.0085, 0.0085),
		"PT":        usd(0.0509, 0.0171, 0.0171),
		"US":        usd(0.0250, 0.0034, 0.0034),
		"IN":        usd(0.0118, 0.0014, 0.0014),
		OtherRegion: usd(0.0604, 0.0077, 0.0077),
	}}
}
