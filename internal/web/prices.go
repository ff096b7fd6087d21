package web

import (
	"net/http"
	"sort"

	"github.com/conversa/conversa/internal/conversa"
)

// The price table (PRODUCT.md §7): per-country, per-category USD rates the
// expected costs are computed from. Admins edit a row at a time.
func (u *UI) routesPrices(m *http.ServeMux) {
	m.HandleFunc("GET /app/admin/prices", u.page(conversa.RoleAdmin, "prices.html", u.loadPrices))
	m.HandleFunc("GET /app/admin/prices/table", u.fragment(conversa.RoleAdmin, "prices.html", "prices-table", u.loadPrices))
}

// apiRates are a region's rates as the API sends them: currency units.
type apiRates struct {
	Region         string  `json:"region"`
	Marketing      float64 `json:"marketing"`
	Utility        float64 `json:"utility"`
	Authentication float64 `json:"authentication"`
}

// Money converts a rate to Money for locale formatting.
func (apiRates) Money(units float64) conversa.Money { return conversa.MoneyFromUnits(units) }

type pricesData struct {
	Available bool
	Currency  string
	Rows      []apiRates
}

func (u *UI) loadPrices(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("prices.title"), "prices"
	d := pricesData{Available: true}
	v.Data = &d
	var t struct {
		Currency string     `json:"currency"`
		Rates    []apiRates `json:"rates"`
	}
	if err := u.apiGet(r, v, "/api/v1/prices", &t); err != nil {
		if missing(err) {
			d.Available = false
			return nil
		}
		return err
	}
	d.Currency, d.Rows = t.Currency, t.Rates
	// "*" (every other country) sorts first; put it last, as rate cards do.
	sort.Slice(d.Rows, func(i, j int) bool {
		a, b := d.Rows[i].Region, d.Rows[j].Region
		if a == conversa.OtherRegion || b == conversa.OtherRegion {
			return b == conversa.OtherRegion && a != b
		}
		return a < b
	})
	return nil
}
