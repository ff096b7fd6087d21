package whatsapp_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/metasim"
	wa "github.com/conversa/conversa/internal/whatsapp"
)

// Round trips: this client against the independent simulator
// (internal/metasim), webhooks received, verified and parsed here.

const customer = "5511987654321"

func text(to, body string) wa.Message { return wa.Message{To: to, Text: &wa.Text{Body: body}} }

func pedidoEnviado(to string, params ...string) wa.Message {
	var ps []wa.Parameter
	for _, p := range params {
		ps = append(ps, wa.TextParam(p))
	}
	return wa.Message{To: to, BizOpaqueCallbackData: "conversa-msg-1", Template: &wa.Template{
		Name: "pedido_enviado", Language: wa.Language{Code: "pt_BR"},
		Components: []wa.TemplateComponent{{Type: "body", Parameters: ps}}}}
}

// customerWrites makes the customer send a text and waits for it to arrive.
func (r *rt) customerWrites(t *testing.T, from, body string) wa.Event {
	t.Helper()
	id, err := r.sim.CustomerSend(metasim.CustomerMessage{From: from, Name: "Ana", Text: body})
	if err != nil {
		t.Fatal(err)
	}
	return r.hook.wait(t, "inbound "+id, func(ev wa.Event) bool { return ev.Message != nil && ev.Message.ID == id })
}

func TestRoundTripConversation(t *testing.T) {
	r := newRT(t)
	in := r.customerWrites(t, customer, "Oi, quero saber onde está meu pedido #12345.")
	if in.PhoneNumberID != r.acc.PhoneNumberID || in.WABAID != r.acc.WABAID || in.Contact == nil || in.Contact.Profile.Name != "Ana" ||
		in.Message.Text.Body != "Oi, quero saber onde está meu pedido #12345." || in.Message.Timestamp.Time().IsZero() {
		t.Fatalf("inbound event = %+v", in)
	}
	if err := r.c.MarkRead(ctx, r.acc.AccessToken, r.acc.PhoneNumberID, in.Message.ID, true); err != nil {
		t.Fatalf("mark read: %v", err)
	}
	m := text(customer, "Seu pedido saiu para entrega.")
	m.Context = &wa.ReplyContext{MessageID: in.Message.ID}
	m.BizOpaqueCallbackData = "conversa-msg-42"
	res, err := r.c.Send(ctx, r.acc.AccessToken, r.acc.PhoneNumberID, m)
	if err != nil || !strings.HasPrefix(res.MessageID(), "wamid.") || res.WaID() == "" {
		t.Fatalf("send = %+v, %v", res, err)
	}
	sent := r.hook.status(t, res.MessageID(), "sent")
	if sent.BizOpaqueCallbackData != "conversa-msg-42" || sent.RecipientID != res.WaID() || sent.Pricing == nil || sent.Pricing.Billable {
		t.Errorf("sent status = %+v pricing=%+v", sent, sent.Pricing)
	}
	r.hook.status(t, res.MessageID(), "delivered")
	if _, err := r.sim.ReadChat(r.acc.PhoneNumberID, customer); err != nil {
		t.Fatal(err)
	}
	r.hook.status(t, res.MessageID(), "read")
}

func TestRoundTripEveryMessageType(t *testing.T) {
	r := newRT(t)
	in := r.customerWrites(t, customer, "oi")
	mediaID, err := r.c.UploadMedia(ctx, r.acc.AccessToken, r.acc.PhoneNumberID, "nota.pdf", "application/pdf", strings.NewReader("%PDF-1.4 test"))
	if err != nil || mediaID == "" {
		t.Fatalf("upload: %q %v", mediaID, err)
	}
	info, err := r.c.GetMedia(ctx, r.acc.AccessToken, mediaID)
	if err != nil || info.MimeType != "application/pdf" || info.URL == "" {
		t.Fatalf("get media = %+v, %v", info, err)
	}
	data, _, err := r.c.DownloadMedia(ctx, r.acc.AccessToken, info.URL)
	if err != nil || string(data) != "%PDF-1.4 test" {
		t.Fatalf("download = %q, %v", data, err)
	}
	msgs := map[string]wa.Message{
		"image link":  {To: customer, Image: &wa.Media{Link: "https://example.com/a.png", Caption: "foto"}},
		"document id": {To: customer, Document: &wa.Media{ID: mediaID, Filename: "nota.pdf", Caption: "sua nota"}},
		"audio":       {To: customer, Audio: &wa.Media{Link: "https://example.com/a.ogg"}},
		"video":       {To: customer, Video: &wa.Media{Link: "https://example.com/a.mp4"}},
		"sticker":     {To: customer, Sticker: &wa.Media{Link: "https://example.com/a.webp"}},
		"buttons":     {To: customer, Interactive: wa.Buttons("Posso ajudar?", wa.Choice{ID: "sim", Title: "Sim"}, wa.Choice{ID: "nao", Title: "Não"})},
		"list": {To: customer, Interactive: &wa.Interactive{Type: "list", Body: &wa.InteractiveText{Text: "Escolha"},
			Action: wa.InteractiveAction{Button: "Opções", Sections: []wa.ListSection{{Title: "Frete", Rows: []wa.Choice{{ID: "expresso", Title: "Expresso"}}}}}}},
		"cta_url": {To: customer, Interactive: &wa.Interactive{Type: "cta_url", Body: &wa.InteractiveText{Text: "Rastreie"},
			Action: wa.InteractiveAction{Name: "cta_url", Parameters: &wa.CTAParameters{DisplayText: "Rastrear", URL: "https://example.com/t"}}}},
		"reaction": {To: customer, Reaction: &wa.Reaction{MessageID: in.Message.ID, Emoji: "👍"}},
		"location": {To: customer, Location: &wa.Location{Latitude: -23.55, Longitude: -46.63, Name: "Loja", Address: "Av. Paulista"}},
		"contacts": {To: customer, Contacts: []wa.Contact{{Name: wa.ContactName{FormattedName: "Suporte", FirstName: "Suporte"},
			Phones: []wa.ContactPhone{{Phone: "+551130001000", Type: "WORK"}}}}},
	}
	for name, m := range msgs {
		res, err := r.c.Send(ctx, r.acc.AccessToken, r.acc.PhoneNumberID, m)
		if err != nil || res.MessageID() == "" {
			t.Errorf("%s: %+v %v", name, res, err)
		}
	}
	if err := r.c.DeleteMedia(ctx, r.acc.AccessToken, mediaID); err != nil {
		t.Errorf("delete media: %v", err)
	}
}

func TestRoundTripInboundTypes(t *testing.T) {
	r := newRT(t)
	sent, err := r.c.Send(ctx, r.acc.AccessToken, r.acc.PhoneNumberID, pedidoEnviado(customer, "Ana", "#1"))
	if err != nil {
		t.Fatal(err)
	}
	cases := []metasim.CustomerMessage{
		{Type: "image", Text: "olha"},
		{Type: "document", Filename: "a.pdf", MimeType: "application/pdf", MediaBase64: "JVBERi0="},
		{Type: "audio"}, {Type: "video"}, {Type: "sticker"},
		{Type: "location", Latitude: -23.5, Longitude: -46.6},
		{Type: "contacts"},
		{Type: "button", Text: "Falar com atendente", Payload: "TALK", ContextID: sent.MessageID()},
		{Type: "interactive", ReplyKind: "list_reply", ReplyID: "expresso", ReplyTitle: "Expresso"},
		{Type: "text", Text: "NÃO", Referral: true},
	}
	for _, cm := range cases {
		cm.From = customer
		id, err := r.sim.CustomerSend(cm)
		if err != nil {
			t.Errorf("%s: %v", cm.Type, err)
			continue
		}
		ev := r.hook.wait(t, cm.Type, func(ev wa.Event) bool { return ev.Message != nil && ev.Message.ID == id })
		m := ev.Message
		ok := m.Type == cm.Type
		switch cm.Type {
		case "image", "document", "audio", "video", "sticker":
			ok = ok && m.Media() != nil && m.Media().ID != ""
			if ok {
				info, err := r.c.GetMedia(ctx, r.acc.AccessToken, m.Media().ID)
				ok = err == nil && info.URL != ""
				if ok {
					data, _, err := r.c.DownloadMedia(ctx, r.acc.AccessToken, info.URL)
					ok = err == nil && len(data) > 0
				}
			}
		case "location":
			ok = ok && m.Location != nil && m.Location.Latitude == -23.5
		case "contacts":
			ok = ok && len(m.Contacts) > 0
		case "button":
			ok = ok && m.Button.Payload == "TALK" && m.Button.Text == "Falar com atendente" && m.Context.ID == sent.MessageID()
		case "interactive":
			ok = ok && m.Interactive.ListReply != nil && m.Interactive.ListReply.ID == "expresso"
		case "text":
			ok = ok && m.Referral != nil && m.Text.Body == "NÃO"
		}
		if !ok {
			t.Errorf("%s parsed as %s", cm.Type, m.Raw)
		}
	}
}

func TestRoundTripTemplates(t *testing.T) {
	r := newRT(t)
	tok, waba := r.acc.AccessToken, r.acc.WABAID
	all, err := r.c.AllTemplates(ctx, tok, waba, wa.TemplateQuery{Limit: 1})
	if err != nil || len(all) < 3 {
		t.Fatalf("templates = %d, %v", len(all), err)
	}
	page, err := r.c.ListTemplates(ctx, tok, waba, wa.TemplateQuery{Name: "pedido_enviado"})
	if err != nil || len(page.Data) != 1 || page.Data[0].Status != "APPROVED" || page.Data[0].Components[0].Example == nil {
		t.Fatalf("filtered = %+v, %v", page, err)
	}
	tpl := wa.MessageTemplate{Name: "aviso_entrega", Language: "pt_BR", Category: "UTILITY", Components: []wa.TemplatePart{
		{Type: "BODY", Text: "Olá {{1}}, chegou!", Example: &wa.TemplateExample{BodyText: [][]string{{"Ana"}}}}}}
	created, err := r.c.CreateTemplate(ctx, tok, waba, tpl)
	if err != nil || created.ID == "" || created.Category != "UTILITY" {
		t.Fatalf("create = %+v, %v", created, err)
	}
	ev := r.hook.wait(t, "template approved", func(ev wa.Event) bool {
		return ev.Other != nil && ev.Other.TemplateStatus != nil && ev.Other.TemplateStatus.MessageTemplateName == "aviso_entrega"
	})
	if ev.Other.TemplateStatus.Event != "APPROVED" || string(ev.Other.TemplateStatus.MessageTemplateID) != created.ID {
		t.Errorf("status update = %+v", ev.Other.TemplateStatus)
	}
	rej, err := r.c.CreateTemplate(ctx, tok, waba, wa.MessageTemplate{Name: "reject_me", Language: "pt_BR", Category: "MARKETING",
		Components: []wa.TemplatePart{{Type: "BODY", Text: "Promo"}}})
	if err != nil {
		t.Fatal(err)
	}
	ev = r.hook.wait(t, "template rejected", func(ev wa.Event) bool {
		return ev.Other != nil && ev.Other.TemplateStatus != nil && ev.Other.TemplateStatus.MessageTemplateName == "reject_me"
	})
	if ev.Other.TemplateStatus.Event != "REJECTED" || ev.Other.TemplateStatus.Reason == "" {
		t.Errorf("rejection = %+v", ev.Other.TemplateStatus)
	}
	edit := wa.TemplateEdit{Components: []wa.TemplatePart{{Type: "BODY", Text: "Oferta {{1}} hoje", Example: &wa.TemplateExample{BodyText: [][]string{{"10%"}}}}}}
	if err := r.c.EditTemplate(ctx, tok, rej.ID, edit); err != nil {
		t.Errorf("edit: %v", err)
	}
	// Invalid names are refused as Meta does.
	_, err = r.c.CreateTemplate(ctx, tok, waba, wa.MessageTemplate{Name: "Bad Name", Language: "pt_BR", Category: "UTILITY",
		Components: []wa.TemplatePart{{Type: "BODY", Text: "x"}}})
	if !wa.Permanent(err) {
		t.Errorf("bad name: %v", err)
	}
	if err := r.c.DeleteTemplate(ctx, tok, waba, "aviso_entrega", ""); err != nil {
		t.Errorf("delete: %v", err)
	}
	page, _ = r.c.ListTemplates(ctx, tok, waba, wa.TemplateQuery{Name: "aviso_entrega"})
	for _, d := range page.Data {
		if d.Status != "PENDING_DELETION" && d.Status != "DELETED" {
			t.Errorf("still listed after delete: %+v", d)
		}
	}
	res, err := r.c.Send(ctx, tok, r.acc.PhoneNumberID, pedidoEnviado(customer, "Ana", "#12345"))
	if err != nil || res.Messages[0].MessageStatus != "accepted" {
		t.Fatalf("template send = %+v, %v", res, err)
	}
	st := r.hook.status(t, res.MessageID(), "sent")
	if st.Pricing == nil || st.Pricing.Category != "utility" || st.BizOpaqueCallbackData != "conversa-msg-1" {
		t.Errorf("template status = %+v", st)
	}
}

// sendErr sends m and returns the *wa.Error.
func (r *rt) sendErr(t *testing.T, token string, m wa.Message) *wa.Error {
	t.Helper()
	_, err := r.c.Send(ctx, token, r.acc.PhoneNumberID, m)
	var e *wa.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %v, want a Meta error", err)
	}
	if e.FBTraceID == "" || e.Message == "" || e.HTTPStatus == 0 {
		t.Errorf("incomplete error %+v", e)
	}
	return e
}

func TestRoundTripSendErrors(t *testing.T) {
	r := newRT(t)
	tok := r.acc.AccessToken
	r.customerWrites(t, customer, "oi")

	// 131047: the customer's last message is more than 24 h old.
	if _, err := r.c.Send(ctx, tok, r.acc.PhoneNumberID, text(customer, "dentro da janela")); err != nil {
		t.Fatal(err)
	}
	r.sim.Clock().Advance(24*time.Hour + time.Minute)
	e := r.sendErr(t, tok, text(customer, "fora da janela"))
	if !wa.IsWindowClosed(e) || !wa.Permanent(e) || wa.ToConversa(e).Code != conversa.EWINDOWCLOSED {
		t.Errorf("131047: %+v", e)
	}

	hello := wa.Message{To: customer, Template: &wa.Template{Name: "hello_world", Language: wa.Language{Code: "en_US"}}}
	tpl := func(name string, params ...string) wa.Message {
		m := pedidoEnviado(customer, params...)
		m.Template.Name = name
		return m
	}
	tests := []struct {
		name  string
		setup func()
		msg   wa.Message
		code  int
		check func(error) bool
	}{
		{"132001 missing template", nil, tpl("nao_existe", "a"), 132001,
			func(err error) bool { return wa.ToConversa(err).Code == conversa.ETEMPLATENOTAPPROVED }},
		{"132000 param count", nil, tpl("pedido_enviado", "Ana"), 132000,
			func(err error) bool { return wa.ToConversa(err).Code == conversa.ETEMPLATEPARAMS }},
		{"132012 param format", nil, func() wa.Message {
			m := pedidoEnviado(customer, "Ana", "#1")
			m.Template.Components = append(m.Template.Components, wa.TemplateComponent{Type: "button", SubType: "quick_reply", Index: "0",
				Parameters: []wa.Parameter{wa.TextParam("x")}})
			return m
		}(), 132012, func(err error) bool { return wa.ToConversa(err).Code == conversa.ETEMPLATEPARAMS }},
		{"132015 paused", func() { must(t, r.sim.SetTemplateStatus(r.acc.WABAID, "promocao_semana", "pt_BR", "PAUSED", "")) },
			tpl("promocao_semana", "Ana", "10%"), 132015, wa.Permanent},
		{"132016 disabled", func() { must(t, r.sim.SetTemplateStatus(r.acc.WABAID, "promocao_semana", "pt_BR", "DISABLED", "")) },
			tpl("promocao_semana", "Ana", "10%"), 132016, wa.Permanent},
		{"100 invalid parameter", nil, text("abc", "x"), 100,
			func(err error) bool { return wa.ToConversa(err).Code == conversa.EINVALID }},
		{"131056 pair rate", func() {
			must(t, r.sim.SetPairRate(r.acc.PhoneNumberID, 1, 1))
			_, err := r.c.Send(ctx, tok, r.acc.PhoneNumberID, hello)
			must(t, err)
		}, hello, 131056,
			func(err error) bool { return wa.Retryable(err) && wa.BackoffHint(err) > 0 }},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.setup != nil {
				tt.setup()
			}
			e := r.sendErr(t, tok, tt.msg)
			if e.Code != tt.code || !tt.check(e) {
				t.Errorf("got %+v", e)
			}
			if info := e.Info(); info.EN == "" || info.PT == "" {
				t.Errorf("no sentence for %d", e.Code)
			}
		})
	}
	must(t, r.sim.SetPairRate(r.acc.PhoneNumberID, 10, 45)) // Meta's figures again

	// 190: a wrong token.
	e = r.sendErr(t, "not-a-token", text(customer, "x"))
	if e.Code != 190 || !wa.ChannelProblem(e) || e.HTTPStatus != 401 {
		t.Errorf("190: %+v", e)
	}
}

func TestRoundTripThroughputAndRegistration(t *testing.T) {
	r := newRT(t)
	tok, phone := r.acc.AccessToken, r.acc.PhoneNumberID
	hello := wa.Message{To: customer, Template: &wa.Template{Name: "hello_world", Language: wa.Language{Code: "en_US"}}}

	// 130429: above the number's configured rate.
	must(t, r.sim.SetThroughput(phone, 1))
	var limited error
	for i := 0; i < 5 && limited == nil; i++ {
		m := hello
		m.To = "55119876500" + string(rune('0'+i)) + "1"
		_, limited = r.c.Send(ctx, tok, phone, m)
	}
	if !hasCode(limited, 130429) || !wa.Retryable(limited) || wa.BackoffHint(limited) <= 0 || wa.ToConversa(limited).Code != conversa.ERATELIMIT {
		t.Errorf("130429: %v", limited)
	}
	must(t, r.sim.SetThroughput(phone, 80))

	// 133010: the number is deregistered.
	if err := r.c.Deregister(ctx, tok, phone); err != nil {
		t.Fatal(err)
	}
	e := r.sendErr(t, tok, hello)
	if e.Code != 133010 || !wa.ChannelProblem(e) {
		t.Errorf("133010: %+v", e)
	}
	// Wrong PIN, then the right one.
	if err := r.c.Register(ctx, tok, phone, "123456"); !hasCode(err, 133005) {
		t.Errorf("wrong pin: %v", err)
	}
	if err := r.c.Register(ctx, tok, phone, "000000"); err != nil {
		t.Fatalf("register: %v", err)
	}
	if _, err := r.c.Send(ctx, tok, phone, hello); err != nil {
		t.Errorf("send after register: %v", err)
	}
}

func TestRoundTripAsyncFailures(t *testing.T) {
	r := newRT(t)
	tok, phone := r.acc.AccessToken, r.acc.PhoneNumberID
	hello := wa.Message{To: customer, Template: &wa.Template{Name: "hello_world", Language: wa.Language{Code: "en_US"}}}

	// 131042: no payment method; Meta accepts, then the status fails.
	must(t, r.sim.SetPaymentMethod(r.acc.WABAID, false))
	res, err := r.c.Send(ctx, tok, phone, hello)
	if err != nil {
		t.Fatal(err)
	}
	st := r.hook.status(t, res.MessageID(), "failed")
	err = st.StatusError()
	if !hasCode(err, 131042) || !wa.ChannelProblem(err) || !strings.Contains(wa.ToConversa(err).PT, "USD") {
		t.Errorf("131042: %v", err)
	}
	must(t, r.sim.SetPaymentMethod(r.acc.WABAID, true))

	// 131026: the recipient is not on WhatsApp.
	must(t, r.sim.SetCustomer("5511900000001", "", false))
	hello.To = "5511900000001"
	res, err = r.c.Send(ctx, tok, phone, hello)
	if err != nil {
		t.Fatal(err)
	}
	if err := r.hook.status(t, res.MessageID(), "failed").StatusError(); !hasCode(err, 131026) || !wa.Permanent(err) {
		t.Errorf("131026: %v", err)
	}

	// An injected synchronous 131000 is transient, never retried by Send.
	must(t, r.sim.InjectError(phone, 131000, 1, false))
	_, err = r.c.Send(ctx, tok, phone, hello)
	if !hasCode(err, 131000) || !wa.Retryable(err) || wa.IsAmbiguous(err) {
		t.Errorf("131000: %v", err)
	}
	if _, err := r.c.Send(ctx, tok, phone, hello); err != nil {
		t.Errorf("the injection was consumed by a hidden retry? %v", err)
	}
}

func TestRoundTripAccountWebhooks(t *testing.T) {
	r := newRT(t)
	must(t, r.sim.SetTier(r.acc.PhoneNumberID, "TIER_2K"))
	ev := r.hook.wait(t, "capability update", func(ev wa.Event) bool { return ev.Other != nil && ev.Other.BusinessCapability != nil })
	if ev.Other.BusinessCapability.MessagingLimit() != "TIER_2K" || ev.WABAID != r.acc.WABAID {
		t.Errorf("capability = %+v", ev)
	}
	must(t, r.sim.SetThroughput(r.acc.PhoneNumberID, 1000))
	ev = r.hook.wait(t, "quality update", func(ev wa.Event) bool { return ev.Other != nil && ev.Other.Quality != nil })
	if q := ev.Other.Quality; q.Event != "THROUGHPUT_UPGRADE" || q.MessagingLimit() != "TIER_2K" || ev.DisplayPhoneNumber != r.acc.DisplayPhoneNumber {
		t.Errorf("quality = %+v display=%q", q, ev.DisplayPhoneNumber)
	}
	must(t, r.sim.AccountUpdate(r.acc.WABAID, "ACCOUNT_VIOLATION"))
	ev = r.hook.wait(t, "account update", func(ev wa.Event) bool { return ev.Other != nil && ev.Other.Account != nil })
	if ev.Other.Account.Event != "ACCOUNT_VIOLATION" || ev.Other.Account.ViolationInfo == nil || ev.WABAID != r.acc.WABAID || ev.Time.IsZero() {
		t.Errorf("account = %+v", ev)
	}
}

func TestRoundTripOnboarding(t *testing.T) {
	r := newRT(t)
	// Embedded Signup: the browser gets a code; the server exchanges it.
	su, err := r.sim.IssueSignupCode(metasim.SignupRequest{BusinessName: "Minha Empresa", CC: "55", Number: "11955554321", VerifiedName: "Minha Empresa"})
	if err != nil {
		t.Fatal(err)
	}
	tok, err := r.c.ExchangeCode(ctx, r.sim.AppID(), r.acc.AppSecret, su.Code)
	if err != nil || tok.AccessToken == "" {
		t.Fatalf("exchange = %+v, %v", tok, err)
	}
	if _, err := r.c.ExchangeCode(ctx, r.sim.AppID(), r.acc.AppSecret, su.Code); err == nil {
		t.Error("a used code was exchanged twice")
	}
	bt := tok.AccessToken
	wabas, err := r.c.OwnedWABAs(ctx, bt, su.BusinessID)
	if err != nil || len(wabas) != 1 || wabas[0].ID != su.WABAID {
		t.Fatalf("owned = %+v, %v", wabas, err)
	}
	if w, err := r.c.GetWABA(ctx, bt, su.WABAID); err != nil || w.ID != su.WABAID {
		t.Errorf("get waba = %+v, %v", w, err)
	}
	nums, err := r.c.PhoneNumbers(ctx, bt, su.WABAID)
	if err != nil || len(nums) != 1 || nums[0].ID != su.PhoneNumberID {
		t.Fatalf("numbers = %+v, %v", nums, err)
	}
	// Add a second number, verify it by SMS (one wrong code first), register.
	id, err := r.c.AddPhoneNumber(ctx, bt, su.WABAID, wa.NewPhoneNumber{CC: "55", PhoneNumber: "11955550000", VerifiedName: "Minha Empresa"})
	if err != nil || id == "" {
		t.Fatalf("add number: %q %v", id, err)
	}
	must(t, r.c.RequestCode(ctx, bt, id, wa.CodeSMS, "pt_BR"))
	code, err := r.sim.Code(id)
	if err != nil || code.Code == "" || code.Method != "SMS" {
		t.Fatalf("sim code = %+v, %v", code, err)
	}
	if err := r.c.VerifyCode(ctx, bt, id, "000001"); !hasCode(err, 136025) || wa.ToConversa(err).Code != conversa.EINVALID {
		t.Errorf("wrong code: %v", err)
	}
	must(t, r.c.VerifyCode(ctx, bt, id, code.Code))
	must(t, r.c.Register(ctx, bt, id, "654321"))
	p, err := r.c.GetPhoneNumber(ctx, bt, id)
	if err != nil || p.CodeVerificationStatus != "VERIFIED" || p.VerifiedName != "Minha Empresa" || p.QualityRating == "" || p.DisplayPhoneNumber == "" {
		t.Errorf("phone = %+v, %v", p, err)
	}
	// A number still with another provider is explained as such.
	_, err = r.c.AddPhoneNumber(ctx, bt, su.WABAID, wa.NewPhoneNumber{CC: "55", PhoneNumber: "11955559999", VerifiedName: "Minha Empresa"})
	if !wa.IsRegisteredElsewhere(err) || wa.ToConversa(err).Code != conversa.ECONFLICT {
		t.Errorf("other provider: %v", err)
	}
	// Webhooks to the account's own URL (handshake first), then listed, then off.
	own := newHookSink(t, r.acc.AppSecret, "own-token")
	must(t, r.c.SubscribeApp(ctx, bt, su.WABAID, wa.Subscription{OverrideCallbackURI: own.URL, VerifyToken: "own-token"}))
	if n := own.handshakeCount(); n != 1 {
		t.Errorf("handshakes = %d", n)
	}
	apps, err := r.c.SubscribedApps(ctx, bt, su.WABAID)
	if err != nil || len(apps) != 1 || apps[0].WhatsAppBusinessAPIData.ID != r.sim.AppID() || apps[0].OverrideCallbackURI != own.URL {
		t.Errorf("subscribed = %+v, %v", apps, err)
	}
	if _, err := r.sim.CustomerSend(metasim.CustomerMessage{PhoneNumberID: id, From: customer, Text: "oi"}); err != nil {
		t.Fatal(err)
	}
	ev := own.wait(t, "inbound on the override URL", func(ev wa.Event) bool { return ev.Message != nil })
	if ev.PhoneNumberID != id || ev.WABAID != su.WABAID {
		t.Errorf("routed to %s/%s", ev.WABAID, ev.PhoneNumberID)
	}
	err = r.c.SubscribeApp(ctx, bt, su.WABAID, wa.Subscription{OverrideCallbackURI: own.URL, VerifyToken: "wrong"})
	if !hasCode(err, 2200) {
		t.Errorf("bad verify token: %v", err)
	}
	must(t, r.c.UnsubscribeApp(ctx, bt, su.WABAID))
	if apps, _ := r.c.SubscribedApps(ctx, bt, su.WABAID); len(apps) != 0 {
		t.Errorf("still subscribed: %+v", apps)
	}
	// Another business's token cannot see this account.
	if _, err := r.c.GetWABA(ctx, r.acc.AccessToken, su.WABAID); !hasCode(err, 100) {
		t.Errorf("cross-business read: %v", err)
	}
}

// Meta documents POST /{business-id}/whatsapp_business_accounts.
func TestRoundTripCreateWABA(t *testing.T) {
	r := newRT(t)
	w, err := r.c.CreateWABA(ctx, r.acc.AccessToken, r.acc.BusinessID, wa.NewWABA{Name: "Suporte", Currency: "BRL", TimezoneID: 25})
	if err != nil || w.ID == "" {
		t.Fatalf("create waba = %+v, %v", w, err)
	}
	got, err := r.c.GetWABA(ctx, r.acc.AccessToken, w.ID, "name", "currency", "timezone_id")
	if err != nil || got.Name != "Suporte" || got.Currency != "BRL" || got.TimezoneID != "25" {
		t.Errorf("created waba reads %+v, %v", got, err)
	}
	wabas, _ := r.c.OwnedWABAs(ctx, r.acc.AccessToken, r.acc.BusinessID)
	if len(wabas) != 2 {
		t.Errorf("owned = %+v", wabas)
	}
}

// GET /me/businesses: a token from Embedded Signup sees its own portfolio
// only; the listing pages like every Graph edge.
func TestRoundTripBusinesses(t *testing.T) {
	r := newRT(t)
	su, err := r.sim.IssueSignupCode(metasim.SignupRequest{BusinessName: "Loja da Ana"})
	must(t, err)
	tok, err := r.c.ExchangeCode(ctx, r.sim.AppID(), r.acc.AppSecret, su.Code)
	must(t, err)
	list, err := r.c.Businesses(ctx, tok.AccessToken)
	if err != nil || len(list) != 1 || list[0].ID != su.BusinessID || list[0].Name != "Loja da Ana" {
		t.Fatalf("businesses = %+v, %v", list, err)
	}
	list, err = r.c.Businesses(ctx, r.acc.AccessToken)
	if err != nil || len(list) != 1 || list[0].ID != r.acc.BusinessID {
		t.Errorf("test account businesses = %+v, %v", list, err)
	}
	if _, err := r.c.Businesses(ctx, "not-a-token"); !hasCode(err, 190) {
		t.Errorf("bad token: %v", err)
	}
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func hasCode(err error, code int) bool {
	var e *wa.Error
	return errors.As(err, &e) && e.Code == code
}
