package templates

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Draft is a template as an author writes it.
type Draft struct {
	ChannelID       int64
	Name            string
	Language        string // default pt_BR
	Category        string // MARKETING, UTILITY or AUTHENTICATION (any case)
	ParameterFormat string // POSITIONAL (default) or NAMED
	Components      []conversa.TemplateComponent
}

// template builds and validates the domain template, so every problem is
// reported before anything reaches Meta.
func (d Draft) template(companyID int64) (conversa.Template, error) {
	t := conversa.Template{CompanyID: companyID, ChannelID: d.ChannelID, Name: strings.TrimSpace(d.Name),
		Language: strings.TrimSpace(d.Language), ParameterFormat: strings.ToUpper(strings.TrimSpace(d.ParameterFormat)),
		Components: d.Components}
	if t.Language == "" {
		t.Language = conversa.DefaultTemplateLanguage
	}
	if t.ParameterFormat == "" {
		t.ParameterFormat = "POSITIONAL"
	}
	if t.ParameterFormat != "POSITIONAL" && t.ParameterFormat != "NAMED" {
		return t, conversa.Errorf(conversa.EINVALID, "parameter_format must be POSITIONAL or NAMED.").
			Pt("parameter_format deve ser POSITIONAL ou NAMED.")
	}
	if cat, err := conversa.ParseCategory(d.Category); err == nil && cat != conversa.CategoryService {
		t.Category = cat
	} else {
		t.Category = conversa.Category(d.Category) // Validate names the allowed values
	}
	return t, t.Validate()
}

// Create validates a draft, submits it to Meta for review and stores it
// PENDING with Meta's id.
func (s *Service) Create(ctx context.Context, companyID int64, d Draft) (conversa.Template, error) {
	t, err := d.template(companyID)
	if err != nil {
		return t, err
	}
	ch, err := s.channel(ctx, companyID, d.ChannelID)
	if err != nil {
		return t, err
	}
	if old, err := s.store.TemplateByName(ctx, companyID, ch.ID, t.Name, t.Language); err == nil && old.Status != conversa.TemplateDeleted {
		return t, conversa.Errorf(conversa.ECONFLICT, "Template %q already exists in %s on this channel; edit it instead.", t.Name, t.Language).
			Pt("O modelo %q já existe em %s neste canal; edite-o.", t.Name, t.Language)
	}
	created, err := s.graph.CreateTemplate(ctx, ch.WABA.AccessToken, ch.WABA.WABAID, toMeta(t))
	if err != nil {
		return t, graphError(err)
	}
	t.MetaID = created.ID
	t.Status = conversa.MetaTemplateStatus(created.Status)
	if t.Status == "" {
		t.Status = conversa.TemplatePending
	}
	if cat, err := conversa.ParseCategory(created.Category); err == nil {
		t.Category = cat // Meta may recategorise at creation (allow_category_change)
	}
	t.StatusAt = s.observedAt(s.clock.Now())
	t.CategoryAt = t.StatusAt
	// A webhook may have stored the review result first: observe keeps it.
	return s.observe(ctx, t)
}

// editable are the states Meta accepts edits in; an edited template goes
// back to review.
var editable = map[conversa.TemplateStatus]bool{
	conversa.TemplateRejected: true, conversa.TemplateApproved: true, conversa.TemplatePaused: true,
}

// Edit changes a template's components (and optionally its category) and
// resubmits it: Meta puts it back to PENDING.
func (s *Service) Edit(ctx context.Context, companyID, id int64, d Draft) (conversa.Template, error) {
	old, err := s.store.Template(ctx, companyID, id)
	if err != nil {
		return old, err
	}
	if !editable[old.Status] {
		return old, conversa.Errorf(conversa.ECONFLICT, "Template %q is %s; only REJECTED, APPROVED or PAUSED templates can be edited.", old.Name, old.Status).
			Pt("O modelo %q está %s; só modelos REJEITADOS, APROVADOS ou PAUSADOS podem ser editados.", old.Name, old.Status)
	}
	d.ChannelID, d.Name, d.Language = old.ChannelID, old.Name, old.Language // Meta keys a template by them: never changed
	if d.Category == "" {
		d.Category = string(old.Category)
	}
	if d.ParameterFormat == "" {
		d.ParameterFormat = old.ParameterFormat
	}
	next, err := d.template(companyID)
	if err != nil {
		return old, err
	}
	ch, err := s.channel(ctx, companyID, old.ChannelID)
	if err != nil {
		return old, err
	}
	edit := whatsapp.TemplateEdit{Components: toMetaParts(next.Components)}
	if next.Category != old.Category {
		edit.Category = metaCategory(next.Category)
	}
	if err := s.graph.EditTemplate(ctx, ch.WABA.AccessToken, old.MetaID, edit); err != nil {
		return old, graphError(err)
	}
	return s.resubmitted(ctx, companyID, id, next)
}

// resubmitted stores an accepted edit: new content, PENDING. Meta has
// just said so, which is newer than anything stored, whatever the clocks.
func (s *Service) resubmitted(ctx context.Context, companyID, id int64, next conversa.Template) (conversa.Template, error) {
	now := s.observedAt(s.clock.Now())
	t, _, err := s.store.UpdateTemplate(ctx, companyID, id, func(t *conversa.Template) bool {
		t.Components, t.ParameterFormat = next.Components, next.ParameterFormat
		t.ApplyCategory(next.Category, later(now, t.CategoryAt))
		t.ApplyStatus(conversa.TemplateStatusChange{Status: conversa.TemplatePending, At: later(now, t.StatusAt), Observed: true})
		return true
	})
	if err == nil {
		s.publish(ctx, t)
	}
	return t, err
}

// Delete removes the template (this language only) on Meta, then marks
// it DELETED here. A template Meta no longer has is deleted all the same.
func (s *Service) Delete(ctx context.Context, companyID, id int64) error {
	old, err := s.store.Template(ctx, companyID, id)
	if err != nil || old.Status == conversa.TemplateDeleted {
		return err
	}
	ch, err := s.channel(ctx, companyID, old.ChannelID)
	if err != nil {
		return err
	}
	if err := s.graph.DeleteTemplate(ctx, ch.WABA.AccessToken, ch.WABA.WABAID, old.Name, old.MetaID); err != nil && !metaNotFound(err) {
		return graphError(err)
	}
	now := s.observedAt(s.clock.Now())
	t, changed, err := s.store.UpdateTemplate(ctx, companyID, id, func(t *conversa.Template) bool {
		return t.ApplyStatus(conversa.TemplateStatusChange{Status: conversa.TemplateDeleted, At: later(now, t.StatusAt), Observed: true})
	})
	if err == nil && changed {
		s.publish(ctx, t)
	}
	return err
}

// metaNotFound: Meta has no such template (2593002), or no such object.
func metaNotFound(err error) bool {
	var e *whatsapp.Error
	return errors.As(err, &e) && (e.Subcode == 2593002 || (e.Code == whatsapp.CodeInvalidParameter && e.Subcode == 33))
}

// later returns the later of two times.
func later(a, b time.Time) time.Time {
	if a.After(b) {
		return a
	}
	return b
}
