package campaigns

import (
	"context"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// NewCampaign is what a supervisor fills in.
type NewCampaign struct {
	Name      string `json:"name"`
	ChannelID int64  `json:"channel_id"`
	ListID    int64  `json:"list_id"`
	Template  struct {
		Name     string `json:"name"`
		Language string `json:"language"` // default pt_BR
	} `json:"template"`
	// Variables names the list column for each template variable, in
	// order ("name" = the member's name).
	Variables    []string               `json:"variables"`
	ScheduledAt  *time.Time             `json:"scheduled_at,omitempty"` // nil: when started
	SendingHours *conversa.SendingHours `json:"sending_hours,omitempty"`
}

// DefaultTimeZone is where sending hours are counted when none is given:
// Conversa's users are Brazilian contact centres.
const DefaultTimeZone = "America/Sao_Paulo"

// Create stores a draft campaign with one recipient per list member. A
// member whose variables are missing, or who opted out of marketing, is a
// recipient excluded up front, so the estimate shows them.
func (s *Service) Create(ctx context.Context, companyID int64, in NewCampaign) (conversa.Campaign, error) {
	c := conversa.Campaign{CompanyID: companyID, ChannelID: in.ChannelID, ListID: in.ListID, Name: strings.TrimSpace(in.Name),
		TemplateName: in.Template.Name, TemplateLanguage: in.Template.Language, VariableMap: in.Variables, ScheduledAt: in.ScheduledAt}
	if c.TemplateLanguage == "" {
		c.TemplateLanguage = conversa.DefaultTemplateLanguage
	}
	if c.Name == "" {
		return c, invalid("Give the campaign a name.", "Dê um nome à campanha.")
	}
	if h := in.SendingHours; h != nil && h.End > 0 {
		c.Hours = *h
		if c.Hours.TimeZone == "" {
			c.Hours.TimeZone = DefaultTimeZone
		}
		if _, err := time.LoadLocation(c.Hours.TimeZone); err != nil || h.Start < 0 || h.End > 24*60 || h.Start == h.End {
			return c, invalid("Sending hours need a start, an end and a valid time zone.", "O horário de envio precisa de início, fim e um fuso horário válido.")
		}
	}
	t, err := s.template(ctx, c)
	if err != nil {
		return c, err
	}
	if len(c.VariableMap) != len(t.BodyVariables()) {
		return c, conversa.Errorf(conversa.ETEMPLATEPARAMS, "The template has %d variables; map a list column to each.", len(t.BodyVariables())).
			Pt("O modelo tem %d variáveis; associe uma coluna da lista a cada uma.", len(t.BodyVariables()))
	}
	c.Category = t.Category
	if _, err := s.store.ContactList(ctx, companyID, c.ListID); err != nil {
		return c, err
	}
	recipients, err := s.recipients(ctx, c, t)
	if err != nil {
		return c, err
	}
	c, err = s.store.CreateCampaign(ctx, c, recipients)
	if err == nil {
		s.publish(ctx, companyID, EventUpdated, c)
	}
	return c, err
}

// template is the campaign's approved, sendable template.
func (s *Service) template(ctx context.Context, c conversa.Campaign) (conversa.Template, error) {
	t, err := s.store.ApprovedTemplate(ctx, c.CompanyID, c.ChannelID, c.TemplateName, c.TemplateLanguage)
	if conversa.ErrorCode(err) == conversa.ENOTFOUND {
		return t, conversa.Errorf(conversa.ETEMPLATENOTAPPROVED, "Template %q (%s) is not approved on this channel.", c.TemplateName, c.TemplateLanguage).
			Pt("O modelo %q (%s) não está aprovado neste canal.", c.TemplateName, c.TemplateLanguage)
	}
	if err != nil {
		return t, err
	}
	return t, t.SendableError()
}

// recipients fills each member's template parameters from the mapped
// columns.
func (s *Service) recipients(ctx context.Context, c conversa.Campaign, t conversa.Template) ([]conversa.CampaignRecipient, error) {
	members, err := s.store.ListMembers(ctx, c.CompanyID, c.ListID)
	if err != nil {
		return nil, err
	}
	optedOut := map[string]bool{}
	if c.Category == conversa.CategoryMarketing {
		if optedOut, err = s.store.OptedOutKeys(ctx, c.CompanyID); err != nil {
			return nil, err
		}
	}
	out := make([]conversa.CampaignRecipient, 0, len(members))
	for _, m := range members {
		r := conversa.CampaignRecipient{WAKey: m.WAKey, WAID: strings.TrimPrefix(m.Phone, "+"), Name: m.Name,
			Params: params(c.VariableMap, m), Status: conversa.RecipientPending}
		switch {
		case optedOut[m.WAKey]:
			r.Status, r.Error = conversa.RecipientExcluded, "opted_out"
		case t.CheckParams(r.Params) != nil:
			r.Status, r.Error = conversa.RecipientExcluded, "missing_variable"
		}
		out = append(out, r)
	}
	return out, nil
}

func params(columns []string, m conversa.ListMember) []string {
	out := make([]string, len(columns))
	for i, col := range columns {
		if strings.EqualFold(col, "name") {
			out[i] = m.Name
		} else {
			out[i] = m.Variables[strings.ToLower(col)]
		}
	}
	return out
}
