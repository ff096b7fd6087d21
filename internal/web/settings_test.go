package web

import (
	"context"
	"fmt"
	"strings"
	"testing"
)

// The settings screen lists the opt-out keywords (defaults, then the
// company's own), lets admins change them, finds a contact by number and
// offers to opt them back in, in both languages; agents can't open it.
func TestSettingsScreen(t *testing.T) {
	f := newInboxFixture(t)
	admin, agent := f.s.login("admin@acme.com"), f.s.login("agent@acme.com")
	page := f.page("/app/settings", langPT, admin)
	mustContain(t, page, "Configurações", `href="/app/settings" aria-current="page"`, "Lista padrão", `data-keyword="PARAR"`,
		`id="optout-add"`, `maxlength="40"`, "Até 40 caracteres; de 1 a 50 palavras no total.", "Seu idioma e fuso horário", `id="tz-pick"`)
	if strings.Contains(page, `id="reset-keywords"`) {
		t.Error("the default list offers going back to the defaults")
	}
	f.s.api("PUT", "/api/v1/settings/opt-out", admin, map[string]any{"keywords": []string{"PARAR", "CHEGA"}}, nil)
	mustContain(t, f.page("/app/settings/optout", langEN, admin), "Custom list", `data-keyword="CHEGA"`, `aria-label="Remove the keyword CHEGA"`,
		`id="reset-keywords"`, "Default: NÃO, PARAR")

	if err := f.st.SetContactOptedOut(context.Background(), f.company, f.contact, f.s.clock.Now()); err != nil {
		t.Fatal(err)
	}
	found := f.page("/app/settings?q=98765-4321", langPT, admin)
	mustContain(t, found, `data-contact="5511987654321"`, "Descadastrado", fmt.Sprintf(`data-api="/api/v1/contacts/%d/opt-in"`, f.contact),
		`id="optin-`, "Reativar")
	f.s.api("POST", fmt.Sprintf("/api/v1/contacts/%d/opt-in", f.contact), admin, map[string]string{"reason": "pediu por telefone"}, nil)
	if again := f.page("/app/settings/contacts?q=98765-4321", langEN, admin); strings.Contains(again, "opt-in\"") || !strings.Contains(again, `data-contact="5511987654321"`) {
		t.Errorf("after the opt-in the contact still offers it:\n%s", again)
	}
	mustContain(t, f.page("/app/settings?q=nobody-here", langEN, admin), "No contact found for \"nobody-here\".")

	if rec := f.s.getAs("/app/settings", langPT, agent); rec.Code != 403 {
		t.Errorf("agent on settings: %d", rec.Code)
	}
}

// The top bar's availability switch shows the saved state, which follows
// the API.
func TestAvailabilitySwitch(t *testing.T) {
	f := newInboxFixture(t)
	agent := f.s.login("agent@acme.com")
	f.s.api("PUT", "/api/v1/me/availability", agent, map[string]bool{"available": true}, nil)
	page := f.page("/app/inbox", langPT, agent)
	mustContain(t, page, `<fieldset class="availability" id="availability"`, "Sua disponibilidade para novas conversas",
		`value="true" checked`, "Disponível", "Ausente")
	f.s.api("PUT", "/api/v1/me/availability", agent, map[string]bool{"available": false}, nil)
	mustContain(t, f.page("/app/inbox", langEN, agent), `value="false" checked`, "Available", "Away")
}

// The composer attaches a file from the computer, saying first what
// WhatsApp takes.
func TestComposerAttach(t *testing.T) {
	f := newInboxFixture(t)
	agent := f.s.login("agent@acme.com")
	page := f.page(fmt.Sprintf("/app/inbox/%d", f.conv), langEN, agent)
	mustContain(t, page, fmt.Sprintf(`data-upload="/api/v1/conversations/%d/media"`, f.conv), `<input id="c-file" name="file" type="file"`,
		"Attach a file", "Image: JPG, JPEG, PNG — up to 5 MB", "Document: PDF, DOC, DOCX, XLS, XLSX, PPT, PPTX, TXT — up to 100 MB",
		`aria-describedby="c-file-limits"`, `<progress id="c-file-progress"`)
}

// Numbers are searched by their digits, however they were typed.
func TestSearchTerm(t *testing.T) {
	for q, want := range map[string]string{"(11) 98765-4321": "11987654321", "+55 11 98765 4321": "5511987654321",
		"Ana": "Ana", " ana silva ": "ana silva", "R2-D2": "R2-D2", "--": "--"} {
		if got := searchTerm(q); got != want {
			t.Errorf("searchTerm(%q) = %q, want %q", q, got, want)
		}
	}
}
