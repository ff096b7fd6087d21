package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/chromedp/chromedp"
)

// More of the walk, in the screens' order: the templates list's sync and
// delete with a throwaway template that has every editor feature (named
// variables, an image header, a phone button); the admin's settings
// (an opt-out keyword the customer then uses, opting her back in,
// the default list again); the agent's availability; a photo attached
// from the computer.

// templateSyncAndDelete syncs the channel's templates with Meta, then
// builds a second template with the rest of the editor and deletes it.
func (w *walk) templateSyncAndDelete() {
	synced := strings.Split(w.tr("templates.synced"), "{")[0]
	w.step("templates synced", stepTimeout, click("#sync-templates"), textContains("#templates-status", synced))
	name := "promo_" + strings.ToLower(strings.ReplaceAll(w.lang, "-", "_"))
	button := `#t-button-list .button-row:last-child [data-field="%s"]`
	w.step("template with image, names, phone", stepTimeout, click("#new-template"), fill("#t-name", name),
		choose("#t-cat", "MARKETING"), choose("#t-format", "NAMED"), choose("#t-header-format", "IMAGE"),
		fill("#t-header-sample", "https://loja.example/amostra.png"),
		fill("#t-body", "Oi {{nome}}, temos novidades para você hoje!"), fill("#t-ex-nome", "Ana"),
		click("#add-phone-button"), fill(fmt.Sprintf(button, "text"), "Ligar"), fill(fmt.Sprintf(button, "phone"), "+551130002000"),
		textContains("[data-preview-body]", "Oi Ana, temos novidades"), textContains("[data-preview-media]", w.tr("tpl.header.IMAGE")),
		textContains("[data-preview-buttons]", "Ligar"),
		until(`document.getElementById("add-phone-button").disabled`)) // one phone button at most
	row := fmt.Sprintf("tr[data-template=%q]", name)
	w.step("second template submitted", stepTimeout, click("#submit-template"), visible(row))
	w.step("template deleted", stepTimeout, js(`window.confirm = () => true`),
		click(fmt.Sprintf(`[data-delete-template=%q]`, name)), textContains("#templates-status", w.tr("templates.deleted")),
		until(fmt.Sprintf(`!document.querySelector('%s')`, row)))
}

// choose sets a select's value and fires "input" and "change", as a
// person picking the option would.
func choose(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(visible(sel), chromedp.SetValue(chromedp.CSS(sel), value),
		js(fmt.Sprintf(`["input", "change"].forEach((e) => document.querySelector(%q).dispatchEvent(new Event(e, {bubbles: true})))`, sel)))
}

// settings: the admin adds an opt-out keyword, the customer replies with
// it and is opted out (the conversation's card shows it live), then asks
// to come back and the admin opts her back in from the settings' search;
// the company goes back to the default keywords.
func (w *walk) settings() {
	w.need("GET /api/v1/settings/opt-out", "opt-out settings")
	w.step("settings keyword", stepTimeout, click(`nav.nav a[href="/app/settings"]`), textContains("h1", w.tr("settings.title")),
		fill("#kw-new", "Chega"), click("#add-keyword"), visible(`#optout-keywords [data-keyword="Chega"]`),
		textContains("#optout-kind", w.tr("settings.custom")), textContains("#optout ~ .form-ok", w.tr("settings.added")))
	w.step("customer opts out", stepTimeout, chromedp.Navigate(w.convURL), visible("#optout .badge.ok"),
		chromedp.Func(func(context.Context, *chromedp.Target) error {
			w.customerSays(map[string]any{"text": "chega!"})
			return nil
		}), visible("#optout .badge.bad"))
	contact := `tr[data-contact="5511987654321"]`
	w.step("settings opt back in", stepTimeout, w.open("/app/settings"), fill("#optin-q", "(11) 98765-4321"), click("#optin-find"),
		visible(contact+" .badge.bad"), fill(contact+` input[name="reason"]`, "Pediu por telefone"), click(contact+" button[type=submit]"),
		visible(contact+" .badge.ok"), textContains("#optin .form-ok", w.tr("settings.opted_in", "Ana Cliente")))
	w.step("settings defaults", stepTimeout, js(`window.confirm = () => true`), click("#reset-keywords"),
		textContains("#optout-kind", w.tr("settings.defaults")))
}

// availability: the agent goes away and back; the choice is saved, so it
// survives a reload.
func (w *walk) availability() {
	saved := `!document.getElementById("availability").hasAttribute("aria-busy")`
	checked := func(v string) chromedp.Action[chromedp.Void] {
		return until(fmt.Sprintf(`document.querySelector('#availability input[value="%s"]').checked`, v))
	}
	w.step("availability away", stepTimeout, click("#availability .avail-off"), checked("false"), until(saved),
		chromedp.Reload(), checked("false"))
	w.step("availability back", stepTimeout, click("#availability .avail-on"), checked("true"), until(saved),
		chromedp.Reload(), checked("true"), textContains("#availability", w.tr("avail.on")))
}

// attachFile sends a photo from the agent's computer, with a caption: the
// composer says what was picked, uploads it and the thread shows it.
func (w *walk) attachFile() {
	path := filepath.Join(w.t.TempDir(), "etiqueta.png")
	if err := os.WriteFile(path, photoPNG(), 0o644); err != nil {
		w.t.Fatal(err)
	}
	img := `.bubble.out[data-type="image"] .media img`
	w.step("attach a photo", stepTimeout, click("#attach summary"), textContains("#c-file-limits", "5 MB"),
		chromedp.SetUploadFiles(chromedp.CSS("#c-file"), []string{path}), textContains("#c-file-chosen", "etiqueta.png"))
	w.step("photo sent", stepTimeout, fill("#c-body", "Segue a etiqueta"), click("#c-send"), visible(img),
		until(`(() => { const i = document.querySelector('`+img+`'); return i.complete && i.naturalWidth === 320; })()`),
		textContains(`.bubble.out[data-type="image"]`, "Segue a etiqueta"),
		js(`document.querySelector('`+img+`').scrollIntoView({block: "center"})`))
}

// customerSays has Ana send a message through the simulator's control API.
func (w *walk) customerSays(msg map[string]any) {
	msg["phone_number_id"], msg["from"], msg["name"] = w.phoneID, customerWAID, "Ana Cliente"
	body, _ := json.Marshal(msg)
	w.simPost("/_sim/customers/messages", string(body))
}
