package web

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/templates"
)

// campaignCSV has two good rows, a duplicate of the first (its 9th digit
// left out) and a number that can't be one.
const campaignCSV = "name,phone,pedido\nAna,11 98765-4321,#1\nBruno,11 91234-5678,#2\nAna de novo,+55 11 8765-4321,#3\nCaio,123,#4\n"

// campaignStack is the UI over the API with the services a campaign
// needs (no engine: campaigns start but never send), and acme's connected
// channel with the approved template pedido_enviado.
func campaignStack(t *testing.T) (*stack, int64, *store.Store) {
	var channelID int64
	var db *store.Store
	s := newStackWith(t, func(st *store.Store, clock *conversa.ShiftClock, c *httpapi.Config) {
		db = st
		log := slog.New(slog.DiscardHandler)
		box, err := secrets.New(make([]byte, 32))
		if err != nil {
			t.Fatal(err)
		}
		st.SetSealer(box)
		c.Channels = channels.New(channels.Config{Store: st, Clock: clock, Logger: log})
		c.Templates = templates.New(templates.Config{Store: st, Clock: clock, Logger: log})
		c.Inbox = inbox.New(inbox.Options{Store: st, Templates: st, Prices: st, Clock: clock, Logger: log})
		c.Campaigns = campaigns.New(campaigns.Options{Store: st, Clock: clock, Logger: log})
		channelID = seedCampaignChannel(t, st, clock)
	})
	return s, channelID, db
}

func seedCampaignChannel(t *testing.T, st *store.Store, clock conversa.Clock) int64 {
	ctx := context.Background()
	co, err := st.CompanyByDomain(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	g, err := st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: co.ID, Name: "Vendas"})
	if err != nil {
		t.Fatal(err)
	}
	ch, err := st.CreateChannel(ctx, conversa.Channel{CompanyID: co.ID, GroupID: g.ID, Type: conversa.ChannelWABA,
		Name: "Acme WhatsApp", Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "acme-waba",
			PhoneNumberID: "acme-number", AccessToken: "acme-token", AppSecret: "acme-secret", VerifyToken: "acme-verify"}})
	if err != nil {
		t.Fatal(err)
	}
	_, _, err = st.SaveTemplate(ctx, conversa.Template{CompanyID: co.ID, ChannelID: ch.ID, MetaID: "m-1", Name: "pedido_enviado",
		Language: "pt_BR", Category: conversa.CategoryUtility, Status: conversa.TemplateApproved, StatusAt: clock.Now(),
		Components: []conversa.TemplateComponent{{Type: "BODY", Text: "Olá {{1}}, seu pedido {{2}} foi enviado.",
			Example: &conversa.TemplateExample{BodyText: [][]string{{"Ana", "#1"}}}}}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return ch.ID
}

// api calls the JSON API as the cookie's user and decodes the answer.
func (s *stack) api(method, path string, cookie *http.Cookie, body, out any) {
	s.t.Helper()
	raw, _ := json.Marshal(body)
	r := httptest.NewRequest(method, path, strings.NewReader(string(raw)))
	r.Header.Set("Content-Type", "application/json")
	r.AddCookie(cookie)
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	if rec.Code >= 300 {
		s.t.Fatalf("%s %s: %d %s", method, path, rec.Code, rec.Body)
	}
	if out != nil {
		if err := json.Unmarshal(rec.Body.Bytes(), out); err != nil {
			s.t.Fatal(err)
		}
	}
}

func (s *stack) postFormAs(path, lang string, cookie *http.Cookie, form url.Values) *httptest.ResponseRecorder {
	r := httptest.NewRequest("POST", path, strings.NewReader(form.Encode()))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	r.AddCookie(cookie)
	r.AddCookie(&http.Cookie{Name: langCookie, Value: lang})
	rec := httptest.NewRecorder()
	s.h.ServeHTTP(rec, r)
	return rec
}

func pageText(t *testing.T, rec *httptest.ResponseRecorder) string {
	t.Helper()
	if rec.Code != http.StatusOK {
		t.Fatalf("status %d:\n%s", rec.Code, rec.Body)
	}
	return html.UnescapeString(rec.Body.String())
}

// The wizard's second step shows the import report, guesses the column of
// each variable and previews the first recipient's message, in both
// languages.
func TestCampaignWizard(t *testing.T) {
	s, channelID, _ := campaignStack(t)
	admin := s.login("admin@acme.com")
	var list struct{ ID int64 }
	s.api("POST", "/api/v1/contact-lists", admin, map[string]string{"name": "Clientes", "csv": campaignCSV}, &list)
	for _, tc := range []struct{ lang, accepted, dup, invalid, cost string }{
		{langPT, "2 contatos aceitos.", "Duplicado", "Número inválido", "Custo previsto por mensagem: US$ 0,"},
		{langEN, "2 contacts accepted.", "Duplicate", "Invalid number", "Expected cost per message: $0."},
	} {
		page := pageText(t, s.getAs(fmt.Sprintf("/app/campaigns/new?list=%d", list.ID), tc.lang, admin))
		mustContain(t, page, tc.accepted, tc.dup, tc.invalid, `data-reason="duplicate"`, `data-reason="invalid_phone"`,
			"pedido_enviado", `<option value="name" selected>`, `<option value="pedido" selected>`, `id="cp-hours-start"`)
		form := url.Values{"list": {fmt.Sprint(list.ID)}, "channel_id": {fmt.Sprint(channelID)}, "var": {"name", "pedido"}}
		preview := pageText(t, s.postFormAs("/app/campaigns/new/preview", tc.lang, admin, form))
		mustContain(t, preview, "Olá Ana, seu pedido #1 foi enviado.", tc.cost)
	}
	// A column chosen by hand is kept; the variables follow it.
	form := url.Values{"list": {fmt.Sprint(list.ID)}, "channel_id": {fmt.Sprint(channelID)}, "var": {"pedido", "name"}}
	mustContain(t, pageText(t, s.postFormAs("/app/campaigns/new/preview", langPT, admin, form)), "Olá #1, seu pedido Ana foi enviado.")
}

// A draft's page is its estimate with the start button; once started, the
// progress bar, counts and actions follow the campaign's status.
func TestCampaignPage(t *testing.T) {
	s, channelID, st := campaignStack(t)
	admin := s.login("admin@acme.com")
	var list, camp struct{ ID int64 }
	s.api("POST", "/api/v1/contact-lists", admin, map[string]string{"name": "Clientes", "csv": campaignCSV}, &list)
	s.api("POST", "/api/v1/campaigns", admin, map[string]any{"name": "Black Friday", "channel_id": channelID, "list_id": list.ID,
		"template": map[string]string{"name": "pedido_enviado"}, "variables": []string{"name", "pedido"}}, &camp)
	path := fmt.Sprintf("/app/campaigns/%d", camp.ID)
	for _, tc := range []struct{ lang, want, cost, rejected string }{
		{langPT, "Iniciar envio", "US$ 0,", "Duplicado: 1"},
		{langEN, "Start sending", "$0.", "Duplicate: 1"},
	} {
		page := pageText(t, s.getAs(path, tc.lang, admin))
		mustContain(t, page, "Black Friday", tc.want, tc.cost, tc.rejected, `id="est-recipients"><strong>2</strong>`,
			`role="progressbar"`, `aria-valuenow="0"`, `<td>BR</td>`, `id="campaign-report" href="/app/reports?channel_id=`)
	}
	apiPath := fmt.Sprintf("/api/v1/campaigns/%d", camp.ID)
	s.api("POST", apiPath+"/start", admin, nil, nil)
	progress := pageText(t, s.getAs(path+"/progress", langEN, admin))
	mustContain(t, progress, "Sending", `id="pause-campaign"`, `id="cancel-campaign"`, `id="count-pending">2<`, "every 3s",
		`<dt>Replied</dt><dd id="count-replied">0<`)
	if strings.Contains(progress, `id="start-campaign"`) || strings.Contains(progress, "<html") {
		t.Error("a running campaign's progress fragment offers start, or is a whole page")
	}
	// The engine pauses by itself when failures spike; the page says why,
	// in the reader's language.
	co, _ := st.CompanyByDomain(context.Background(), "acme")
	why := conversa.Errorf(conversa.ECONFLICT, "Too many failures.").Pt("Falhas demais.")
	if ok, err := st.ChangeCampaign(context.Background(), co.ID, camp.ID, store.CampaignChange{
		From: []conversa.CampaignStatus{conversa.CampaignRunning}, To: conversa.CampaignPaused, Reason: why}); !ok || err != nil {
		t.Fatalf("auto-pause: %v %v", ok, err)
	}
	mustContain(t, pageText(t, s.getAs(path, langPT, admin)), "Pausada automaticamente: Falhas demais.", `id="resume-campaign"`,
		"Na fila", "+5511987654321")
	mustContain(t, pageText(t, s.getAs(path, langEN, admin)), "Paused automatically: Too many failures.")
	rows := pageText(t, s.getAs(path+"/recipients?status=failed", langEN, admin))
	if strings.Contains(rows, "data-recipient-status=") {
		t.Errorf("the failed filter shows pending recipients:\n%s", rows)
	}
	list2 := pageText(t, s.getAs("/app/campaigns", langEN, admin))
	mustContain(t, list2, "Black Friday", `class="badge c-paused">Paused`, `role="progressbar"`, "0 of 2")
}

// Campaigns are for supervisors and admins: agents neither see the entry
// nor open the screens.
func TestCampaignsNeedSupervisor(t *testing.T) {
	s, _, _ := campaignStack(t)
	agent := s.login("agent@acme.com")
	for _, path := range []string{"/app/campaigns", "/app/campaigns/new"} {
		if rec := s.getAs(path, langPT, agent); rec.Code != http.StatusForbidden {
			t.Errorf("agent on %s: %d", path, rec.Code)
		}
	}
	if page := pageText(t, s.getAs("/app/inbox", langPT, agent)); strings.Contains(page, `href="/app/campaigns"`) {
		t.Error("the agent's navigation shows Campanhas")
	}
	mustContain(t, pageText(t, s.getAs("/app/inbox", langPT, s.login("admin@acme.com"))), `href="/app/campaigns"`, "Campanhas")
}

func TestCampaignFormatting(t *testing.T) {
	pt, en := &locale{Lang: langPT, msgs: messagesPT}, &locale{Lang: langEN, msgs: messagesEN}
	if got := pt.Decimal(12.345, 1); got != "12,3" {
		t.Errorf("pt decimal = %q", got)
	}
	if got := en.Decimal(12.345, 1); got != "12.3" {
		t.Errorf("en decimal = %q", got)
	}
	for secs, want := range map[float64]string{45: "45 s", 125: "2 min 5 s", 3725: "1 h 2 min"} {
		if got := en.Duration(secs); got != want {
			t.Errorf("Duration(%v) = %q, want %q", secs, got, want)
		}
	}
	p := progressView{apiProgress{Total: 30, Done: 29}}
	if p.Percent() != 96 {
		t.Errorf("29 of 30 = %d%%, want 96 (100 only when done)", p.Percent())
	}
}
