package templates

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/whatsapp"
)

// HandleEvent is the intake's Templates sink: review results
// (message_template_status_update) and recategorisations
// (template_category_update) of the routed channel's templates. It is
// idempotent and order-safe (see the package comment); events of other
// fields are ignored.
func (s *Service) HandleEvent(ctx context.Context, r intake.Route, ev whatsapp.Event) error {
	if ev.Other == nil {
		return nil
	}
	at := ev.Time
	if at.IsZero() {
		at = r.ReceivedAt // no entry time: the latest the event can have happened
	}
	switch {
	case ev.Other.TemplateStatus != nil:
		u := ev.Other.TemplateStatus
		return s.applyEvent(ctx, r, u.MessageTemplateName, u.MessageTemplateLanguage, func(t *conversa.Template) bool {
			return t.ApplyStatus(statusChange(u, at))
		})
	case ev.Other.TemplateCategory != nil:
		u := ev.Other.TemplateCategory
		cat, err := conversa.ParseCategory(u.NewCategory)
		if err != nil || cat == conversa.CategoryService {
			// correct_category alone announces a future change; Meta sends
			// new_category when it happens.
			return nil
		}
		return s.applyEvent(ctx, r, u.MessageTemplateName, u.MessageTemplateLanguage, func(t *conversa.Template) bool {
			return t.ApplyCategory(cat, at)
		})
	}
	return nil
}

// applyEvent updates the named template under a row lock. A template
// Conversa has not seen yet (made in Meta's manager since the last sync)
// is fetched from Meta instead: its listing already holds the event's
// outcome.
func (s *Service) applyEvent(ctx context.Context, r intake.Route, name, language string, apply func(*conversa.Template) bool) error {
	t, err := s.store.TemplateByName(ctx, r.CompanyID, r.ChannelID, name, language)
	if conversa.ErrorCode(err) == conversa.ENOTFOUND {
		return s.fetchOne(ctx, r.CompanyID, r.ChannelID, name, language)
	}
	if err != nil {
		return err
	}
	t, changed, err := s.store.UpdateTemplate(ctx, r.CompanyID, t.ID, apply)
	if err == nil && changed {
		s.publish(ctx, t)
	}
	return err
}

// fetchOne stores one template as Meta lists it now; nothing when Meta no
// longer has it.
func (s *Service) fetchOne(ctx context.Context, companyID, channelID int64, name, language string) error {
	ch, err := s.channel(ctx, companyID, channelID)
	if err != nil {
		return err
	}
	now := s.clock.Now()
	listed, err := s.graph.AllTemplates(ctx, ch.WABA.AccessToken, ch.WABA.WABAID,
		whatsapp.TemplateQuery{Name: name, Language: language, Limit: s.pageSize, Fields: syncFields})
	if err != nil {
		return err // the intake retries the event later
	}
	for _, m := range listed {
		if m.Name != name || m.Language != language {
			continue // Meta's name filter matches substrings
		}
		t, err := fromMeta(m, ch, s.observedAt(now))
		if err != nil {
			return err
		}
		_, err = s.observe(ctx, t)
		return err
	}
	return nil
}

// statusChange reads a status event. Events that are not a status
// (FLAGGED, or one Meta adds later) keep the status and record the event
// in StatusInfo, so nothing is lost and nothing is guessed.
func statusChange(u *whatsapp.TemplateStatusUpdate, at time.Time) conversa.TemplateStatusChange {
	c := conversa.TemplateStatusChange{Status: conversa.TemplateEventStatus(u.Event), At: at, Info: statusInfo(u)}
	if c.Status == conversa.TemplateRejected && u.Reason != "NONE" {
		c.Reason = u.Reason
	}
	if c.Status == "" && c.Info == "" {
		c.Info = strings.ToUpper(u.Event)
	}
	return c
}

// statusInfo is Meta's explanation of a status, in its own words.
func statusInfo(u *whatsapp.TemplateStatusUpdate) string {
	var parts []string
	add := func(s ...string) {
		if j := strings.TrimSpace(strings.Join(s, " ")); j != "" {
			parts = append(parts, j)
		}
	}
	if conversa.TemplateEventStatus(u.Event) == "" {
		add(strings.ToUpper(u.Event) + ":")
	}
	if ri := u.RejectionInfo; ri != nil {
		add(ri.Reason, ri.Recommendation)
	}
	if oi := u.OtherInfo; oi != nil {
		add(oi.Title+":", oi.Description)
	}
	if di := u.DisableInfo; di != nil && di.DisableDate != "" {
		add("Disabled on", disableDate(string(di.DisableDate))+".")
	}
	return strings.Join(parts, " ")
}

// disableDate renders Meta's Unix-seconds disable date, or the text as
// Meta sent it.
func disableDate(s string) string {
	if sec, err := strconv.ParseInt(s, 10, 64); err == nil && sec > 0 {
		return time.Unix(sec, 0).UTC().Format("2006-01-02 15:04 MST")
	}
	return s
}
