package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"net/http"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The agent's day, after the customer replied: the admin sets up a canned
// response and a label, sees Alice Agente among the group's members, gives
// the conversation back to the queue and moves the company's time zone;
// Alice logs in, filters the list by group, takes the conversation, sees a
// question arrive unread and reads it, sees the photo the customer sends as
// a reply (quoting our message), answers with the canned response, sends
// a message Meta refuses and tries again, gets a pin, a card and a document
// in a hidden tab, writes an internal note (which the customer never gets),
// labels the conversation, filters by the label, resolves and reopens it,
// and looks at it on a phone-sized screen.

const (
	cannedText = "Seu pedido chega em até 3 dias úteis."
	labelName  = "Entrega"
	agentEmail = "agent@demo.example"
)

func (w *walk) agentDay() {
	w.need("GET /api/v1/canned-responses", "canned responses")
	w.need("GET /api/v1/labels", "labels")
	w.setUp()
	w.settings()
	w.companyZone()
	w.switchToAgent()
	w.availability()
	w.filterByGroup()
	w.step("assign to me", stepTimeout, tap("#take"), textContains("#assignee", "Alice Agente"),
		visible("#give-back"))
	w.unread()
	w.customerSendsPhoto()
	w.customerSawRead("Chegou assim") // the thread was open and shown when it came
	w.cannedReply()
	w.retry()
	w.attachFile()
	w.customerSendsContent()
	w.note()
	w.label()
	w.resolveAndReopen()
	w.phoneSize()
}

// setUp is the admin's part: the canned response and label on their
// screen, Alice in the group, and the conversation back in the queue.
func (w *walk) setUp() {
	w.step("canned responses screen", stepTimeout, w.open("/app/canned"), textContains("h1", w.tr("canned.page")),
		fill("#cr-shortcut", "prazo"), fill("#cr-text", cannedText), click("#save-canned"),
		textContains("#canned-table", "/prazo"), fill("#lb-name", labelName), click("#save-label"),
		textContains("#label-list", labelName))
	// The sandbox's number and the one the wizard connected are both in
	// the seeded Atendimento group, where Alice already works.
	w.step("group members", stepTimeout, w.open("/app/admin/channels"),
		until(`[...document.querySelectorAll("#channels section")].some((s) => s.querySelector("h2").textContent === "Atendimento"
			&& s.textContent.includes("WhatsApp Vendas") && !!s.querySelector('[data-member="agent@demo.example"]'))`))
	w.step("conversation back to the queue", stepTimeout, chromedp.Navigate(w.convURL), tap("#give-back"),
		textContains("#assignee", w.tr("inbox.nobody")), visible("#take"))
}

func (w *walk) switchToAgent() {
	w.step("admin logs out", stepTimeout, click(`form[data-api="/api/v1/auth/logout"] button`), visible("#domain"))
	w.step("agent logs in", stepTimeout, fill("#domain", demoDomain), fill("#email", agentEmail), fill("#password", demoPassword),
		click("form[data-api] button[type=submit]"), visible("nav.nav"),
		textContains(".who", "Alice Agente"), textContains("nav.nav", w.tr("nav.inbox")))
}

// filterByGroup narrows the list to the Atendimento queue (the select applies
// itself) and opens the conversation from it.
func (w *walk) filterByGroup() {
	w.step("filter by group", stepTimeout, w.open("/app/inbox"), openFilters,
		chooseFilter("#f-group", "Atendimento"), visible("#clear-filters"),
		textContains(".more-filters summary", "(1)"), textContains("#convs", "Ana Cliente"))
	w.step("open from the list", stepTimeout, tap("#convs a[data-conversation]"),
		visible("#contact-card"), textContains("#contact-name", "Ana Cliente"),
		textContains("#assignee", w.tr("inbox.nobody")))
}

// customerSendsPhoto has the customer reply to our last message with a
// photo, through the simulator's control API; the inbox shows it live,
// downloaded and served by Conversa, under the quote of that message.
func (w *walk) customerSendsPhoto() {
	quoted := w.lastOutbound()
	body, _ := json.Marshal(map[string]any{"phone_number_id": w.phoneID, "from": "5511987654321", "name": "Ana Cliente",
		"type": "image", "text": "Chegou assim, amassada", "context_id": quoted.WAMID,
		"media_base64": base64.StdEncoding.EncodeToString(photoPNG()), "mime_type": "image/png"})
	w.simPost("/_sim/customers/messages", string(body))
	img := `.bubble.in[data-type="image"] .media img`
	w.step("customer's photo arrives", stepTimeout, visible(img),
		until(`(() => { const i = document.querySelector('`+img+`'); return i.complete && i.naturalWidth === 320; })()`),
		textContains(`.bubble.in[data-type="image"] .quote`, quoted.Text), textContains(`.bubble.in[data-type="image"]`, "Chegou assim"),
		// Screen readers hear a short sentence, not the whole thread again.
		until(fmt.Sprintf(`document.getElementById("live-announce").textContent.includes(%q)`, w.tr("js.announce.message", "Ana Cliente"))),
		js(`document.querySelector('`+img+`').scrollIntoView({block: "center"})`))
}

// cannedReply inserts the canned response: "/pra" typed in the message
// narrows the picker and Enter takes it in Portuguese; in English it is
// searched and clicked in the picker. Then it is sent.
func (w *walk) cannedReply() {
	pick := `#canned[open] button[data-shortcut="prazo"]`
	look, use := chromedp.Steps(chromedp.SendKeys(chromedp.CSS("#c-body"), "/pra"), visible(pick)), pressEnter()
	if w.lang == "en" {
		look, use = chromedp.Steps(click("#canned summary"), fill("#canned-q", "prazo"), visible(pick)), click(pick)
	}
	w.step("canned response picker", stepTimeout, look)
	w.step("canned response", stepTimeout, use, until(fmt.Sprintf(`document.getElementById("c-body").value === %q`, cannedText)))
	w.step("canned response sent", stepTimeout, click("#c-send"), textContains(".bubble.out:last-of-type", cannedText))
}

// note adds an internal note: the panel lists it, the thread doesn't, and
// the customer's phone never receives it.
func (w *walk) note() {
	text := "Cliente quer troca; fotos no histórico."
	w.step("internal note", stepTimeout, fill("#note-body", text), click("#add-note"), textContains("#notes .note", text),
		textContains("#notes .note", "Alice Agente"), js(`document.getElementById("notes").scrollIntoView({block: "center"})`))
	if strings.Contains(w.evalString(`document.getElementById("thread-messages").textContent`), text) {
		w.t.Fatal("the internal note shows in the thread as a message")
	}
	var chat struct{ Messages []struct{ Text string } }
	w.simGet("/_sim/chats/"+w.phoneID+"/"+customerWAID, &chat)
	for _, m := range chat.Messages {
		if strings.Contains(m.Text, "fotos no histórico") {
			w.t.Fatalf("the customer received the internal note: %q", m.Text)
		}
	}
}

// label tags the conversation with the admin's label, then the list is
// filtered by it.
func (w *walk) label() {
	w.step("add a label", stepTimeout, fill("#label-name", labelName), click("#add-label"),
		textContains("#conv-labels", labelName))
	w.step("filter by label", stepTimeout, openFilters, chooseFilter("#f-label", labelName),
		textContains(".more-filters summary", "(2)"), textContains("#convs", "Ana Cliente"))
	w.step("back to the conversation", stepTimeout, tap("#convs a[data-conversation]"), visible("#resolve"))
}

func (w *walk) resolveAndReopen() {
	w.step("resolve", stepTimeout, tap("#resolve"), textContains("#conv-status", w.tr("cstatus.resolved")),
		visible("#reopen"))
	w.step("resolved tab", stepTimeout, tap(`.tabs a[data-tab="resolved"]`), textContains("#convs", "Ana Cliente"))
	w.step("reopen", stepTimeout, tap("#convs a[data-conversation]"), tap("#reopen"),
		textContains("#conv-status", w.tr("cstatus.open")), visible("#resolve"),
		textContains("#assignee", "Alice Agente"))
}

// phoneSize shows the conversation on a phone-sized screen: the list
// gives way to the thread, with a way back and a jump to the panel.
func (w *walk) phoneSize() {
	w.step("phone-sized thread", stepTimeout, chromedp.EmulateViewport(390, 844, chromedp.EmulateMobile), chromedp.Reload(),
		visible(".thread-nav .back"), chromedp.WaitNotVisible(chromedp.CSS(".convlist")),
		visible("#c-body"))
	w.step("phone-sized panel", stepTimeout, click(".thread-nav .to-panel"), visible("#note-form"),
		js(`document.getElementById("contact-card").scrollIntoView()`))
	w.step("desktop again", stepTimeout, chromedp.EmulateViewport(1280, 860), chromedp.Navigate(w.convURL),
		visible(".convlist"))
}

// openFilters opens the list's filters unless a filter already keeps them open.
var openFilters = js(`document.querySelector(".more-filters").open = true`)

// chooseFilter picks a list filter's option by its label; the page then
// applies it, navigating, so the change fires after this script returns.
func chooseFilter(sel, text string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(visible(sel), js(fmt.Sprintf(`(() => { const s = document.querySelector(%q);
		s.value = [...s.options].find((o) => o.textContent === %q).value;
		setTimeout(() => s.dispatchEvent(new Event("change", {bubbles: true})), 0); })()`, sel, text)))
}

// tap clicks a control of a live part: a refresh can replace the node
// between finding and clicking it, and then it is looked up again.
func tap(sel string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for {
			_, err := click(sel)(ctx, t)
			if err == nil || ctx.Err() != nil || !strings.Contains(strings.ToLower(err.Error()), "node") {
				return err
			}
			time.Sleep(100 * time.Millisecond)
		}
	})
}

// pressEnter presses Enter in the focused field as a keyboard does: one
// keyDown carrying the text, so a page that prevents the keydown types
// nothing (kb's separate char event would type a new line regardless).
func pressEnter() chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		down := input.DispatchKeyEventParams{Type: input.DispatchKeyEventTypeKeyDown, Key: "Enter", Code: "Enter",
			WindowsVirtualKeyCode: 13, NativeVirtualKeyCode: 13, Text: "\r", UnmodifiedText: "\r"}
		if _, err := cdp.Call(ctx, t, input.DispatchKeyEvent, down); err != nil {
			return err
		}
		up := down
		up.Type, up.Text, up.UnmodifiedText = input.DispatchKeyEventTypeKeyUp, "", ""
		_, err := cdp.Call(ctx, t, input.DispatchKeyEvent, up)
		return err
	})
}

type walkMessage struct {
	Direction string `json:"direction"`
	Text      string `json:"text"`
	WAMID     string `json:"wamid"`
	Status    string `json:"status"`
}

// messages are the conversation's messages, read from the API.
func (w *walk) messages() []walkMessage {
	w.t.Helper()
	req, _ := http.NewRequest("GET", w.base+"/api/v1/conversations/"+w.convID()+"/messages", nil)
	req.Header.Set("Authorization", "Bearer "+w.token())
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var list struct{ Data []walkMessage }
	if err := json.NewDecoder(resp.Body).Decode(&list); err != nil {
		w.t.Fatal(err)
	}
	return list.Data
}

// lastOutbound is our latest message with a wamid.
func (w *walk) lastOutbound() walkMessage {
	list := w.messages()
	for i := len(list) - 1; i >= 0; i-- {
		if m := list[i]; m.Direction == "out" && m.WAMID != "" {
			return m
		}
	}
	w.t.Fatalf("no sent message in conversation %s: %+v", w.convID(), list)
	return walkMessage{}
}

// photoPNG is a 320×200 picture (a green gradient with a box), big enough
// to see in the screenshots.
func photoPNG() []byte {
	img := image.NewRGBA(image.Rect(0, 0, 320, 200))
	for y := range 200 {
		for x := range 320 {
			c := color.RGBA{R: uint8(x / 2), G: uint8(128 + y/2), B: 105, A: 255}
			if x > 110 && x < 210 && y > 50 && y < 150 {
				c = color.RGBA{R: 200, G: 150, B: 90, A: 255} // the parcel
			}
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	png.Encode(&b, img)
	return b.Bytes()
}
