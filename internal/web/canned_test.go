package web

import (
	"net/http"
	"strings"
	"testing"
)

// Supervisors keep the canned responses and labels; agents use them in
// the inbox but neither see the screen's entry nor open it.
func TestCannedScreen(t *testing.T) {
	f := newInboxFixture(t)
	admin, agent := f.s.login("admin@acme.com"), f.s.login("agent@acme.com")
	f.s.api("POST", "/api/v1/canned-responses", admin, map[string]string{"shortcut": "prazo", "text": "Entregamos em 3 dias úteis."}, nil)
	f.s.api("POST", "/api/v1/labels", admin, map[string]string{"name": "VIP", "color": "#aa0000"}, nil)
	for lang, want := range map[string][]string{
		langPT: {"Respostas prontas", "Nova resposta pronta", "Criar etiqueta", `href="/app/canned" aria-current="page"`},
		langEN: {"Canned responses", "New canned response", "Create label"},
	} {
		page := f.page("/app/canned", lang, admin)
		mustContain(t, page, want...)
		mustContain(t, page, `<tr data-shortcut="prazo"><td><strong>/prazo</strong></td><td class="pre">Entregamos em 3 dias úteis.</td>`,
			`data-label="VIP"`, `data-api="/api/v1/canned-responses"`, `data-api="/api/v1/labels"`)
	}
	mustContain(t, f.page("/app/canned/lists", langPT, admin), `id="canned-table"`, `id="label-list"`)
	if rec := f.s.getAs("/app/canned", langPT, agent); rec.Code != http.StatusForbidden {
		t.Errorf("agent on the canned screen: %d", rec.Code)
	}
	if strings.Contains(f.page("/app/inbox", langPT, agent), `href="/app/canned"`) {
		t.Error("the agent's navigation links the canned screen")
	}
}
