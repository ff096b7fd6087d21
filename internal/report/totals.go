package report

import (
	"context"
	"slices"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// totals adds up message sums (a day's, an author's, a template's).
type totals struct{ store.MessageSums }

func (t *totals) delivery() Delivery {
	d := Delivery{Out: t.Out, Delivered: t.Delivered, Read: t.Read, Failed: t.Failed}
	d.rates()
	return d
}

func (t *totals) spend() Spend {
	return Spend{Expected: amount(t.Expected), Billable: amount(t.Billable), Unconfirmed: amount(t.Unconfirmed)}
}

// categories lists template sends in Meta's category order, every
// category present (zeros included) so tables and charts keep their shape.
func (t *totals) categories() []CategoryCount {
	out := make([]CategoryCount, len(t.Templates))
	for i, c := range t.Templates {
		out[i] = CategoryCount{Category: store.TemplateCategories[i], Sent: c.Sent, Expected: amount(c.Expected),
			Billable: amount(c.Billable)}
	}
	return out
}

// category is the one category a template's sends are in (a template has
// one at a time; after Meta recategorises one, the busiest wins).
func (t *totals) category() conversa.Category {
	best := 0
	for i, c := range t.Templates {
		if c.Sent > t.Templates[best].Sent {
			best = i
		}
	}
	return store.TemplateCategories[best]
}

// TemplateRow is one template's sends in the period.
type TemplateRow struct {
	Template string            `json:"template"`
	Category conversa.Category `json:"category"`
	Delivery Delivery          `json:"delivery"`
	Spend    Spend             `json:"spend"`
}

// Templates lists each template sent in the period, most sent first.
func (s *Service) Templates(ctx context.Context, companyID int64, q Query) ([]TemplateRow, error) {
	byName, err := s.store.ReportMessagesByTemplate(ctx, companyID, q.filter())
	if err != nil {
		return nil, err
	}
	out := []TemplateRow{}
	for name, m := range byName {
		t := totals{m}
		out = append(out, TemplateRow{Template: name, Category: t.category(), Delivery: t.delivery(), Spend: t.spend()})
	}
	slices.SortFunc(out, func(a, b TemplateRow) int {
		if a.Delivery.Out != b.Delivery.Out {
			return int(b.Delivery.Out - a.Delivery.Out)
		}
		return compareStrings(a.Template, b.Template)
	})
	return out, nil
}

func compareStrings(a, b string) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}
