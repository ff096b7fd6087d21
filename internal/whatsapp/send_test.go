package whatsapp_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	wa "github.com/conversa/conversa/internal/whatsapp"
)

// The request bodies the client produces must equal Meta's documented
// examples (testdata/send, sources in testdata/README.md).
func TestSendBodiesMatchMetaExamples(t *testing.T) {
	tests := []struct {
		golden string
		msg    wa.Message
	}{
		{"send/text.json", wa.Message{To: "+16505551234", Text: &wa.Text{PreviewURL: true,
			Body: "As requested, here's the link to our latest product: https://www.meta.com/quest/quest-3/"}}},
		{"send/text_reply.json", wa.Message{To: "+16505551234",
			Context: &wa.ReplyContext{MessageID: "wamid.HBgLMTY0NjcwNDM1OTUVAgASGBQzQTdCNTg5RjY1MEMyRjlGMjRGNgA="},
			Text:    &wa.Text{Body: "You're welcome, Pablo!"}}},
		{"send/image_link.json", wa.Message{To: "+16505551234",
			Image: &wa.Media{Link: "https://www.luckyshrub.com/assets/succulents/aloe.png", Caption: "The best succulent ever?"}}},
		{"send/document_id.json", wa.Message{To: "+16505551234",
			Document: &wa.Media{ID: "1376223850470843", Caption: "Lucky Shrub Invoice", Filename: "lucky-shrub-invoice.pdf"}}},
		{"send/interactive_button.json", wa.Message{To: "+16505551234", Interactive: func() *wa.Interactive {
			in := wa.Buttons("Hi Pablo! Your gardening workshop is scheduled for 9am tomorrow. Use the buttons if you need to reschedule. Thank you!",
				wa.Choice{ID: "change-button", Title: "Change"}, wa.Choice{ID: "cancel-button", Title: "Cancel"})
			in.Header = &wa.InteractiveHeader{Type: "text", Text: "Choose Shipping Option"}
			in.Footer = &wa.InteractiveText{Text: "Lucky Shrub: Your gateway to succulents!"}
			return in
		}()}},
		{"send/interactive_list.json", wa.Message{To: "+16505551234", Interactive: &wa.Interactive{Type: "list",
			Header: &wa.InteractiveHeader{Type: "text", Text: "Choose Shipping Option"},
			Body:   &wa.InteractiveText{Text: "Which shipping option do you prefer?"},
			Footer: &wa.InteractiveText{Text: "Lucky Shrub: Your gateway to succulents"},
			Action: wa.InteractiveAction{Button: "Shipping Options", Sections: []wa.ListSection{
				{Title: "I want it ASAP!", Rows: []wa.Choice{
					{ID: "priority_express", Title: "Priority Mail Express", Description: "Next Day to 2 Days"},
					{ID: "priority_mail", Title: "Priority Mail", Description: "1–3 Days"}}},
				{Title: "I can wait a bit", Rows: []wa.Choice{
					{ID: "usps_ground_advantage", Title: "USPS Ground Advantage", Description: "2-5 Days"}}},
			}}}}},
		{"send/interactive_cta_url.json", wa.Message{To: "+16505555555", Interactive: &wa.Interactive{Type: "cta_url",
			Header: &wa.InteractiveHeader{Type: "text", Text: "Available Dates"},
			Body:   &wa.InteractiveText{Text: "Tap the button below to see available dates."},
			Footer: &wa.InteractiveText{Text: "Dates subject to change."},
			Action: wa.InteractiveAction{Name: "cta_url", Parameters: &wa.CTAParameters{DisplayText: "See Dates",
				URL: "https://www.luckyshrub.com?clickID=kqDGWd24Q5TRwoEQTICY7W1JKoXvaZOXWAS7h1P76s0R7Paec4"}}}}},
		{"send/reaction.json", wa.Message{To: "+16505551234",
			Reaction: &wa.Reaction{MessageID: "wamid.HBgLMTY1MDM4Nzk0MzkVAgARGBJDQjZCMzlEQUE4OTJBMTE4RTUA", Emoji: "😀"}}},
		{"send/location.json", wa.Message{To: "+16505551234", Location: &wa.Location{Latitude: 37.44216251868683,
			Longitude: -122.16153582049394, Name: "Philz Coffee", Address: "101 Forest Ave, Palo Alto, CA 94301"}}},
		{"send/template_location.json", wa.Message{To: "+16505551234", Template: &wa.Template{Name: "order_delivery_update",
			Language: wa.Language{Code: "en_US", Policy: "deterministic"}, Components: []wa.TemplateComponent{
				{Type: "header", Parameters: []wa.Parameter{{Type: "location", Location: &wa.Location{Latitude: 37.44211676562361,
					Longitude: -122.16155960083124, Name: "Philz Coffee", Address: "101 Forest Ave, Palo Alto, CA 94301"}}}},
				{Type: "body", Parameters: []wa.Parameter{wa.NamedParam("customer_name", "Jane"), wa.NamedParam("order_number", "892104")}},
			}}}},
		{"send/contacts.json", wa.Message{To: "+16505551234", Contacts: []wa.Contact{{
			Name:     wa.ContactName{FormattedName: "Barbara J. Johnson", FirstName: "Barbara", LastName: "Johnson", MiddleName: "Joana"},
			Org:      &wa.ContactOrg{Company: "Lucky Shrub", Department: "Legal", Title: "Lead Counsel"},
			Phones:   []wa.ContactPhone{{Phone: "+16505559999", Type: "HOME"}, {Phone: "+19195551112", Type: "WORK", WaID: "19195551112"}},
			Emails:   []wa.ContactEmail{{Email: "bjohnson@luckyshrub.com", Type: "WORK"}},
			URLs:     []wa.ContactURL{{URL: "https://www.luckyshrub.com", Type: "WORK"}},
			Birthday: "1999-01-23"}}}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			f := newFakeGraph(t, ok(string(golden(t, "send/response.json"))))
			res, err := newClient(t, f.URL).Send(context.Background(), "TOKEN", "106540352242922", tt.msg)
			if err != nil {
				t.Fatal(err)
			}
			r := f.last(t)
			if r.Method != "POST" || r.Path != "/v23.0/106540352242922/messages" || r.Auth != "Bearer TOKEN" || r.ContentType != "application/json" {
				t.Errorf("request = %s %s auth=%q ctype=%q", r.Method, r.Path, r.Auth, r.ContentType)
			}
			jsonEqual(t, r.Body, golden(t, tt.golden))
			if res.MessageID() != "wamid.HBgLMTY1MDUwNzY1MjAVAgARGBI5QTNDQTVCM0Q0Q0Q2RTY3RTcA" || res.WaID() != "16505555555" {
				t.Errorf("result = %q %q", res.MessageID(), res.WaID())
			}
		})
	}
}

// Template sends as Conversa builds them (positional body, media header,
// named parameters, buttons by sub_type and index): the body follows the
// syntax of Meta's template pages; the values are ours, so this is an
// inline expectation, not a Meta example.
func TestSendTemplateBodies(t *testing.T) {
	tests := []struct {
		msg  wa.Message
		want string
	}{
		{wa.Message{To: "5511987654321", BizOpaqueCallbackData: "conversa-msg-123",
			Template: &wa.Template{Name: "pedido_enviado", Language: wa.Language{Code: "pt_BR"},
				Components: []wa.TemplateComponent{{Type: "body", Parameters: []wa.Parameter{wa.TextParam("Ana"), wa.TextParam("#12345")}}}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",
			 "template":{"name":"pedido_enviado","language":{"code":"pt_BR"},
			  "components":[{"type":"body","parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"#12345"}]}]},
			 "biz_opaque_callback_data":"conversa-msg-123"}`},
		{wa.Message{To: "5511987654321", Template: &wa.Template{Name: "order_update", Language: wa.Language{Code: "pt_BR"},
			Components: []wa.TemplateComponent{
				{Type: "header", Parameters: []wa.Parameter{{Type: "image", Image: &wa.Media{ID: "1602186516975000"}}}},
				{Type: "body", Parameters: []wa.Parameter{wa.NamedParam("first_name", "Ana")}},
				{Type: "button", SubType: "quick_reply", Index: "0", Parameters: []wa.Parameter{{Type: "payload", Payload: "TALK_TO_AGENT"}}},
				{Type: "button", SubType: "copy_code", Index: "1", Parameters: []wa.Parameter{{Type: "coupon_code", CouponCode: "CARIBE25"}}},
				{Type: "limited_time_offer", Parameters: []wa.Parameter{{Type: "limited_time_offer",
					LimitedTimeOffer: &wa.OfferValue{ExpirationTimeMS: 1698562800000}}}},
			}}},
			`{"messaging_product":"whatsapp","recipient_type":"individual","to":"5511987654321","type":"template",
			 "template":{"name":"order_update","language":{"code":"pt_BR"},"components":[
			  {"type":"header","parameters":[{"type":"image","image":{"id":"1602186516975000"}}]},
			  {"type":"body","parameters":[{"type":"text","parameter_name":"first_name","text":"Ana"}]},
			  {"type":"button","sub_type":"quick_reply","index":"0","parameters":[{"type":"payload","payload":"TALK_TO_AGENT"}]},
			  {"type":"button","sub_type":"copy_code","index":"1","parameters":[{"type":"coupon_code","coupon_code":"CARIBE25"}]},
			  {"type":"limited_time_offer","parameters":[{"type":"limited_time_offer","limited_time_offer":{"expiration_time_ms":1698562800000}}]}]}}`},
	}
	for _, tt := range tests {
		f := newFakeGraph(t, ok(string(golden(t, "send/response.json"))))
		if _, err := newClient(t, f.URL).Send(context.Background(), "T", "1", tt.msg); err != nil {
			t.Fatal(err)
		}
		jsonEqual(t, f.last(t).Body, []byte(tt.want))
	}
}

// A stored send request is decoded and sent again later (the send worker,
// retries): Meta's string coordinates must read back and be written the
// same way, and the numbers of inbound pins must still decode.
func TestTemplateLocationRoundTrip(t *testing.T) {
	doc := golden(t, "send/template_location.json")
	var m wa.Message
	if err := json.Unmarshal(doc, &m); err != nil {
		t.Fatal(err)
	}
	if l := m.Template.Components[0].Parameters[0].Location; l.Latitude != 37.44211676562361 || l.Longitude != -122.16155960083124 {
		t.Fatalf("location = %+v", l)
	}
	again, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, again, doc)
	var l wa.Location
	if err := json.Unmarshal([]byte(`{"latitude":-23.5,"longitude":"-46.6"}`), &l); err != nil || l.Latitude != -23.5 || l.Longitude != -46.6 {
		t.Errorf("mixed = %+v %v", l, err)
	}
	if err := json.Unmarshal([]byte(`{"latitude":"north","longitude":1}`), &l); err == nil {
		t.Error("a non-numeric latitude was accepted")
	}
}

func TestSendWithoutContentIsRefusedLocally(t *testing.T) {
	f := newFakeGraph(t, ok(`{}`))
	_, err := newClient(t, f.URL).Send(context.Background(), "T", "1", wa.Message{To: "1"})
	if !errors.Is(err, wa.ErrNoContent) || len(f.requests()) != 0 {
		t.Fatalf("err = %v, requests = %d", err, len(f.requests()))
	}
}

func TestMarkRead(t *testing.T) {
	f := newFakeGraph(t, ok(`{"success":true}`))
	c := newClient(t, f.URL)
	id := "wamid.HBgLMTY1MDM4Nzk0MzkVAgASGBQzQUFERjg0NDEzNDdFODU3MUMxMAA="
	if err := c.MarkRead(context.Background(), "T", "106540352242922", id, false); err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, f.last(t).Body, golden(t, "send/mark_read.json"))
	if err := c.MarkRead(context.Background(), "T", "106540352242922", id, true); err != nil {
		t.Fatal(err)
	}
	jsonEqual(t, f.last(t).Body, []byte(`{"messaging_product":"whatsapp","status":"read","message_id":"`+id+`","typing_indicator":{"type":"text"}}`))
}

func TestSuccessFalseIsAnError(t *testing.T) {
	f := newFakeGraph(t, ok(`{"success":false}`))
	if err := newClient(t, f.URL).MarkRead(context.Background(), "T", "1", "w", false); err == nil {
		t.Fatal("success=false accepted")
	}
}

func TestPathSegmentsAreEscaped(t *testing.T) {
	f := newFakeGraph(t, ok(`{"id":"1"}`))
	c := newClient(t, f.URL)
	if _, err := c.GetMedia(context.Background(), "T", "a/b?c"); err != nil {
		t.Fatal(err)
	}
	if got := f.last(t).Path; got != "/v23.0/a%2Fb%3Fc" {
		t.Errorf("path = %q", got)
	}
	for _, bad := range []string{"", ".", ".."} {
		if _, err := c.GetMedia(context.Background(), "T", bad); err == nil {
			t.Errorf("id %q accepted", bad)
		}
	}
}
