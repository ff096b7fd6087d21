package campaigns_test

import (
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"testing"

	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/campaigns/campaigntest"
	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

func (e *env) channelNow() conversa.Channel {
	e.t.Helper()
	ch, err := e.st.Channel(ctx, e.company(), e.channel().ID)
	if err != nil {
		e.t.Fatal(err)
	}
	return ch
}

// Disconnecting the number while its campaign runs pauses the campaign
// with the reason: nothing more reaches Meta, nobody is sent twice, and it
// can't be resumed (or another started) on the disconnected channel.
func TestDisconnectPausesTheRunningCampaign(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 40)
		c := e.campaign(campaigntest.CSV(20, 120), campaigntest.Utility)
		chans := channels.New(channels.Config{Store: st, Graph: e.w.Graph, Clock: e.clock, Logger: slog.New(slog.DiscardHandler)})
		var once sync.Once
		e.graph.setHook(func(n int) (bool, error) {
			if n == 10 {
				once.Do(func() {
					if _, _, err := chans.Disconnect(ctx, e.company(), 0, e.channel().ID); err != nil {
						t.Error(err)
					}
				})
			}
			return false, nil
		})
		got := e.run(c, campaigns.EngineOptions{Workers: 2, Batch: 10})
		if got.Status != conversa.CampaignPaused || !strings.Contains(got.PauseReason, "disconnected") || !strings.Contains(got.PauseReasonPT, "desconectado") {
			t.Fatalf("status = %s (%q / %q)", got.Status, got.PauseReason, got.PauseReasonPT)
		}
		calls := len(e.graph.sendTimes())
		if sent := e.assertOnce(c.ID); sent >= 120 || sent != calls {
			t.Fatalf("sent %d of 120 with %d calls to Meta", sent, calls)
		}
		counts, _ := st.CampaignCounts(ctx, e.company(), c.ID)
		if counts["pending"] == 0 || counts["sending"] != 0 {
			t.Fatalf("counts after the pause: %v", counts)
		}
		if _, err := e.svc.Resume(ctx, e.company(), c.ID); conversa.ErrorCode(err) != conversa.ECHANNELUNAVAILABLE {
			t.Fatalf("resume on a disconnected channel: %v", err)
		}
		in := campaigns.NewCampaign{Name: "Outra", ChannelID: e.channel().ID, ListID: c.ListID, Variables: []string{"name", "desconto"}}
		in.Template.Name = campaigntest.Utility
		if _, err := e.svc.Create(ctx, e.company(), in); conversa.ErrorCode(err) != conversa.ECHANNELUNAVAILABLE {
			t.Fatalf("a campaign on a disconnected channel: %v", err)
		}
	})
}

// A send Meta refuses for a reason about the channel pauses the campaign
// at once with the fix, and records it on the channel like the inbox does:
// 131031 (account locked) turns it red; 131042 (billing) holds templates
// but leaves the channel connected.
func TestChannelProblemsPauseTheCampaign(t *testing.T) {
	for _, tc := range []struct {
		code   int
		reason string
		status conversa.ChannelStatus
	}{
		{131031, "locked", conversa.ChannelError},
		{131042, "131042", conversa.ChannelConnected},
	} {
		t.Run(fmt.Sprint(tc.code), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				e := newEnv(t, st, 1000)
				c := e.campaign(campaigntest.CSV(22, 50), campaigntest.Marketing)
				if err := e.sim.InjectError(e.pid(), tc.code, 1000, false); err != nil {
					t.Fatal(err)
				}
				got := e.run(c, campaigns.EngineOptions{Workers: 1, Batch: 5})
				if got.Status != conversa.CampaignPaused || !strings.Contains(got.PauseReason, tc.reason) || got.PauseReasonPT == "" {
					t.Fatalf("%d: status = %s (%q)", tc.code, got.Status, got.PauseReason)
				}
				if calls := len(e.graph.sendTimes()); calls > 5 {
					t.Fatalf("%d: %d calls to Meta after the channel problem", tc.code, calls)
				}
				ch := e.channelNow()
				if ch.Status != tc.status || (tc.code == 131042) != ch.WABA.Health.PaymentRefused {
					t.Fatalf("%d: channel %s %+v", tc.code, ch.Status, ch.WABA.Health)
				}
				if _, err := e.svc.Resume(ctx, e.company(), c.ID); conversa.ErrorCode(err) != conversa.ECHANNELUNAVAILABLE {
					t.Fatalf("%d: resume: %v", tc.code, err)
				}
			})
		})
	}
}

// approve creates t on the simulator's account and keeps our APPROVED copy.
func (e *env) approve(t conversa.Template, meta whatsapp.MessageTemplate) {
	e.t.Helper()
	meta.Name, meta.Language, meta.Category = t.Name, "pt_BR", strings.ToUpper(string(t.Category))
	if _, err := e.w.Graph.CreateTemplate(ctx, e.w.Account.AccessToken, e.w.Account.WABAID, meta); err != nil {
		e.t.Fatal(err)
	}
	t.CompanyID, t.ChannelID, t.Language, t.Status = e.company(), e.channel().ID, "pt_BR", conversa.TemplateApproved
	if _, _, err := e.st.SaveTemplate(ctx, t, nil); err != nil {
		e.t.Fatal(err)
	}
}

// A campaign of a template with an image header (one for everyone) and a
// URL button (each person's own code from the list) reaches everyone with
// both; a person without the code is left out up front. Templates a
// campaign can't fill are refused when it is created.
func TestCampaignFillsHeaderAndButtons(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 1000)
		e.approve(conversa.Template{Name: "colecao", Category: conversa.CategoryMarketing, Components: []conversa.TemplateComponent{
			{Type: "HEADER", Format: "IMAGE"},
			{Type: "BODY", Text: "Oi {{1}}, chegou a coleção de verão."},
			{Type: "BUTTONS", Buttons: []conversa.TemplateButton{{Type: "URL", Text: "Ver", URL: "https://loja.example/c/{{1}}"}}},
		}}, whatsapp.MessageTemplate{Components: []whatsapp.TemplatePart{
			{Type: "HEADER", Format: "IMAGE", Example: &whatsapp.TemplateExample{HeaderHandle: []string{"4::aW1n"}}},
			{Type: "BODY", Text: "Oi {{1}}, chegou a coleção de verão.", Example: &whatsapp.TemplateExample{BodyText: [][]string{{"Ana"}}}},
			{Type: "BUTTONS", Buttons: []whatsapp.TemplateButton{{Type: "URL", Text: "Ver", URL: "https://loja.example/c/{{1}}", Example: whatsapp.Examples{"https://loja.example/c/x"}}}},
		}})
		e.approve(conversa.Template{Name: "codigo", Category: conversa.CategoryAuthentication, Components: []conversa.TemplateComponent{
			{Type: "BODY", Text: "*{{1}}* é seu código de verificação."},
			{Type: "BUTTONS", Buttons: []conversa.TemplateButton{{Type: "OTP", OTPType: "COPY_CODE", Text: "Copiar código"}}},
		}}, whatsapp.MessageTemplate{Components: []whatsapp.TemplatePart{
			{Type: "BODY", Text: "*{{1}}* é seu código de verificação.", Example: &whatsapp.TemplateExample{BodyText: [][]string{{"1"}}}},
			{Type: "BUTTONS", Buttons: []whatsapp.TemplateButton{{Type: "OTP", OTPType: "COPY_CODE", Text: "Copiar código"}}},
		}})
		l, err := e.svc.ImportList(ctx, e.company(), campaigns.ListImport{Name: "Clientes",
			CSV: "name,phone,codigo\nAna,+5511987650001,A1\nBia,+5511987650002,B2\nCaio,+5511987650003,\n"})
		if err != nil {
			t.Fatal(err)
		}
		create := func(tpl string, header *campaigns.CampaignHeader, buttons ...campaigns.CampaignButton) (conversa.Campaign, error) {
			in := campaigns.NewCampaign{Name: "Verão", ChannelID: e.channel().ID, ListID: l.ID, Variables: []string{"name"},
				Header: header, Buttons: buttons}
			in.Template.Name = tpl
			return e.svc.Create(ctx, e.company(), in)
		}
		image := &campaigns.CampaignHeader{Link: "https://cdn.example/verao.jpg"}
		code := campaigns.CampaignButton{Index: 0, Column: "codigo"}
		for _, bad := range []struct {
			err    error
			code   string
			phrase string
		}{
			{second(create("colecao", nil, code)), conversa.ETEMPLATEPARAMS, "image header"},
			{second(create("colecao", image)), conversa.ETEMPLATEPARAMS, "Button 0"},
			{second(create("colecao", &campaigns.CampaignHeader{Link: "nao-e-link"}, code)), conversa.ETEMPLATEPARAMS, "http(s)"},
			{second(create("codigo", nil)), conversa.EINVALID, "one-time code"},
		} {
			if conversa.ErrorCode(bad.err) != bad.code || !strings.Contains(bad.err.Error(), bad.phrase) {
				t.Errorf("got %v, want %s mentioning %q", bad.err, bad.code, bad.phrase)
			}
		}
		c, err := create("colecao", image, code)
		if err != nil {
			t.Fatal(err)
		}
		if got := e.run(c, campaigns.EngineOptions{}); got.Status != conversa.CampaignCompleted {
			t.Fatalf("status = %s (%s)", got.Status, got.PauseReason)
		}
		if sent := e.assertOnce(c.ID); sent != 2 {
			t.Fatalf("sent %d, want 2 (Caio has no code)", sent)
		}
		chat, err := e.sim.Chat(e.pid(), "5511987650002")
		if err != nil || len(chat.Messages) != 1 {
			t.Fatalf("chat: %+v, %v", chat, err)
		}
		if m := chat.Messages[0]; !strings.HasPrefix(m.Text, "*[image]*\nOi Bia") || len(m.Buttons) != 1 || m.Buttons[0].ID != "https://loja.example/c/B2" {
			t.Fatalf("Bia got %q with %+v", m.Text, m.Buttons)
		}
		counts, _ := st.CampaignCounts(ctx, e.company(), c.ID)
		if counts["excluded"] != 1 {
			t.Fatalf("counts = %v", counts)
		}
	})
}

func second[T any](_ T, err error) error { return err }
