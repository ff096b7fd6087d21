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
	// Variables names the list column for each body variable, in order
	// ("name" = the member's name); Header and Buttons fill the
	// template's header and button values (inputs.go).
	Variables    []string               `json:"variables"`
	Header       *CampaignHeader        `json:"header,omitempty"`
	Buttons      []CampaignButton       `json:"buttons,omitempty"`
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
		TemplateName: in.Template.Name, TemplateLanguage: in.Template.Language, ScheduledAt: in.ScheduledAt}
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
	if err := s.sendable(ctx, c); err != nil {
		return c, err
	}
	t, err := s.template(ctx, c)
	if err != nil {
		return c, err
	}
	srcs, err := sources(t, in)
	if err != nil {
		return c, err
	}
	c.Category, c.VariableMap = t.Category, describe(srcs)
	if _, err := s.store.ContactList(ctx, companyID, c.ListID); err != nil {
		return c, err
	}
	recipients, err := s.recipients(ctx, c, t, srcs)
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

// sendable refuses a campaign whose channel can't send templates now
// (disconnected, red, or held for billing), with the reason.
func (s *Service) sendable(ctx context.Context, c conversa.Campaign) error {
	ch, err := s.store.Channel(ctx, c.CompanyID, c.ChannelID)
	if err != nil {
		return err
	}
	if why := ch.SendBlock(true); why != nil {
		return why
	}
	return nil
}

// recipients fills each member's template values from the mapped
// columns.
func (s *Service) recipients(ctx context.Context, c conversa.Campaign, t conversa.Template, srcs []source) ([]conversa.CampaignRecipient, error) {
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
			Params: resolve(srcs, m), Status: conversa.RecipientPending}
		switch {
		case optedOut[m.WAKey]:
			r.Status, r.Error = conversa.RecipientExcluded, "opted_out"
		case t.CheckParams(templateValues(t, r.Params)) != nil:
			r.Status, r.Error = conversa.RecipientExcluded, "missing_variable"
		}
		out = append(out, r)
	}
	return out, nil
}
