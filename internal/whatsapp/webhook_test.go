package whatsapp_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	wa "github.com/conversa/conversa/internal/whatsapp"
)

func parseGolden(t *testing.T, name string) *wa.Notification {
	t.Helper()
	n, err := wa.ParseWebhook(golden(t, name))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return n
}

func TestVerifySignature(t *testing.T) {
	body := golden(t, "webhooks/text.json")
	good := wa.Signature("s3cret", body)
	tests := []struct {
		name, secret, header string
		body                 []byte
		want                 bool
	}{
		{"good", "s3cret", good, body, true},
		{"uppercase hex", "s3cret", "sha256=" + strings.ToUpper(strings.TrimPrefix(good, "sha256=")), body, true},
		{"wrong secret", "other", good, body, false},
		{"tampered body", "s3cret", good, append([]byte(" "), body...), false},
		{"missing header", "s3cret", "", body, false},
		{"wrong prefix", "s3cret", "sha1=" + strings.TrimPrefix(good, "sha256="), body, false},
		{"no prefix", "s3cret", strings.TrimPrefix(good, "sha256="), body, false},
		{"not hex", "s3cret", "sha256=zz", body, false},
		{"truncated", "s3cret", good[:len(good)-2], body, false},
		{"empty secret never verifies", "", wa.Signature("", body), body, false},
	}
	for _, tt := range tests {
		if got := wa.VerifySignature(tt.secret, tt.body, tt.header); got != tt.want {
			t.Errorf("%s: got %v", tt.name, got)
		}
	}
	// Known vector: HMAC-SHA256("key", "The quick brown fox jumps over the lazy dog").
	if !wa.VerifySignature("key", []byte("The quick brown fox jumps over the lazy dog"),
		"sha256=f7bc83f430538424b13298e6aa6fb143ef4d59a14946175997479dbc2d1a3cd8") {
		t.Error("known HMAC vector rejected")
	}
}

func TestVerifyChallenge(t *testing.T) {
	q := url.Values{"hub.mode": {"subscribe"}, "hub.verify_token": {"tok"}, "hub.challenge": {"1158201444"}}
	if c, ok := wa.VerifyChallenge(q, "tok"); !ok || c != "1158201444" {
		t.Errorf("good handshake: %q %v", c, ok)
	}
	bad := []url.Values{
		{"hub.mode": {"subscribe"}, "hub.verify_token": {"nope"}, "hub.challenge": {"1"}},
		{"hub.mode": {"unsubscribe"}, "hub.verify_token": {"tok"}, "hub.challenge": {"1"}},
		{"hub.mode": {"subscribe"}, "hub.verify_token": {"tok"}},
	}
	for _, q := range bad {
		if _, ok := wa.VerifyChallenge(q, "tok"); ok {
			t.Errorf("accepted %v", q)
		}
	}
	if _, ok := wa.VerifyChallenge(url.Values{"hub.mode": {"subscribe"}, "hub.challenge": {"1"}}, ""); ok {
		t.Error("empty configured token accepted an empty one")
	}
}

// Every golden webhook parses, and every inbound message keeps its type's
// content, routing data and raw JSON.
func TestParseEveryGoldenWebhook(t *testing.T) {
	files, _ := filepath.Glob("testdata/webhooks/*.json")
	if len(files) < 30 {
		t.Fatalf("only %d golden webhooks", len(files))
	}
	for _, f := range files {
		name := strings.TrimPrefix(f, "testdata/")
		t.Run(name, func(t *testing.T) {
			n := parseGolden(t, name)
			if n.Object != "whatsapp_business_account" || len(n.Entry) != 1 || n.Entry[0].ID != "102290129340398" {
				t.Fatalf("envelope = %+v", n)
			}
			c := n.Entry[0].Changes[0]
			if len(c.Value) == 0 {
				t.Error("raw value lost")
			}
			for ev := range n.Events() {
				if ev.WABAID != "102290129340398" {
					t.Errorf("event without WABA id: %+v", ev)
				}
				if ev.Message != nil && (ev.PhoneNumberID != "106540352242922" || ev.Message.From == "" || ev.Message.Timestamp.Time().IsZero() || len(ev.Message.Raw) == 0) {
					t.Errorf("message event = %+v", ev)
				}
			}
		})
	}
}

func TestInboundMessageTypes(t *testing.T) {
	msg := func(file string) *wa.InboundMessage {
		t.Helper()
		v := parseGolden(t, "webhooks/"+file).Entry[0].Changes[0].Messages
		if v == nil || len(v.Messages) != 1 {
			t.Fatalf("%s: no message", file)
		}
		return &v.Messages[0]
	}
	check := func(file string, ok bool) {
		t.Helper()
		if !ok {
			t.Errorf("%s: %s", file, msg(file).Raw)
		}
	}
	m := msg("text.json")
	check("text.json", m.Type == "text" && m.Text.Body == "Does it come in another color?" && m.Timestamp.Time().Equal(time.Unix(1739321024, 0)))
	m = msg("text_reply.json")
	check("text_reply.json", m.Context.From == "15550783881" && strings.HasPrefix(m.Context.ID, "wamid."))
	m = msg("text_forwarded.json")
	check("text_forwarded.json", m.Context.Forwarded && m.Context.FrequentlyForwarded)
	m = msg("text_referral.json")
	check("text_referral.json", m.Referral.SourceType == "ad" && m.Referral.CTWAClid != "" && m.Referral.WelcomeMessage.Text != "")
	m = msg("image.json")
	check("image.json", m.Image.ID == "1003383421387256" && m.Image.MimeType == "image/jpeg" && m.Image.SHA256 != "" && m.Media() == m.Image && m.Summary() == "Taj Mahal")
	check("audio.json", msg("audio.json").Audio.Voice && msg("audio.json").Media() != nil)
	check("video.json", msg("video.json").Video.Caption == "Look at this")
	check("document.json", msg("document.json").Document.Filename == "lucky-shrub-invoice.pdf")
	check("sticker.json", msg("sticker.json").Sticker.MimeType == "image/webp")
	m = msg("location.json")
	check("location.json", m.Location.Latitude == 37.483307 && m.Location.Longitude == -122.148981 && m.Location.URL != "")
	m = msg("contacts.json")
	check("contacts.json", len(m.Contacts) == 1 && m.Contacts[0].Phones[0].WaID == "16505551234")
	m = msg("button.json")
	check("button.json", m.Button.Payload == "TALK_TO_AGENT" && m.Summary() == "Falar com atendente" && m.Context.ID != "")
	m = msg("interactive_button_reply.json")
	check("interactive_button_reply.json", m.Interactive.Type == "button_reply" && m.Interactive.ButtonReply.ID == "change-button")
	m = msg("interactive_list_reply.json")
	check("interactive_list_reply.json", m.Interactive.ListReply.Description == "Next Day to 2 Days")
	m = msg("reaction.json")
	check("reaction.json", m.Reaction.Emoji == "👍" && strings.HasPrefix(m.Reaction.MessageID, "wamid."))
	m = msg("order.json")
	check("order.json", m.Order.CatalogID == "194836987003835" && m.Order.ProductItems[0].Quantity == 2)
	m = msg("system.json")
	check("system.json", m.System.Type == "user_changed_number" && m.System.WaID == "16505559999")
	m = msg("unsupported.json")
	check("unsupported.json", m.Unsupported.Type == "poll_update" && m.Errors[0].Code == 131051 && m.Errors[0].ErrorData.Details != "")
}

func TestUnknownTypeAndFieldAreTolerated(t *testing.T) {
	m := parseGolden(t, "webhooks/unknown_type.json").Entry[0].Changes[0].Messages.Messages[0]
	var raw map[string]any
	if m.Type != "hologram" || json.Unmarshal(m.Raw, &raw) != nil || raw["hologram"] == nil {
		t.Errorf("unknown type: %+v", m)
	}
	n := parseGolden(t, "webhooks/unknown_field.json")
	c := n.Entry[0].Changes[0]
	if c.Field != "business_hologram_update" || !strings.Contains(string(c.Value), "brand_new_thing") {
		t.Errorf("unknown field: %+v", c)
	}
	var evs []wa.Event
	for ev := range n.Events() {
		evs = append(evs, ev)
	}
	if len(evs) != 1 || evs[0].Other == nil {
		t.Errorf("events = %+v", evs)
	}
	// Unknown properties inside known objects are ignored too.
	body := `{"object":"whatsapp_business_account","entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"2","x":1},
		"messages":[{"from":"3","id":"w","timestamp":"5","type":"text","text":{"body":"hi","new":true},"future":{"a":1}}]}}]}]}`
	if _, err := wa.ParseWebhook([]byte(body)); err != nil {
		t.Error(err)
	}
}

func TestParseWebhookRejectsGarbage(t *testing.T) {
	for _, b := range []string{"", "not json", `{"object":"page","entry":[]}`} {
		if _, err := wa.ParseWebhook([]byte(b)); err == nil {
			t.Errorf("%q accepted", b)
		}
	}
}

func TestStatuses(t *testing.T) {
	st := func(file string) wa.Status {
		t.Helper()
		return parseGolden(t, "webhooks/"+file).Entry[0].Changes[0].Messages.Statuses[0]
	}
	s := st("status_sent.json")
	if s.Status != "sent" || s.BizOpaqueCallbackData != "conversa-msg-123" || s.Conversation.Origin.Type != "marketing" ||
		s.Conversation.ExpirationTimestamp.Time().Unix() != 1750350180 || !s.Pricing.Billable || s.Pricing.PricingModel != "PMP" || s.Pricing.Type != "regular" {
		t.Errorf("sent = %+v", s)
	}
	if s := st("status_delivered.json"); s.Conversation != nil || s.Pricing.Category != "utility" {
		t.Errorf("delivered (no conversation under PMP) = %+v", s)
	}
	if s := st("status_delivered_free.json"); s.Pricing.Billable || s.Pricing.Type != "free_customer_service" {
		t.Errorf("free = %+v", s)
	}
	if s := st("status_sent_entry_point.json"); s.Pricing.Type != "free_entry_point" {
		t.Errorf("entry point = %+v", s)
	}
	if s := st("status_read.json"); s.Status != "read" || s.Pricing != nil || s.StatusError() != nil {
		t.Errorf("read = %+v", s)
	}
	if s := st("status_failed.json"); s.Status != "failed" || s.Errors[0].Code != 131049 || s.Errors[0].Href == "" {
		t.Errorf("failed = %+v", s)
	}
	v := parseGolden(t, "errors/webhook_errors.json").Entry[0].Changes[0].Messages
	if len(v.Errors) != 1 || v.Errors[0].Code != 130429 {
		t.Errorf("value errors = %+v", v.Errors)
	}
}

func TestAccountLevelFields(t *testing.T) {
	c := func(file string) wa.Change {
		t.Helper()
		return parseGolden(t, "webhooks/"+file).Entry[0].Changes[0]
	}
	if u := c("template_status_approved.json").TemplateStatus; u.Event != "APPROVED" || u.MessageTemplateID != "1689556908129832" || u.MessageTemplateName != "order_confirmation" {
		t.Errorf("approved = %+v", u)
	}
	if u := c("template_status_rejected.json").TemplateStatus; u.Reason != "INVALID_FORMAT" || u.RejectionInfo.Recommendation == "" {
		t.Errorf("rejected = %+v", u)
	}
	if u := c("template_status_paused.json").TemplateStatus; u.Event != "PAUSED" || u.OtherInfo.Title != "FIRST_PAUSE" {
		t.Errorf("paused = %+v", u)
	}
	if u := c("template_status_disabled.json").TemplateStatus; u.Event != "DISABLED" || u.Reason != "NONE" || u.DisableInfo.DisableDate != "1751234563" {
		t.Errorf("disabled = %+v", u)
	}
	if u := c("template_status_pending_deletion.json").TemplateStatus; u.Event != "PENDING_DELETION" || u.Reason != "" {
		t.Errorf("pending deletion (reason null) = %+v", u)
	}
	if u := c("template_status_unpaused.json").TemplateStatus; u.Event != "APPROVED" || u.OtherInfo.Title != "UNPAUSE" {
		t.Errorf("unpaused = %+v", u)
	}
	if u := c("template_category_update.json").TemplateCategory; u.NewCategory != "MARKETING" || u.PreviousCategory != "UTILITY" {
		t.Errorf("category = %+v", u)
	}
	// TIER_UNLIMITED is the throughput level here, not a messaging limit.
	if u := c("phone_number_quality_update.json").Quality; u.Event != "THROUGHPUT_UPGRADE" || u.CurrentLimit != "TIER_UNLIMITED" || u.MessagingLimit() != "" {
		t.Errorf("quality = %+v, limit %q", u, u.MessagingLimit())
	}
	if u := c("phone_number_quality_limits.json").Quality; u.OldLimit != "TIER_UNLIMITED" || u.MessagingLimit() != "TIER_2K" {
		t.Errorf("limits = %+v", u)
	}
	capability := parseGolden(t, "capability/business_capability_update.json").Entry[0].Changes[0]
	if u := capability.BusinessCapability; u.MessagingLimit() != "TIER_2K" || u.MaxPhoneNumbersPerWABA != 25 {
		t.Errorf("capability = %+v", u)
	}
	if u := c("phone_number_name_update.json").NameUpdate; u.Decision != "APPROVED" || u.RequestedVerifiedName != "Lucky Shrub" {
		t.Errorf("name = %+v", u)
	}
	if u := c("account_update_violation.json").Account; u.ViolationInfo.ViolationType != "ADULT" {
		t.Errorf("violation = %+v", u)
	}
	if u := c("account_update_disabled.json").Account; u.BanInfo.WabaBanState != "REINSTATE" || u.BanInfo.WabaBanDate != "April 17, 2025" {
		t.Errorf("ban = %+v", u)
	}
	if u := c("account_update_restriction.json").Account; len(u.RestrictionInfo) != 2 || u.RestrictionInfo[1].RestrictionType != "RESTRICTED_ADD_PHONE_NUMBER_ACTION" {
		t.Errorf("restriction = %+v", u)
	}
	if u := c("account_review_update.json").AccountReview; u.Decision != "APPROVED" {
		t.Errorf("review = %+v", u)
	}
}

// Accounts may still send the older phone_number_quality_update events,
// whose current_limit is the messaging limit; limits also come as numbers.
func TestMessagingLimitForms(t *testing.T) {
	for _, c := range []struct{ value, want string }{
		{`{"event":"FLAGGED","current_limit":"TIER_1K"}`, "TIER_1K"},
		{`{"event":"DOWNGRADE","current_limit":"TIER_250","old_limit":"TIER_1K"}`, "TIER_250"},
		{`{"event":"ONBOARDING","current_limit":"TIER_NOT_SET"}`, ""},
		{`{"event":"THROUGHPUT_UPGRADE","current_limit":"TIER_UNLIMITED"}`, ""},
		{`{"event":"THROUGHPUT_UPGRADE","current_limit":"TIER_UNLIMITED","max_daily_conversations_per_business":"TIER_10K"}`, "TIER_10K"},
		{`{"event":"ONBOARDING","max_daily_conversations_per_business":-1}`, "TIER_UNLIMITED"},
	} {
		var q wa.PhoneNumberQualityUpdate
		if err := json.Unmarshal([]byte(c.value), &q); err != nil || q.MessagingLimit() != c.want {
			t.Errorf("%s: limit %q, want %q (%v)", c.value, q.MessagingLimit(), c.want, err)
		}
	}
	var u wa.BusinessCapabilityUpdate
	if err := json.Unmarshal([]byte(`{"max_daily_conversation_per_phone":100000,"max_phone_numbers_per_waba":25}`), &u); err != nil || u.MessagingLimit() != "TIER_100K" {
		t.Errorf("older capability field: %+v %v", u, err)
	}
}

func TestEventsFlattenAndRoute(t *testing.T) {
	body := `{"object":"whatsapp_business_account","entry":[
	 {"id":"W1","time":1739321024,"changes":[{"field":"messages","value":{"messaging_product":"whatsapp",
	   "metadata":{"display_phone_number":"551130001000","phone_number_id":"P1"},
	   "contacts":[{"profile":{"name":"Ana"},"wa_id":"5511987654321"}],
	   "messages":[{"from":"5511987654321","id":"m1","timestamp":"1","type":"text","text":{"body":"a"}},
	               {"from":"5511000000000","id":"m2","timestamp":"2","type":"text","text":{"body":"b"}}],
	   "statuses":[{"id":"s1","status":"read","timestamp":"3","recipient_id":"5511987654321"}],
	   "errors":[{"code":131000,"title":"Something went wrong"}]}}]},
	 {"id":"W2","changes":[{"field":"phone_number_quality_update","value":{"display_phone_number":"551130002000","event":"DOWNGRADE","current_limit":"TIER_1K"}}]}]}`
	n, err := wa.ParseWebhook([]byte(body))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for ev := range n.Events() {
		switch {
		case ev.Message != nil:
			name := "-"
			if ev.Contact != nil {
				name = ev.Contact.Profile.Name
			}
			got = append(got, ev.WABAID+"/"+ev.PhoneNumberID+" msg "+ev.Message.ID+" "+name)
		case ev.Status != nil:
			got = append(got, ev.WABAID+"/"+ev.PhoneNumberID+" status "+ev.Status.ID)
		case ev.Error != nil:
			got = append(got, ev.WABAID+"/"+ev.PhoneNumberID+" error")
		case ev.Other != nil:
			got = append(got, ev.WABAID+"/"+ev.DisplayPhoneNumber+" "+ev.Field)
		}
	}
	want := []string{"W1/P1 msg m1 Ana", "W1/P1 msg m2 -", "W1/P1 status s1", "W1/P1 error", "W2/551130002000 phone_number_quality_update"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("events:\n got %q\nwant %q", got, want)
	}
	count := 0
	for range n.Events() {
		count++
		break
	}
	if count != 1 {
		t.Error("iterator ignored break")
	}
}

// Every golden file has a row in testdata/README.md that names a page of
// Meta's developer documentation (or says it is a tolerance test), and the
// README cites no other site.
func TestGoldenREADMENamesEveryFile(t *testing.T) {
	readme, err := os.ReadFile("testdata/README.md")
	if err != nil {
		t.Fatal(err)
	}
	rows := map[string]string{}
	for _, line := range strings.Split(string(readme), "\n") {
		if cells := strings.Split(line, "|"); len(cells) > 3 {
			rows[strings.TrimSpace(cells[1])] = line
		}
	}
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, f := range files {
		row := rows[strings.TrimPrefix(f, "testdata/")]
		if !metaPage.MatchString(row) && !strings.Contains(row, "tolerance test") {
			t.Errorf("%s has no Meta source in testdata/README.md", f)
		}
	}
	for _, u := range anyURL.FindAllString(string(readme), -1) {
		if !metaPage.MatchString(u) {
			t.Errorf("README cites %s, not Meta's developer documentation", u)
		}
	}
}

var (
	metaPage = regexp.MustCompile(`https://developers\.(secure\.)?facebook\.com/(docs|documentation)/`)
	anyURL   = regexp.MustCompile(`https?://[^\s|)]+`)
)
