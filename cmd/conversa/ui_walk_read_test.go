package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/chromedp/chromedp"
)

// The walk's reading and retrying: the unread count a customer's message
// puts on the inbox list, gone once the agent opens the thread, whose
// opening sends the customer blue ticks; a hidden tab, which reads
// nothing until it is shown; a message Meta refused, sent again with the
// bubble's button until delivered, and the same button refused once the
// window has closed; and the company's time zone on the settings screen.

const customerWAID = "5511987654321"

// unread: with only the list open (filtered as it was), the customer asks something; her
// conversation shows one unread message (in words for screen readers),
// and opening it reads it, on her phone too.
func (w *walk) unread() {
	row := fmt.Sprintf(`#convs a[data-conversation="%s"]`, w.convID())
	list := w.evalString(`document.querySelector(".thread-nav .back").getAttribute("href")`) // the list as filtered
	w.step("inbox list", stepTimeout, w.open(list), visible(row), until(noUnread(row)))
	question := "Vocês abrem no sábado?"
	w.customerSays(map[string]any{"text": question})
	w.step("unread badge", stepTimeout, until(unreadSays(row, w.tr("inbox.unread_one", 1))),
		textContains(row+" .unread-count", "1"))
	w.step("thread read", stepTimeout, tap(row), textContains("#thread-messages", question), until(noUnread(row)))
	w.customerSawRead(question)
}

// customerSendsContent: the customer shares a pin, a contact card and
// a document while the agent's tab is in the background (its visibility
// is hidden the way browsers report it): the thread shows them, fully
// rendered (a map link, a card with its number, the file's name, her
// reaction on our photo), but they stay unread, on the list and on her
// phone, until the tab is shown again.
func (w *walk) customerSendsContent() {
	photo := w.lastOutbound()
	row := fmt.Sprintf(`#convs a[data-conversation="%s"]`, w.convID())
	w.step("tab hidden", stepTimeout, setHidden(true))
	w.customerSays(map[string]any{"type": "location", "text": "Loja Paulista", "latitude": -23.5614, "longitude": -46.6559})
	w.customerSays(map[string]any{"type": "contacts", "text": "Loja Centro", "payload": "551130002000"})
	w.customerSays(map[string]any{"type": "document", "text": "Nota fiscal", "filename": "nota-fiscal.pdf",
		"mime_type": "application/pdf", "media_base64": "JVBERi0xLjQKJSVFT0YK"})
	w.customerSays(map[string]any{"type": "reaction", "emoji": "👍", "message_id": photo.WAMID})
	pin, card, doc := `.bubble.in[data-type="location"]`, `.bubble.in[data-type="contacts"]`, `.bubble.in[data-type="document"]`
	w.step("customer's location", stepTimeout, textContains(pin, "Loja Paulista"), textContains(pin+" .map-link", w.tr("content.open_map")),
		visible(pin+` a.map-link[href^="https://www.openstreetmap.org/?mlat=-23.561400&mlon=-46.655900"]`),
		js(`document.querySelector('`+pin+`').scrollIntoView({block: "center"})`))
	w.step("contact card and document", stepTimeout, textContains(card+" .shared-contact", "Loja Centro"),
		visible(card+` a[href="tel:+551130002000"]`), textContains(doc+" .filename", "nota-fiscal.pdf"),
		visible(doc+` a.download[download="nota-fiscal.pdf"]`), textContains(doc, "Nota fiscal"),
		textContains(`.bubble.out[data-type="image"] .reactions`, "👍"), until(unreadSays(row, w.tr("inbox.unread_other", 3))),
		js(`document.querySelector('`+doc+`').scrollIntoView({block: "center"})`))
	if w.chatStatus("Nota fiscal") == "read" {
		w.t.Fatal("a hidden tab told the customer her messages were read")
	}
	w.step("tab shown: read", stepTimeout, setHidden(false), until(noUnread(row)))
	w.customerSawRead("Nota fiscal")
}

// setHidden makes the page report itself hidden (or visible again), as a
// tab in the background does, and tells it so.
func setHidden(hidden bool) chromedp.Action[chromedp.Void] {
	change := `delete document.visibilityState;`
	if hidden {
		change = `Object.defineProperty(document, "visibilityState", {value: "hidden", configurable: true});`
	}
	return js(change + ` document.dispatchEvent(new Event("visibilitychange"));`)
}

// unreadSays is true once the list row's count reads want to screen readers.
func unreadSays(row, want string) string {
	return fmt.Sprintf(`document.querySelector(%q)?.querySelector(".unread-count .sr-only")?.textContent === %q`, row, want)
}

// noUnread is true while the list row (shown) has no unread count.
func noUnread(row string) string {
	return fmt.Sprintf(`(() => { const a = document.querySelector(%q); return !!a && !a.querySelector(".unread-count"); })()`, row)
}

// customerSawRead waits until the customer's phone shows her message
// containing text as read: Conversa sent Meta the read receipt (a job).
func (w *walk) customerSawRead(text string) {
	w.t.Helper()
	for deadline := time.Now().Add(stepTimeout); w.chatStatus(text) != "read"; time.Sleep(200 * time.Millisecond) {
		if time.Now().After(deadline) {
			w.t.Fatalf("the customer's %q never showed as read on her phone (status %q)", text, w.chatStatus(text))
		}
	}
}

// chatStatus is the status of the customer's latest message containing
// text, as her phone (the simulator) has it.
func (w *walk) chatStatus(text string) string {
	var chat struct {
		Messages []struct{ Direction, Text, Status string }
	}
	w.simGet("/_sim/chats/"+w.phoneID+"/"+customerWAID, &chat)
	status := ""
	for _, m := range chat.Messages {
		if m.Direction == "in" && strings.Contains(m.Text, text) {
			status = m.Status
		}
	}
	return status
}

// retry: Meta refuses our next message as undeliverable; its bubble says
// why and offers to try again, which sends it as a new message that is
// delivered; the failed bubble then links to its resend instead of
// offering a second try.
func (w *walk) retry() {
	text := "Posso ajudar em algo mais?"
	failed := w.failSend(text)
	last := `.bubble.out:last-of-type`
	w.step("try again", stepTimeout, tap(failed+" form.retry button"), textContains(failed, w.tr("retry.resent")),
		until(fmt.Sprintf(`!document.querySelector('%s form.retry')`, failed)),
		visible(last+`[data-status="delivered"], `+last+`[data-status="read"]`), textContains(last, text))
}

// failSend sends text with Meta set to refuse it, and returns its failed
// bubble's selector once the thread shows the reason and the button.
func (w *walk) failSend(text string) string {
	w.sendsSettled() // the error is for this message, not one still on its way
	w.simPost("/_sim/phones/"+w.phoneID+"/errors", `{"code":131026,"count":1}`)
	failed := `.bubble.out[data-status="failed"]`
	w.step("send fails", stepTimeout, fill("#c-body", text), click("#c-send"),
		until(fmt.Sprintf(`[...document.querySelectorAll('%s')].some((b) => b.textContent.includes(%q))`, failed, text)))
	id := w.evalString(fmt.Sprintf(`[...document.querySelectorAll('%s')].filter((b) => b.textContent.includes(%q)).pop().id`, failed, text))
	w.step("failure reason", stepTimeout, textContains("#"+id+" .err", w.errText("WhatsApp could not deliver", "O WhatsApp não conseguiu entregar")),
		visible("#"+id+" form.retry button"))
	return "#" + id
}

// sendsSettled waits until none of the conversation's messages is still
// queued: a step sees a message as soon as it is stored, before Meta is
// called.
func (w *walk) sendsSettled() {
	w.t.Helper()
	for deadline := time.Now().Add(stepTimeout); ; time.Sleep(100 * time.Millisecond) {
		queued := false
		for _, m := range w.messages() {
			queued = queued || m.Direction == "out" && m.Status == "queued"
		}
		if !queued {
			return
		}
		if time.Now().After(deadline) {
			w.t.Fatal("a message of ours stays queued")
		}
	}
}

// companyZone: the admin moves the company to Manaus' time; the settings
// say dates now follow it, and a zone pinned in this browser overrides
// it until the company's is chosen again.
func (w *walk) companyZone() {
	w.step("company time zone", stepTimeout, w.open("/app/settings"), choose("#co-zone", "America/Manaus"), click("#save-company"),
		textContains("#company-section .form-ok", w.tr("settings.company_saved")),
		textContains("#zone-now", "America/Manaus"), textContains("#zone-now", w.tr("settings.zone_is_company")))
	w.step("own time zone", stepTimeout, pickZone("Europe/Lisbon"), textContains("#zone-now", "Europe/Lisbon"),
		textContains("#zone-now", w.tr("settings.zone_is_own")))
	w.step("company's zone again", stepTimeout, pickZone(""), textContains("#zone-now", w.tr("settings.zone_is_company")),
		textContains("#zone-now", "America/Manaus"))
}

// pickZone chooses the viewer's own zone; the page reloads on the change,
// so it fires after this script returns (as chooseFilter does).
func pickZone(zone string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(visible("#tz-pick"), js(fmt.Sprintf(`(() => { const s = document.getElementById("tz-pick"); s.value = %q;
		setTimeout(() => s.dispatchEvent(new Event("change", {bubbles: true})), 0); })()`, zone)))
}

// convID is the walk's conversation's id, from its URL.
func (w *walk) convID() string {
	id := w.convURL[strings.LastIndex(w.convURL, "/")+1:]
	id, _, _ = strings.Cut(id, "?")
	return id
}
