package metasim

import (
	"errors"
	"sort"
)

// The account view the phone page's sandbox controls need: its payment
// method and templates, to flip a template's state or the payment method
// without a Graph token (GET /_sim/wabas/{waba_id}).

var errUnknownWABA = errors.New("metasim: unknown waba_id")

// WABAView is one WhatsApp Business Account as the control API shows it.
type WABAView struct {
	ID            string            `json:"id"`
	Name          string            `json:"name"`
	PaymentMethod bool              `json:"payment_method"`
	Templates     []TemplateSummary `json:"templates"`
}

// TemplateSummary names a template and its review state.
type TemplateSummary struct {
	Name     string `json:"name"`
	Language string `json:"language"`
	Category string `json:"category"`
	Status   string `json:"status"`
}

// WABA describes an account: payment method and templates (by name and
// language).
func (s *Sim) WABA(wabaID string) (WABAView, error) {
	w := s.wabaByID(wabaID)
	if w == nil {
		return WABAView{}, errUnknownWABA
	}
	w.mu.RLock()
	v := WABAView{ID: w.ID, Name: w.Name, PaymentMethod: w.FundingID != "", Templates: []TemplateSummary{}}
	for _, t := range w.Templates {
		v.Templates = append(v.Templates, TemplateSummary{Name: t.Name, Language: t.Language, Category: t.Category, Status: t.Status})
	}
	w.mu.RUnlock()
	sort.Slice(v.Templates, func(i, j int) bool {
		a, b := v.Templates[i], v.Templates[j]
		return a.Name < b.Name || (a.Name == b.Name && a.Language < b.Language)
	})
	return v, nil
}
