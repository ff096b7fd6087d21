package templates_test

import (
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

func statusEvent(at time.Time, name, event, reason string) whatsapp.Event {
	return whatsapp.Event{Field: "message_template_status_update", Time: at, Other: &whatsapp.Change{
		Field: "message_template_status_update", TemplateStatus: &whatsapp.TemplateStatusUpdate{
			Event: event, MessageTemplateName: name, MessageTemplateLanguage: "pt_BR", Reason: reason}}}
}

func categoryEvent(at time.Time, name, category string) whatsapp.Event {
	return whatsapp.Event{Field: "template_category_update", Time: at, Other: &whatsapp.Change{
		Field: "template_category_update", TemplateCategory: &whatsapp.TemplateCategoryUpdate{
			MessageTemplateName: name, MessageTemplateLanguage: "pt_BR", NewCategory: category}}}
}

func TestSinkIsOrderSafeAndIdempotent(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.hooksOn.Store(false) // only the events below reach the sink
	if _, err := e.svc.Sync(ctx, e.company.ID, e.channel.ID); err != nil {
		t.Fatal(err)
	}
	route := intake.Route{CompanyID: e.company.ID, ChannelID: e.channel.ID, ReceivedAt: e.clock.Now()}
	base := e.clock.Now().Add(time.Hour).Truncate(time.Second)
	steps := []struct {
		ev         whatsapp.Event
		wantStatus conversa.TemplateStatus
		wantInfo   string
	}{
		{statusEvent(base.Add(2*time.Second), "pedido_enviado", "PAUSED", "NONE"), conversa.TemplatePaused, ""},
		// Older than the pause: a late redelivery, ignored.
		{statusEvent(base, "pedido_enviado", "REJECTED", "INVALID_FORMAT"), conversa.TemplatePaused, ""},
		{statusEvent(base.Add(2*time.Second), "pedido_enviado", "PAUSED", "NONE"), conversa.TemplatePaused, ""},
		{statusEvent(base.Add(3*time.Second), "pedido_enviado", "REINSTATED", "NONE"), conversa.TemplateApproved, ""},
		// Informational and unknown events keep the status and are recorded.
		{statusEvent(base.Add(4*time.Second), "pedido_enviado", "FLAGGED", "NONE"), conversa.TemplateApproved, "FLAGGED"},
		{statusEvent(base.Add(5*time.Second), "pedido_enviado", "SOMETHING_NEW", ""), conversa.TemplateApproved, "SOMETHING_NEW"},
		{statusEvent(base.Add(6*time.Second), "pedido_enviado", "REJECTED", "TAG_CONTENT_MISMATCH"), conversa.TemplateRejected, ""},
	}
	for i, s := range steps {
		if err := e.svc.HandleEvent(ctx, route, s.ev); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		got := e.byName("pedido_enviado", "pt_BR")
		if got.Status != s.wantStatus || !strings.Contains(got.StatusInfo, s.wantInfo) {
			t.Fatalf("step %d (%s): status %s info %q, want %s %q", i, s.ev.Other.TemplateStatus.Event, got.Status, got.StatusInfo, s.wantStatus, s.wantInfo)
		}
	}
	if got := e.byName("pedido_enviado", "pt_BR"); got.RejectedReason != "TAG_CONTENT_MISMATCH" {
		t.Errorf("rejected reason = %q", got.RejectedReason)
	}

	// Category: the newer update wins whatever the arrival order.
	for _, ev := range []whatsapp.Event{categoryEvent(base.Add(9*time.Second), "pedido_enviado", "MARKETING"),
		categoryEvent(base.Add(8*time.Second), "pedido_enviado", "UTILITY")} {
		if err := e.svc.HandleEvent(ctx, route, ev); err != nil {
			t.Fatal(err)
		}
	}
	if got := e.byName("pedido_enviado", "pt_BR"); got.Category != conversa.CategoryMarketing {
		t.Errorf("category = %s, want marketing", got.Category)
	}
}

func TestSinkFetchesUnknownTemplatesAndIgnoresOthers(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	e.hooksOn.Store(false)
	route := intake.Route{CompanyID: e.company.ID, ChannelID: e.channel.ID, ReceivedAt: e.clock.Now()}
	// A template made in Meta's manager, never synced: fetched from Meta.
	if err := e.svc.HandleEvent(ctx, route, statusEvent(e.clock.Now(), "promocao_semana", "APPROVED", "NONE")); err != nil {
		t.Fatal(err)
	}
	if got := e.byName("promocao_semana", "pt_BR"); got.Status != conversa.TemplateApproved || got.Component("BODY") == nil {
		t.Errorf("fetched = %+v", got)
	}
	// Unknown on Meta too, other fields, messages: nothing happens, no error.
	for _, ev := range []whatsapp.Event{
		statusEvent(e.clock.Now(), "nao_existe", "APPROVED", "NONE"),
		{Field: "phone_number_quality_update", Other: &whatsapp.Change{Field: "phone_number_quality_update"}},
		{Field: "messages", Message: &whatsapp.InboundMessage{}},
	} {
		if err := e.svc.HandleEvent(ctx, route, ev); err != nil {
			t.Errorf("%s: %v", ev.Field, err)
		}
	}
	// A deleted template is never revived by a late webhook.
	tpl := e.byName("promocao_semana", "pt_BR")
	e.clock.Advance(time.Minute)
	if err := e.svc.Delete(ctx, e.company.ID, tpl.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.svc.HandleEvent(ctx, route, statusEvent(e.clock.Now().Add(time.Hour), "promocao_semana", "APPROVED", "NONE")); err != nil {
		t.Fatal(err)
	}
	if got := e.byName("promocao_semana", "pt_BR"); got.Status != conversa.TemplateDeleted {
		t.Errorf("deleted template revived: %s", got.Status)
	}
}
