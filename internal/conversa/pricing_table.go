package conversa

import (
	"math"
	"regexp"
	"sort"
)

// PriceCurrency is the only currency price tables use: Meta bills the
// seed's accounts in USD and converting would add an exchange-rate feed.
const PriceCurrency = "USD"

var regionRE = regexp.MustCompile(`^[A-Z]{2}$`)

// MoneyFromUnits converts an amount in currency units (0.0625) to Money,
// rounding to the nearest micro-unit.
func MoneyFromUnits(f float64) Money { return Money(math.Round(f * float64(Micro))) }

// Units is m in currency units, for JSON and display.
func (m Money) Units() float64 { return float64(m) / float64(Micro) }

// Validate checks an edited price table: USD, ISO regions (two capital
// letters) plus the OtherRegion fallback so every recipient has a price,
// and no negative rate.
func (t PriceTable) Validate() error {
	if t.Currency != PriceCurrency {
		return Errorf(EINVALID, "Prices must be in %s, got %q.", PriceCurrency, t.Currency).
			Pt("Os preços devem estar em %s, recebido %q.", PriceCurrency, t.Currency)
	}
	if _, ok := t.Rates[OtherRegion]; !ok {
		return Errorf(EINVALID, "The price table needs a %q row for countries not listed.", OtherRegion).
			Pt("A tabela de preços precisa de uma linha %q para os países não listados.", OtherRegion)
	}
	for region, r := range t.Rates {
		if region != OtherRegion && !regionRE.MatchString(region) {
			return Errorf(EINVALID, "Region %q must be a two-letter country code (BR, US) or %q.", region, OtherRegion).
				Pt("A região %q deve ser um código de país de duas letras (BR, US) ou %q.", region, OtherRegion)
		}
		if r.Marketing < 0 || r.Utility < 0 || r.Authentication < 0 {
			return Errorf(EINVALID, "Prices for %s may not be negative.", region).
				Pt("Os preços de %s não podem ser negativos.", region)
		}
	}
	return nil
}

// Regions lists the table's regions in order, OtherRegion first, so
// listings are stable.
func (t PriceTable) Regions() []string {
	out := make([]string, 0, len(t.Rates))
	for r := range t.Rates {
		out = append(out, r)
	}
	sort.Strings(out) // "*" sorts before letters
	return out
}
