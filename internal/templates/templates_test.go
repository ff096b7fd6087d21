package templates_test

import (
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/templates"
)

const body = "Olá {{1}}, seu pedido {{2}} foi enviado."

func TestCreateIsReviewedThroughWebhookAndSync(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		tpl, err := e.svc.Create(ctx, e.company.ID, draft(e.channel.ID, "pedido_saiu", body))
		if err != nil {
			t.Fatal(err)
		}
		if tpl.Status != conversa.TemplatePending || tpl.Language != "pt_BR" || tpl.MetaID == "" || tpl.ID == 0 {
			t.Fatalf("created = %+v", tpl)
		}
		if _, err := e.st.ApprovedTemplate(ctx, e.company.ID, e.channel.ID, "pedido_saiu", "pt_BR"); conversa.ErrorCode(err) != conversa.ETEMPLATENOTAPPROVED {
			t.Fatalf("pending template offered for sending: %v", err)
		}
		// Meta's review finishes after the delay; the webhook brings it here.
		e.clock.Advance(reviewDelay + time.Second)
		e.waitStatus("pedido_saiu", conversa.TemplateApproved)
		if _, err := e.st.ApprovedTemplate(ctx, e.company.ID, e.channel.ID, "pedido_saiu", ""); err != nil {
			t.Fatalf("approved template refused: %v", err)
		}

		// With webhooks lost, the sync finds the review result (and Meta's
		// own templates, over several pages of 2).
		e.hooksOn.Store(false)
		if _, err := e.svc.Create(ctx, e.company.ID, draft(e.channel.ID, "pedido_entregue", body)); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(reviewDelay + time.Second)
		res, err := e.svc.Sync(ctx, e.company.ID, e.channel.ID)
		if err != nil {
			t.Fatal(err)
		}
		if res.Total != 5 || res.Created != 3 || res.Updated != 1 || res.Deleted != 0 {
			t.Errorf("sync = %+v, want 5 listed (3 seeded by the simulator created, pedido_entregue updated)", res)
		}
		if got := e.byName("pedido_entregue", "pt_BR"); got.Status != conversa.TemplateApproved {
			t.Errorf("after sync: %s", got.Status)
		}
		if got := e.byName("hello_world", "en_US"); got.Status != conversa.TemplateApproved || got.Component("BODY") == nil {
			t.Errorf("hello_world = %+v", got)
		}
		// A second sync changes nothing.
		if res, err := e.svc.Sync(ctx, e.company.ID, e.channel.ID); err != nil || res.Created+res.Updated+res.Deleted != 0 {
			t.Errorf("second sync = %+v, %v", res, err)
		}
	})
}

func TestRejectedTemplateIsEditedAndResubmitted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		// The simulator rejects a body containing REJECT (INVALID_FORMAT).
		tpl, err := e.svc.Create(ctx, e.company.ID, draft(e.channel.ID, "oferta_semana", "Olá {{1}}, REJECT o pedido {{2}} hoje."))
		if err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(reviewDelay + time.Second)
		rejected := e.waitStatus("oferta_semana", conversa.TemplateRejected)
		if rejected.RejectedReason != "INVALID_FORMAT" || !strings.Contains(rejected.StatusInfo, "REJECT") {
			t.Errorf("rejected = reason %q info %q", rejected.RejectedReason, rejected.StatusInfo)
		}
		edited, err := e.svc.Edit(ctx, e.company.ID, tpl.ID, draft(0, "", body))
		if err != nil {
			t.Fatal(err)
		}
		if edited.Status != conversa.TemplatePending || edited.RejectedReason != "" || edited.Component("BODY").Text != body || edited.ID != tpl.ID {
			t.Fatalf("resubmitted = %+v", edited)
		}
		// Meta does not take edits of a template under review.
		if _, err := e.svc.Edit(ctx, e.company.ID, tpl.ID, draft(0, "", body)); conversa.ErrorCode(err) != conversa.ECONFLICT {
			t.Errorf("edit while PENDING: %v", err)
		}
		e.clock.Advance(reviewDelay + time.Second)
		e.waitStatus("oferta_semana", conversa.TemplateApproved)
	})
}

func TestPauseAndDisableFromMetaReachTheRow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if _, err := e.svc.Sync(ctx, e.company.ID, e.channel.ID); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute) // past the sync's observation time
		if err := e.sim.SetTemplateStatus(e.acc.WABAID, "pedido_enviado", "pt_BR", "PAUSED", ""); err != nil {
			t.Fatal(err)
		}
		paused := e.waitStatus("pedido_enviado", conversa.TemplatePaused)
		if !strings.Contains(paused.StatusInfo, "FIRST_PAUSE") {
			t.Errorf("pause info = %q", paused.StatusInfo)
		}
		e.clock.Advance(time.Minute)
		if err := e.sim.SetTemplateStatus(e.acc.WABAID, "pedido_enviado", "pt_BR", "DISABLED", ""); err != nil {
			t.Fatal(err)
		}
		disabled := e.waitStatus("pedido_enviado", conversa.TemplateDisabled)
		if !strings.Contains(disabled.StatusInfo, "Disabled on") {
			t.Errorf("disable info = %q", disabled.StatusInfo)
		}
		if _, err := e.st.ApprovedTemplate(ctx, e.company.ID, e.channel.ID, "pedido_enviado", "pt_BR"); conversa.ErrorCode(err) != conversa.ETEMPLATENOTAPPROVED {
			t.Errorf("disabled template sendable: %v", err)
		}
	})
}

func TestDeleteHereAndGoneFromMeta(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st)
		if _, err := e.svc.Sync(ctx, e.company.ID, e.channel.ID); err != nil {
			t.Fatal(err)
		}
		hello := e.byName("hello_world", "en_US")
		e.clock.Advance(time.Minute)
		if err := e.svc.Delete(ctx, e.company.ID, hello.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.byName("hello_world", "en_US"); got.Status != conversa.TemplateDeleted {
			t.Errorf("after delete: %s", got.Status)
		}
		if list, _ := e.st.Templates(ctx, e.company.ID, store.TemplateFilter{ChannelID: e.channel.ID}); len(list) != 2 {
			t.Errorf("list after delete has %d templates, want 2", len(list))
		}
		// Deleted in Meta's manager: the next sync marks it here.
		e.clock.Advance(time.Minute)
		if err := e.rawGraphDelete("promocao_semana"); err != nil {
			t.Fatal(err)
		}
		e.clock.Advance(time.Minute)
		res, err := e.svc.Sync(ctx, e.company.ID, e.channel.ID)
		if err != nil || res.Deleted != 1 || res.Total != 1 {
			t.Fatalf("sync after Meta-side delete = %+v, %v", res, err)
		}
		if got := e.byName("promocao_semana", "pt_BR"); got.Status != conversa.TemplateDeleted {
			t.Errorf("gone from Meta: %s", got.Status)
		}
		// Creating the name again revives the same row, PENDING.
		again, err := e.svc.Create(ctx, e.company.ID, draft(e.channel.ID, "promocao_semana", body))
		if err != nil || again.Status != conversa.TemplatePending || again.ID != e.byName("promocao_semana", "pt_BR").ID {
			t.Fatalf("recreate = %+v, %v", again, err)
		}
	})
}

func TestInvalidTemplatesNeverReachMeta(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	bad := []templates.Draft{
		draft(e.channel.ID, "Pedido Saiu", body),                          // name rules
		draft(e.channel.ID, "pedido", "{{1}} pedido {{2}}"),               // starts and ends with a variable
		{ChannelID: e.channel.ID, Name: "sem_corpo", Category: "UTILITY"}, // no BODY
		func() templates.Draft { d := draft(e.channel.ID, "pedido", body); d.Category = "PROMO"; return d }(),
		func() templates.Draft {
			d := draft(e.channel.ID, "pedido", body)
			d.Components[1].Example = nil
			return d
		}(),
	}
	before := e.graphN.Load()
	for i, d := range bad {
		if _, err := e.svc.Create(ctx, e.company.ID, d); conversa.ErrorCode(err) != conversa.EINVALID {
			t.Errorf("draft %d: %v, want invalid", i, err)
		}
	}
	if n := e.graphN.Load() - before; n != 0 {
		t.Errorf("the simulator saw %d Graph requests for invalid templates", n)
	}
}

func TestMetaRefusalIsMetaRejected(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t))
	// hello_world exists on Meta but not here yet: Meta refuses the duplicate.
	d := draft(e.channel.ID, "hello_world", body)
	d.Language = "en_US"
	_, err := e.svc.Create(ctx, e.company.ID, d)
	if conversa.ErrorCode(err) != conversa.EMETAREJECTED || !strings.Contains(err.Error(), "already exists") {
		t.Fatalf("duplicate on Meta: %v", err)
	}
	if _, err := e.st.TemplateByName(ctx, e.company.ID, e.channel.ID, "hello_world", "en_US"); conversa.ErrorCode(err) != conversa.ENOTFOUND {
		t.Errorf("refused template stored: %v", err)
	}
}
