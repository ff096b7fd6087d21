package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/chromedp/chromedp"
)

// The second half of the walk: a template, a conversation started with it,
// the customer's reply through the simulator's phone page, the free-form
// answer and its read ticks, and the 24-hour window closing.

func (w *walk) template() {
	w.need("GET /api/v1/templates", "templates")
	w.tplName = "boas_vindas_" + strings.ToLower(strings.ReplaceAll(w.lang, "-", "_"))
	w.step("template editor", stepTimeout, w.open("/app/templates?channel_id="+w.channel), click("#new-template"),
		fill("#t-name", w.tplName), chromedp.SetValue(chromedp.CSS("#t-lang"), "pt_BR"),
		fill("#t-body", "Olá {{1}}, seu pedido {{2}} foi enviado! Responda esta mensagem se precisar de ajuda."),
		fill("#t-ex-1", "Ana"), fill("#t-ex-2", "12345"), fill("#t-footer", "Loja Demo"),
		textContains("[data-preview-body]", "Olá Ana, seu pedido 12345 foi enviado!"))
	// A link button whose address ends with the order number, {{1}}.
	button := `#t-button-list .button-row:last-child [data-field="%s"]`
	w.step("template link button", stepTimeout, click("#add-url-button"), fill(fmt.Sprintf(button, "text"), "Ver pedido"),
		fill(fmt.Sprintf(button, "url"), "https://loja.example/pedido/{{1}}"), fill(fmt.Sprintf(button, "example"), "12345"),
		textContains("[data-preview-buttons]", "Ver pedido"))
	row := fmt.Sprintf("tr[data-template=%q]", w.tplName)
	w.step("template submitted", stepTimeout, click("#submit-template"), visible(row))
	// The simulator reviews after its delay; the list follows live.
	w.step("template approved", stepTimeout, textContains(row+" .badge", w.tr("tstatus.APPROVED")))
	w.templateSyncAndDelete()
}

func (w *walk) startConversation() {
	w.need("GET /api/v1/conversations", "conversations")
	w.step("new conversation preview", stepTimeout, w.open("/app/new?channel_id="+w.channel),
		fill("#nc-to", "(11) 98765-4321"), selectByText("#tp-template", w.tplName),
		fill("#tp-p0", "Ana"), fill("#tp-p1", "98765"), fill("#tp-btn0", "98765"),
		textContains("#tpl-preview-text", "Olá Ana, seu pedido 98765 foi enviado!"),
		textContains("#tpl-cost", w.tr("compose.cost")), textContains("#tpl-to", "+5511987654321"))
	w.step("conversation started", stepTimeout, click("#start-send"),
		visible(".bubble.out"), textContains("#thread-messages", "98765"),
		textContains("#window", w.tr("inbox.never_wrote")), textContains("#contact-name", w.tr("inbox.no_name")))
	w.convURL = w.url()
}

// customerReplies answers from the customer phone page in a second tab
// while the inbox stays open in the first, so the reply must arrive live.
func (w *walk) customerReplies() {
	phone, cancel := chromedp.NewContext(w.ctx)
	defer cancel()
	if err := chromedp.Do(phone); err != nil { // open the tab outside any step's deadline
		w.t.Fatalf("second tab: %v", err)
	}
	tab := &browser{t: w.t, ctx: phone, base: w.base, shots: w.shots, n: w.n}
	tab.step("customer phone", stepTimeout, tab.open("/sim/_sim/phone"),
		until(fmt.Sprintf(`!!document.querySelector('#biz option[value="%s"]')`, w.phoneID)),
		chromedp.SetValue(chromedp.CSS("#biz"), w.phoneID), js(`document.getElementById("biz").dispatchEvent(new Event("change"))`),
		chromedp.SetValue(chromedp.CSS("#wa"), "5511987654321"), js(`document.getElementById("wa").dispatchEvent(new Event("change"))`),
		textContains("#chat", "98765"))
	tab.step("customer answers", stepTimeout, fill("#text", "Oi! Chegou sim, obrigada."), click("#composer button[type=submit]"),
		textContains("#chat", "Chegou sim"))
	w.n = tab.n
	// The profile name comes with the reply: the contact panel follows live.
	w.step("reply arrives live", stepTimeout, textContains(".bubble.in", "Chegou sim"),
		visible("#composer[data-window=open]"), visible("#window[data-expires]"),
		textContains("#contact-name", "Ana Cliente"))
	w.step("free-form reply", stepTimeout, fill("#c-body", "Que ótimo, Ana! 😊"), click("#c-send"),
		textContains("#thread-messages", "Que ótimo, Ana!"))
	// The phone page marks what it shows as read; the ticks turn blue live.
	w.step("read ticks", stepTimeout, visible(".bubble.out:last-of-type .ticks.read"))
	tab.n = w.n
	tab.step("customer sees the reply", stepTimeout, textContains("#chat", "Que ótimo, Ana!"))
	w.n = tab.n
}

// closeWindow moves the simulator clock (shared with Conversa) 24 hours,
// after a last message failed. The session's idle limit passes too, so
// the agent logs in again and lands back on the conversation, whose
// composer now offers templates only, and whose failed message can't be
// sent again.
func (w *walk) closeWindow() {
	late := w.failSend("Até amanhã!")
	w.simPost("/_sim/clock", `{"advance":"24h"}`)
	// The open page may be leaving for the login itself (its refreshes
	// now get 401), which aborts a navigation: it is then tried again.
	w.step("clock moved 24 h", stepTimeout, retrying(chromedp.Navigate(w.convURL)), visible("#domain, #composer"))
	if w.evalString(`document.getElementById("domain") ? "login" : "inbox"`) == "login" {
		w.signIn("login again")
	}
	w.step("composer offers templates", stepTimeout, visible("#composer[data-window=closed]"),
		visible("#tp-template"), textContains("#window-closed", w.tr("inbox.closed_help")),
		textContains("#window", w.tr("js.window.closed")))
	// The failed message can't go again as it was: free text needs the
	// window. The API's sentence says so, in the bubble.
	w.step("try again refused", stepTimeout, tap(late+" form.retry button"), textContains(late+" .retry .form-error",
		w.errText("The 24-hour customer-service window closed", "A janela de atendimento de 24 horas fechou")))
}

// selectByText picks the option whose label contains text and fires
// "change", as a person choosing it would.
func selectByText(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(visible(sel), chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		ok, err := chromedp.Evaluate[bool](fmt.Sprintf(`(() => { const s = document.querySelector(%q);
			const o = [...s.options].find((o) => o.textContent.includes(%q)); if (!o) return false;
			s.value = o.value; s.dispatchEvent(new Event("change", {bubbles: true})); return true; })()`, sel, text))(ctx, t)
		if err == nil && !ok {
			err = fmt.Errorf("no option %q in %s", text, sel)
		}
		return err
	}))
}
