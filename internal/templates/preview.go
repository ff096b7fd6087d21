package templates

import (
	"context"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// Preview is what a send of a template would look like and cost.
type Preview struct {
	Template conversa.Template
	Text     string  // the rendered header, body and footer
	Problems []error // why it cannot be sent as is (parameters, status); empty when it can
	// Cost, when a recipient was given.
	To         string // E.164
	Region     string // recipient's country (ISO), "" when unknown: the "other countries" rate
	WindowOpen bool   // the customer's service window is open (utility templates are free then)
	Billable   bool
	Cost       conversa.Money
	Currency   string
}

// Preview renders template id filled with v and, when to is set, prices a
// send to that number by its country, the template's category and the
// customer's service window.
func (s *Service) Preview(ctx context.Context, companyID, id int64, v conversa.TemplateValues, to string) (Preview, error) {
	t, err := s.store.Template(ctx, companyID, id)
	if err != nil {
		return Preview{}, err
	}
	p := Preview{Template: t, Text: t.Render(v)}
	for _, err := range []error{t.SendableError(), t.CheckParams(v)} {
		if err != nil {
			p.Problems = append(p.Problems, err)
		}
	}
	if strings.TrimSpace(to) == "" {
		return p, nil
	}
	return p, s.price(ctx, &p, to)
}

func (s *Service) price(ctx context.Context, p *Preview, to string) error {
	e164, err := conversa.NormalizePhone(to, conversa.DefaultRegion)
	if err != nil {
		return err
	}
	p.To, p.Region = e164, conversa.PhoneRegion(e164)
	if s.windows != nil {
		open, err := s.windows.WindowOpen(ctx, p.Template.CompanyID, p.Template.ChannelID, conversa.CanonicalWAID(e164))
		if err != nil {
			return err
		}
		p.WindowOpen = open
	}
	table, err := s.store.PriceTable(ctx, p.Template.CompanyID)
	if err != nil {
		return err
	}
	p.Billable = conversa.Billable(p.Template.Category, p.WindowOpen)
	p.Cost, p.Currency = table.Cost(p.Region, p.Template.Category, p.WindowOpen), table.Currency
	return nil
}
