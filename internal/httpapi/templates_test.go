package httpapi_test

import (
	"context"
	"log/slog"
	"net/http"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/templates"
)

func templateComponents(body string) []conversa.TemplateComponent {
	return []conversa.TemplateComponent{{Type: "BODY", Text: body, Example: &conversa.TemplateExample{BodyText: [][]string{{"Ana"}}}}}
}

// alphaTemplateNamed stores a template of alpha's channel (as a sync
// would) and returns its id; the same name returns the same template.
func alphaTemplateNamed(e *env, name string, cat conversa.Category, status conversa.TemplateStatus) int64 {
	e.t.Helper()
	t, _, err := e.st.SaveTemplate(ctx, conversa.Template{CompanyID: e.alpha.ID, ChannelID: alphaChannel(e), MetaID: "m-" + name,
		Name: name, Language: "pt_BR", Category: cat, Status: status, StatusAt: e.clock.Now(),
		Components: templateComponents("Olá {{1}}, seu pedido saiu.")}, nil)
	if err != nil {
		e.t.Fatal(err)
	}
	return t.ID
}

func alphaTemplate(e *env) int64 {
	return alphaTemplateNamed(e, "pedido_enviado", conversa.CategoryUtility, conversa.TemplateApproved)
}

type templateJSON struct {
	ID              int64
	ChannelID       int64 `json:"channel_id"`
	Name, Language  string
	Category        string
	Status          string
	Components      []conversa.TemplateComponent
	Variables       []string
	ParameterFormat string `json:"parameter_format"`
}

func TestTemplatesListContractAndRoles(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ch := alphaChannel(e)
		alphaTemplate(e)
		alphaTemplateNamed(e, "promo_natal", conversa.CategoryMarketing, conversa.TemplatePending)
		admin, agent := e.login("alpha", "admin@alpha.com"), e.login("alpha", "agent@alpha.com")

		rec := e.do(req{method: "GET", path: idPath("/api/v1/templates?channel_id=%d", ch), token: admin})
		wantStatus(t, rec, http.StatusOK)
		list := decode[struct{ Data []templateJSON }](t, rec).Data
		if len(list) != 2 || list[0].Name != "pedido_enviado" || list[0].Status != "APPROVED" || list[0].Category != "UTILITY" ||
			list[0].Language != "pt_BR" || list[0].ChannelID != ch || len(list[0].Components) != 1 || list[0].Variables[0] != "1" {
			t.Fatalf("list = %s", rec.Body)
		}
		for query, want := range map[string]int{"status=PENDING": 1, "category=MARKETING": 1, "approved_only=true": 1, "q=natal": 1, "channel_id=999999": 0} {
			rec := e.do(req{method: "GET", path: "/api/v1/templates?" + query, token: admin})
			if n := len(decode[struct{ Data []templateJSON }](t, rec).Data); n != want {
				t.Errorf("%s: %d templates, want %d", query, n, want)
			}
		}
		wantError(t, e.do(req{method: "GET", path: "/api/v1/templates?category=PROMO", token: admin}), http.StatusBadRequest, conversa.EINVALID)

		// Agents only see what they may send.
		rec = e.do(req{method: "GET", path: "/api/v1/templates", token: agent})
		if list := decode[struct{ Data []templateJSON }](t, rec).Data; len(list) != 1 || list[0].Status != "APPROVED" {
			t.Fatalf("agent list = %s", rec.Body)
		}
		pending := alphaTemplateNamed(e, "promo_natal", conversa.CategoryMarketing, conversa.TemplatePending)
		wantError(t, e.do(req{method: "GET", path: idPath("/api/v1/templates/%d", pending), token: agent}), http.StatusNotFound, conversa.ENOTFOUND)
		wantStatus(t, e.do(req{method: "GET", path: idPath("/api/v1/templates/%d", pending), token: admin}), http.StatusOK)
		wantError(t, e.do(req{method: "POST", path: "/api/v1/templates", token: agent, body: map[string]any{"channel_id": ch}}),
			http.StatusForbidden, conversa.EFORBIDDEN)
		wantError(t, e.do(req{method: "DELETE", path: idPath("/api/v1/templates/%d", pending), token: agent}), http.StatusForbidden, conversa.EFORBIDDEN)

		// Invalid templates are refused before Meta, with every problem named.
		rec = e.do(req{method: "POST", path: "/api/v1/templates", token: admin, body: map[string]any{"channel_id": ch, "name": "Promo Natal",
			"category": "MARKETING", "components": templateComponents("{{1}}")}})
		wantError(t, rec, http.StatusBadRequest, conversa.EINVALID)
		wantError(t, e.do(req{method: "POST", path: "/api/v1/templates", token: admin, body: map[string]any{"channel_id": ch, "name": "x",
			"components": []map[string]any{{"type": "BODY", "text": "oi", "colour": "red"}}}}), http.StatusBadRequest, conversa.EINVALID)
	})
}

// fakeWindows has the service window open for the numbers listed.
type fakeWindows map[string]bool

func (f fakeWindows) WindowOpen(_ context.Context, _, _ int64, waID string) (bool, error) {
	return f[waID], nil
}

func withWindows(open fakeWindows) envOption {
	return func(e *env, c *httpapi.Config) {
		c.Templates = templates.New(templates.Config{Store: e.st, Clock: e.clock, Windows: open, Logger: slog.New(slog.DiscardHandler)})
	}
}

type previewJSON struct {
	Text     string
	Sendable bool
	Problems []struct{ Code, Message string }
	Category string
	Cost     *struct {
		To, Region, Currency string
		WindowOpen           bool `json:"window_open"`
		Billable             bool
		Amount               float64
		Micros               int64
	}
}

func TestTemplatePreviewCost(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, auth.Config{}, withWindows(fakeWindows{"5511987654321": true}))
		utility := alphaTemplate(e)
		marketing := alphaTemplateNamed(e, "promo_natal", conversa.CategoryMarketing, conversa.TemplateApproved)
		agent := e.login("alpha", "agent@alpha.com")
		preview := func(id int64, to string, params ...string) previewJSON {
			t.Helper()
			rec := e.do(req{method: "POST", path: idPath("/api/v1/templates/%d/preview", id), token: agent,
				body: map[string]any{"parameters": params, "to": to}})
			wantStatus(t, rec, http.StatusOK)
			return decode[previewJSON](t, rec)
		}
		cases := []struct {
			id     int64
			to     string
			micros int64
		}{
			{utility, "+55 11 98765-4321", 0},       // utility inside an open window: free
			{utility, "+55 21 99876-5432", 6_800},   // window closed: Brazil's utility rate
			{marketing, "(11) 98765-4321", 62_500},  // marketing is charged even inside the window
			{marketing, "+1 415 555 2671", 25_000},  // United States
			{marketing, "+351 912 345 678", 50_900}, // Portugal
			{marketing, "+81 90 1234 5678", 60_400}, // Japan: not listed, "other countries" rate
		}
		for _, c := range cases {
			p := preview(c.id, c.to, "Ana")
			if p.Cost == nil || p.Cost.Micros != c.micros || p.Cost.Currency != "USD" || p.Cost.Billable != (c.micros > 0) {
				t.Errorf("preview %d to %s: %+v, want %d micros", c.id, c.to, p.Cost, c.micros)
			}
		}
		p := preview(utility, "+5511987654321", "Ana")
		if p.Text != "Olá Ana, seu pedido saiu." || !p.Sendable || len(p.Problems) != 0 || p.Category != "UTILITY" || p.Cost.Region != "BR" || !p.Cost.WindowOpen {
			t.Errorf("preview = %+v", p)
		}
		if p := preview(utility, ""); p.Sendable || p.Problems[0].Code != conversa.ETEMPLATEPARAMS || p.Cost != nil {
			t.Errorf("missing parameter: %+v", p)
		}
		wantError(t, e.do(req{method: "POST", path: idPath("/api/v1/templates/%d/preview", utility), token: agent,
			body: map[string]any{"parameters": []string{"Ana"}, "to": "12"}}), http.StatusBadRequest, conversa.EINVALID)

		// Prices edited by the admin apply to the next preview.
		admin := e.login("alpha", "admin@alpha.com")
		wantStatus(t, e.do(req{method: "PUT", path: "/api/v1/prices", token: admin, body: map[string]any{"currency": "USD", "rates": []map[string]any{
			{"region": "br", "marketing": 0.07, "utility": 0.008, "authentication": 0.008},
			{"region": "*", "marketing": 0.05, "utility": 0.005, "authentication": 0.005}}}}), http.StatusOK)
		if p := preview(marketing, "+5511987654321", "Ana"); p.Cost.Micros != 70_000 {
			t.Errorf("after edit: %+v", p.Cost)
		}
	})
}

func TestPricesValidationAndRoles(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin, sup, agent := e.login("alpha", "admin@alpha.com"), e.login("alpha", "sup@alpha.com"), e.login("alpha", "agent@alpha.com")
		rec := e.do(req{method: "GET", path: "/api/v1/prices", token: sup})
		wantStatus(t, rec, http.StatusOK)
		table := decode[struct {
			Currency string
			Rates    []map[string]any
		}](t, rec)
		if table.Currency != "USD" || len(table.Rates) != 8 || table.Rates[0]["region"] != "*" || table.Rates[1]["region"] != "AR" {
			t.Fatalf("default table = %s", rec.Body)
		}
		wantError(t, e.do(req{method: "GET", path: "/api/v1/prices", token: agent}), http.StatusForbidden, conversa.EFORBIDDEN)
		valid := map[string]any{"currency": "USD", "rates": []map[string]any{
			{"region": "*", "marketing": 0.06, "utility": 0.007, "authentication": 0.007}}}
		wantError(t, e.do(req{method: "PUT", path: "/api/v1/prices", token: sup, body: valid}), http.StatusForbidden, conversa.EFORBIDDEN)

		row := func(region string, kv ...any) map[string]any {
			r := map[string]any{"region": region, "marketing": 0.06, "utility": 0.007, "authentication": 0.007}
			for i := 0; i+1 < len(kv); i += 2 {
				r[kv[i].(string)] = kv[i+1]
			}
			return r
		}
		bad := map[string]map[string]any{
			"negative":         {"currency": "USD", "rates": []any{row("*", "utility", -0.01)}},
			"unknown category": {"currency": "USD", "rates": []any{row("*", "service", 0.01)}},
			"missing category": {"currency": "USD", "rates": []any{map[string]any{"region": "*", "marketing": 0.06}}},
			"currency":         {"currency": "BRL", "rates": []any{row("*")}},
			"no fallback row":  {"currency": "USD", "rates": []any{row("BR")}},
			"bad region":       {"currency": "USD", "rates": []any{row("*"), row("Brasil")}},
			"duplicate region": {"currency": "USD", "rates": []any{row("*"), row("BR"), row("br")}},
			"absurd rate":      {"currency": "USD", "rates": []any{row("*", "marketing", 1e13)}},
		}
		for name, body := range bad {
			t.Run(name, func(t *testing.T) {
				wantError(t, e.do(req{method: "PUT", path: "/api/v1/prices", token: admin, body: body}), http.StatusBadRequest, conversa.EINVALID)
			})
		}
		rec = e.do(req{method: "PUT", path: "/api/v1/prices", token: admin, body: valid})
		wantStatus(t, rec, http.StatusOK)
		if got := decode[struct{ Rates []map[string]any }](t, rec).Rates; len(got) != 1 || got[0]["marketing"] != 0.06 {
			t.Fatalf("stored = %s", rec.Body)
		}
		// Another company still has the defaults.
		rec = e.do(req{method: "GET", path: "/api/v1/prices", token: e.login("beta", "admin@beta.com")})
		if n := len(decode[struct{ Rates []any }](t, rec).Rates); n != 8 {
			t.Errorf("beta's table has %d rows", n)
		}
	})
}

func TestTemplateChangesByOtherCompanyLeaveItUnchanged(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		id := alphaTemplate(e)
		before, _ := e.st.Template(ctx, e.alpha.ID, id)
		intruder := e.login("beta", "admin@beta.com")
		e.clock.Advance(time.Minute)
		e.do(req{method: "PUT", path: idPath("/api/v1/templates/%d", id), token: intruder, body: map[string]any{"components": templateComponents("Olá {{1}}!")}})
		e.do(req{method: "DELETE", path: idPath("/api/v1/templates/%d", id), token: intruder})
		after, err := e.st.Template(ctx, e.alpha.ID, id)
		if err != nil || after.Status != before.Status || !after.UpdatedAt.Equal(before.UpdatedAt) {
			t.Fatalf("alpha's template changed: %+v, %v", after, err)
		}
		if body := e.do(req{method: "GET", path: "/api/v1/templates", token: intruder}).Body.String(); body != "{\"data\":[]}\n" {
			t.Fatalf("beta lists: %s", body)
		}
	})
}
