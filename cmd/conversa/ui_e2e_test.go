package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/conversa/conversa/internal/web"
)

// TestUIWalk walks the seed's path in a real browser, as a new user of the
// demo company would, once in pt-BR and once in English: log in, connect a
// number through the onboarding wizard (step-up, SMS code), create a pt_BR
// template and see it approved, start a conversation with it, answer from
// the customer phone page, see the reply arrive live, reply free-form, see
// the read ticks; then a day of agent work (ui_walk_agent_test.go: filters,
// assign to self, a photo quoting our message, a canned response, a note, a
// label, resolve and reopen, a phone-sized screen); move the simulator
// clock 24 h, see the composer switch to templates. Screenshots of every
// step go to CONVERSA_SCREENSHOTS/<lang> (default: a kept temp dir). A backend route the walk needs that is
// missing fails the walk, naming the piece.
func TestUIWalk(t *testing.T) {
	if testing.Short() {
		t.Skip("browser walk skipped in -short mode")
	}
	chromiumPath(t)
	for _, lang := range []string{"pt-BR", "en"} {
		t.Run(lang, func(t *testing.T) {
			base, _ := startServer(t, "")
			w := &walk{browser: newBrowser(t, base, screenshotDir(t, lang)), lang: lang}
			w.run()
		})
	}
}

// walk is one language's pass through the screens.
type walk struct {
	*browser
	lang    string
	phoneID string // the number connected in the wizard
	channel string // its channel id in Conversa
	wabaID  string
	tplName string
	convURL string
}

// tr is what the UI says in the walk's language.
func (w *walk) tr(key string, args ...any) string { return web.Translate(w.lang, key, args...) }

const stepTimeout = 20 * time.Second

func (w *walk) run() {
	w.login()
	w.users()
	w.onboarding()
	w.readiness()
	w.template()
	w.startConversation()
	w.customerReplies()
	w.agentDay()
	w.closeWindow()
}

func (w *walk) login() {
	w.step("language", stepTimeout, w.open("/lang?l="+w.lang+"&next=/login"),
		textContains("h1", w.tr("login.heading")))
	w.step("wrong password", stepTimeout,
		fill("#domain", demoDomain), fill("#email", "admin@demo.example"), fill("#password", "not-the-password"),
		click("form[data-api] button[type=submit]"),
		textContains(".form-error", w.errText("Wrong domain, e-mail or password.", "Domínio, e-mail ou senha incorretos.")))
	w.signIn("login")
}

// signIn completes the login form (already open) as the demo admin.
func (w *walk) signIn(name string) {
	w.step(name, stepTimeout, fill("#domain", demoDomain), fill("#email", "admin@demo.example"), fill("#password", demoPassword),
		click("form[data-api] button[type=submit]"),
		visible("nav.nav"), textContains("nav.nav", w.tr("nav.channels")))
}

func (w *walk) users() {
	w.step("users and licence", stepTimeout, w.open("/app/admin/users"),
		textContains("main", "Alice Agente"), textContains("main", w.tr("users.licence_agents", 1, 10)))
}

func (w *walk) onboarding() {
	w.need("GET /api/v1/channel-groups", "channel groups")
	w.need("GET /sim/_sim/account", "the embedded simulator")
	w.step("channel group", stepTimeout, w.open("/app/admin/channels"),
		fill("#g-name", "Vendas"), click("form[data-api='/api/v1/channel-groups'] button"),
		textContains("#channels", "Vendas"), visible("#ob-name"))
	w.need("GET /api/v1/onboarding", "the onboarding wizard")
	w.step("step-up prompt", stepTimeout, fill("#ob-name", "WhatsApp Vendas"), click("#start-onboarding"),
		visible("#stepup-pw"), textContains("#stepup", w.tr("stepup.title")))
	w.step("wizard signup", stepTimeout, fill("#stepup-pw", demoPassword), click("#stepup button[type=submit]"),
		wizardAt("signup"))
	w.step("wizard account", stepTimeout, click("#wizard-next"), wizardAt("account"))
	w.step("wizard phone", stepTimeout, click("#wizard-next"), wizardAt("phone"))
	w.step("wizard code by SMS", stepTimeout, fill("#ph-number", "11 3000-2000"), click("#wizard-next"), wizardAt("code"))
	w.step("wizard verify", stepTimeout, click("#wizard-next"), wizardAt("verify"))
	w.phoneID = w.evalString(`document.querySelector("a[href*='/_sim/codes/']").getAttribute("href").split("/").pop()`)
	code := w.simCode()
	w.step("wizard code accepted", stepTimeout, fill("#vf-code", code), click("#wizard-next"), wizardAt("register"))
	w.step("wizard connected", stepTimeout, fill("#rg-pin", "123456"), click("#wizard-next"), wizardAt("connected"))
}

func wizardAt(step string) chromedp.Action[chromedp.Void] {
	return visible(fmt.Sprintf("#wizard[data-step=%q]", step))
}

// readiness opens the channel's checklist; the sandbox account has no
// payment method until the admin adds a card "at Meta", which the test
// does through the simulator, and the checklist turns that item green.
func (w *walk) readiness() {
	w.step("readiness checklist", stepTimeout, click("#wizard-next"),
		visible("#readiness [data-key=payment_method]"),
		textContains("#readiness", w.tr("readiness.number_verified")))
	w.channel = w.evalString(`location.pathname.split("/").pop()`)
	w.wabaID = w.simPhone(w.phoneID)
	w.simPost("/_sim/wabas/"+w.wabaID+"/payment-method", `{"present":true}`)
	w.step("payment method added", stepTimeout, chromedp.Reload(),
		visible("#readiness li.ok[data-key=payment_method]"))
}

// errText picks the API's sentence in the walk's language (the API
// localizes errors itself; the UI shows them as given).
func (w *walk) errText(en, pt string) string {
	if w.lang == "en" {
		return en
	}
	return pt
}

// need fails the walk with a clear message when the server lacks an
// endpoint the next steps use, instead of a timeout deep in the browser.
func (w *walk) need(route, what string) {
	w.t.Helper()
	method, path, _ := strings.Cut(route, " ")
	req, _ := http.NewRequest(method, w.base+path, nil)
	req.Header.Set("Authorization", "Bearer "+w.token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound && strings.Contains(string(body), "No such endpoint") ||
		resp.StatusCode == http.StatusNotFound && strings.HasPrefix(path, "/sim/") {
		w.t.Fatalf("walk stops before %s: the server has no %s (%s → %d)", what, what, route, resp.StatusCode)
	}
}

// token logs the demo admin in over the API, for the probes.
func (w *walk) token() string {
	resp := post(w.t, w.base+"/api/v1/auth/login", map[string]string{"domain": demoDomain, "email": "admin@demo.example", "password": demoPassword})
	var out struct{ Token string }
	json.NewDecoder(resp.Body).Decode(&out)
	return out.Token
}

// simCode reads the verification code the simulator "sent by SMS".
func (w *walk) simCode() string {
	var out struct{ Code string }
	w.simGet("/_sim/codes/"+w.phoneID, &out)
	if out.Code == "" {
		w.t.Fatalf("no code issued for %s", w.phoneID)
	}
	return out.Code
}

// simPhone returns the WABA of a simulated number.
func (w *walk) simPhone(id string) string {
	var phones []struct {
		ID     string `json:"id"`
		WABAID string `json:"waba_id"`
	}
	w.simGet("/_sim/phones", &phones)
	for _, p := range phones {
		if p.ID == id {
			return p.WABAID
		}
	}
	w.t.Fatalf("simulator has no phone %s: %+v", id, phones)
	return ""
}

func (w *walk) simGet(path string, out any) {
	w.t.Helper()
	resp, err := http.Get(w.base + "/sim" + path)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil || resp.StatusCode != 200 {
		w.t.Fatalf("GET /sim%s: %d %v", path, resp.StatusCode, err)
	}
}

func (w *walk) simPost(path, body string) {
	w.t.Helper()
	resp, err := http.Post(w.base+"/sim"+path, "application/json", strings.NewReader(body))
	if err != nil {
		w.t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode >= 300 {
		w.t.Fatalf("POST /sim%s: %d %s", path, resp.StatusCode, b)
	}
}

// evalString runs a JavaScript expression in the current tab.
func (w *walk) evalString(expr string) string {
	w.t.Helper()
	ctx, cancel := context.WithTimeout(w.ctx, 5*time.Second)
	defer cancel()
	s, err := chromedp.Run(ctx, chromedp.Evaluate[string](expr))
	if err != nil {
		w.t.Fatalf("eval %s: %v", expr, err)
	}
	return s
}
