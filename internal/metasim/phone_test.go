package metasim

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// The phone page's sandbox controls: each form names the control API path
// it posts to (data-path). The first test ties the page to the API (the
// forms exist, bilingual, and their paths do what the page means); the
// second drives the page in a headless browser when one is installed.

var formPath = regexp.MustCompile(`<form id="(ctl-[a-z]+)" data-path="([^"]+)"`)

func pageForms(t *testing.T, e *env) (string, map[string]string) {
	t.Helper()
	resp, err := http.Get(e.srv.URL + "/_sim/phone")
	must(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	forms := map[string]string{}
	for _, m := range formPath.FindAllStringSubmatch(string(b), -1) {
		forms[m[1]] = m[2]
	}
	return string(b), forms
}

func TestPhonePageSandboxControls(t *testing.T) {
	e := newEnv(t, Options{})
	page, forms := pageForms(t, e)
	want := map[string]string{"ctl-clock": "/clock", "ctl-template": "/templates/status",
		"ctl-payment": "/wabas/{waba}/payment-method", "ctl-error": "/phones/{phone}/errors"}
	for id, path := range want {
		if forms[id] != path {
			t.Errorf("form %s posts to %q, want %q", id, forms[id], path)
		}
	}
	for _, label := range []string{"Controles do sandbox", "Sandbox controls", "Estado de um modelo", "Template state",
		"Forma de pagamento da conta", "Account payment method", "Erro no próximo envio", "Error on the next send",
		`role="status"`, `aria-live="polite"`} {
		if !strings.Contains(page, label) {
			t.Errorf("page lacks %q", label)
		}
	}
	path := func(id string) string {
		p := strings.NewReplacer("{waba}", e.acc.WABAID, "{phone}", e.acc.PhoneNumberID).Replace(forms[id])
		return "/_sim" + p
	}
	post := func(id string, body map[string]any) {
		t.Helper()
		if st, r := e.call("POST", path(id), "", body); st != 200 {
			t.Fatalf("%s: %d %v", id, st, r)
		}
	}
	// What the page sends for each form, and what must follow.
	post("ctl-clock", map[string]any{"set": "2030-01-02T03:04:05Z"})
	if d := e.sim.now().Sub(time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)); d < 0 || d > time.Minute {
		t.Errorf("clock = %v", e.sim.now())
	}
	post("ctl-template", map[string]any{"waba_id": e.acc.WABAID, "name": "hello_world", "language": "en_US", "status": "PAUSED"})
	if _, r := e.send(tpl(ana, "hello_world", "en_US")); errCode(r) != 132015 {
		t.Errorf("paused template sends: %v", r)
	}
	post("ctl-payment", map[string]any{"present": false})
	post("ctl-error", map[string]any{"code": 131016, "count": 2, "async": false})
	for range 2 {
		if st, r := e.send(tpl(ana, "pedido_enviado", "pt_BR", bodyParams("Ana", "#1"))); st != 503 || errCode(r) != 131016 {
			t.Errorf("injected error: %d %v", st, r)
		}
	}
	// The page reads the account to fill the template list and the checkbox.
	_, acc := e.call("GET", "/_sim/wabas/"+e.acc.WABAID, "", nil)
	if acc["payment_method"] != false || !strings.Contains(jsonString(acc["templates"]), `"status":"PAUSED"`) {
		t.Errorf("account view = %v", acc)
	}
	if st, _ := e.call("GET", "/_sim/wabas/nope", "", nil); st != 404 {
		t.Errorf("unknown account: %d", st)
	}
}

// TestPhonePageSandboxControlsInBrowser uses the controls like a person:
// chooses values, submits, and the simulator changes.
func TestPhonePageSandboxControlsInBrowser(t *testing.T) {
	chrome, err := exec.LookPath("chromium")
	if err != nil {
		t.Skip("chromium not installed: the page's controls are still checked by TestPhonePageSandboxControls")
	}
	e := newEnv(t, Options{})
	ctx := headless(t, chrome)
	must(t, chromedp.Do(ctx, chromedp.Navigate(e.srv.URL+"/_sim/phone")))
	until(t, ctx, `document.getElementById("biz").options.length > 0`)
	js(t, ctx, `document.getElementById("sandbox").open = true`)
	until(t, ctx, `document.querySelector("#ctl-template select[name=template]").options.length >= 3`)

	js(t, ctx, `(() => { const f = document.getElementById("ctl-template");
		f.template.value = "hello_world|en_US"; f.status.value = "DISABLED"; f.requestSubmit(); })()`)
	waitFor(t, "template disabled from the page", func() bool { return templateStatus(e, "hello_world") == "DISABLED" })
	until(t, ctx, `document.getElementById("ctl-status").textContent.includes("Done")`)

	js(t, ctx, `(() => { const f = document.getElementById("ctl-payment"); f.present.checked = false; f.requestSubmit(); })()`)
	waitFor(t, "payment method removed from the page", func() bool { v, _ := e.sim.WABA(e.acc.WABAID); return !v.PaymentMethod })

	js(t, ctx, `(() => { const f = document.getElementById("ctl-error");
		f.code.value = "131000"; f.count.value = "1"; f.requestSubmit(); })()`)
	waitFor(t, "error injected from the page", func() bool {
		p := e.sim.phoneByID(e.acc.PhoneNumberID)
		p.mu.Lock()
		defer p.mu.Unlock()
		return len(p.inject) == 1 && p.inject[0].Code == 131000
	})

	js(t, ctx, `(() => { const f = document.getElementById("ctl-clock"); f.set.value = "2031-05-06T07:08"; f.requestSubmit(); })()`)
	waitFor(t, "clock set from the page", func() bool {
		d := e.sim.now().Sub(time.Date(2031, 5, 6, 7, 8, 0, 0, time.UTC))
		return d >= 0 && d < time.Minute
	})
}

func templateStatus(e *env, name string) string {
	v, _ := e.sim.WABA(e.acc.WABAID)
	for _, t := range v.Templates {
		if t.Name == name {
			return t.Status
		}
	}
	return ""
}

func headless(t *testing.T, path string) context.Context {
	t.Helper()
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), chromedp.ExecPath(path),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()))
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	return ctx
}

func js(t *testing.T, ctx context.Context, expr string) {
	t.Helper()
	if _, err := chromedp.Run(ctx, chromedp.Evaluate[any](expr)); err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
}

// until polls a page condition for up to 10 s (the browser starts slowly).
func until(t *testing.T, ctx context.Context, cond string) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if ok, err := chromedp.Run(ctx, chromedp.Evaluate[bool](cond)); err == nil && ok {
			return
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("page never met %s", cond)
}

func jsonString(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
