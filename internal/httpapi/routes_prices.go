package httpapi

import (
	"net/http"
	"strings"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

// Price table and template send preview (PRODUCT.md §7). Amounts are in
// currency units (USD) with up to six decimals.
//
//	GET /api/v1/prices  (supervisor) → {"currency":"USD","rates":[{"region":"*"|"BR",...,"marketing","utility","authentication"}]}
//	PUT /api/v1/prices  (admin)      same body → the table as stored; every row needs all three
//	                                 categories, "*" (other countries) is required, no negatives.
func (s *Server) routesPrices(m *router) {
	m.authed("GET /api/v1/prices", conversa.RoleSupervisor, s.getPrices)
	m.authed("PUT /api/v1/prices", conversa.RoleAdmin, s.putPrices)
}

type priceRow struct {
	Region         string   `json:"region"`
	Marketing      *float64 `json:"marketing"`
	Utility        *float64 `json:"utility"`
	Authentication *float64 `json:"authentication"`
}

type pricesView struct {
	Currency string     `json:"currency"`
	Rates    []priceRow `json:"rates"`
}

func viewPrices(t conversa.PriceTable) pricesView {
	v := pricesView{Currency: t.Currency, Rates: []priceRow{}}
	for _, region := range t.Regions() {
		r := t.Rates[region]
		m, u, a := r.Marketing.Units(), r.Utility.Units(), r.Authentication.Units()
		v.Rates = append(v.Rates, priceRow{Region: region, Marketing: &m, Utility: &u, Authentication: &a})
	}
	return v
}

// maxRate bounds a per-message price (in USD) far above any real one, so
// a typo cannot overflow the micro-unit arithmetic.
const maxRate = 1000

func (v pricesView) table() (conversa.PriceTable, error) {
	t := conversa.PriceTable{Currency: strings.ToUpper(strings.TrimSpace(v.Currency)), Rates: map[string]conversa.Rates{}}
	for _, row := range v.Rates {
		region := strings.ToUpper(strings.TrimSpace(row.Region))
		if _, dup := t.Rates[region]; dup {
			return t, conversa.Errorf(conversa.EINVALID, "Region %q appears twice.", region).Pt("A região %q aparece duas vezes.", region)
		}
		if row.Marketing == nil || row.Utility == nil || row.Authentication == nil {
			return t, conversa.Errorf(conversa.EINVALID, "Region %q needs marketing, utility and authentication prices.", region).
				Pt("A região %q precisa dos preços de marketing, utility e authentication.", region)
		}
		if *row.Marketing > maxRate || *row.Utility > maxRate || *row.Authentication > maxRate {
			return t, conversa.Errorf(conversa.EINVALID, "Prices for %q are above %d per message.", region, maxRate).
				Pt("Os preços de %q passam de %d por mensagem.", region, maxRate)
		}
		t.Rates[region] = conversa.Rates{Marketing: conversa.MoneyFromUnits(*row.Marketing),
			Utility: conversa.MoneyFromUnits(*row.Utility), Authentication: conversa.MoneyFromUnits(*row.Authentication)}
	}
	return t, t.Validate()
}

func (s *Server) getPrices(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	t, err := s.store.PriceTable(r.Context(), p.Company.ID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, viewPrices(t))
	return nil
}

func (s *Server) putPrices(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	var in pricesView
	if err := decode(w, r, &in); err != nil {
		return err
	}
	t, err := in.table()
	if err != nil {
		return err
	}
	if err := s.store.SetPriceTable(r.Context(), p.Company.ID, t); err != nil {
		return err
	}
	return s.getPrices(w, r, p)
}
