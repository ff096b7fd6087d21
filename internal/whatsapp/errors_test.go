package whatsapp_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	wa "github.com/conversa/conversa/internal/whatsapp"
)

// sendErr makes the client decode body (with HTTP status) from a send.
func sendErr(t *testing.T, status int, body string) *wa.Error {
	t.Helper()
	f := newFakeGraph(t, reply{status: status, body: body})
	_, err := newClient(t, f.URL).Send(context.Background(), "T", "1", wa.Message{To: "5511", Text: &wa.Text{Body: "x"}})
	var e *wa.Error
	if !errors.As(err, &e) {
		t.Fatalf("err = %T %v, want *whatsapp.Error", err, err)
	}
	return e
}

func TestGoldenErrorBodiesDecode(t *testing.T) {
	e := sendErr(t, 400, string(golden(t, "errors/131047.json")))
	if e.Code != 131047 || e.Type != "OAuthException" || e.FBTraceID != "Az8or2yhqkZfEZ-_4Qn_Bam" || e.HTTPStatus != 400 ||
		!strings.Contains(e.Details, "More than 24 hours") || e.Message != "(#131047) Re-engagement message" || !wa.IsWindowClosed(e) {
		t.Errorf("131047 decoded as %+v", e)
	}
	e = sendErr(t, 400, string(golden(t, "errors/130429.json")))
	if e.Code != 130429 || e.Subcode != 2494055 || e.FBTraceID != "Az8or2yhqkZfEZ-_4Qn_Bam" ||
		e.Details != "Cloud API message throughput has been reached." || !wa.Retryable(e) {
		t.Errorf("130429 decoded as %+v", e)
	}
	e = sendErr(t, 401, string(golden(t, "errors/190.json")))
	if e.Code != 190 || e.Subcode != 460 || e.UserTitle != "A title" || e.UserMessage != "A message" || !wa.ChannelProblem(e) {
		t.Errorf("190 decoded as %+v", e)
	}
	if !strings.Contains(e.Error(), "fbtrace_id EJplcsCHuLu") {
		t.Errorf("Error() = %q lacks the trace id", e.Error())
	}
}

// Every catalogued code decodes from a Meta-shaped body with its code,
// subcode and trace id, and has a sentence in both languages.
func TestEveryCatalogCodeDecodesWithSentences(t *testing.T) {
	required := []int{131047, 131042, 130429, 131056, 80007, 131026, 131049, 131048, 131031, 131000, 131016,
		131008, 131009, 100, 131051, 132000, 132001, 132005, 132007, 132012, 132015, 132016, 133010, 190, 368}
	have := map[int]bool{}
	for _, info := range wa.Codes() {
		have[info.Code] = true
		t.Run(fmt.Sprintf("%d_%d", info.Code, info.Subcode), func(t *testing.T) {
			body := fmt.Sprintf(`{"error":{"message":"(#%d) %s","type":"OAuthException","code":%d,"error_subcode":%d,
				"error_data":{"messaging_product":"whatsapp","details":"d"},"fbtrace_id":"TR%d"}}`,
				info.Code, info.Title, info.Code, info.Subcode, info.Code)
			e := sendErr(t, 400, body)
			if e.Code != info.Code || e.Subcode != info.Subcode || e.FBTraceID != fmt.Sprintf("TR%d", info.Code) || e.Details != "d" {
				t.Errorf("decoded %+v", e)
			}
			got := e.Info()
			if got.EN == "" || got.PT == "" || got.EN == got.PT || got.Title == "" || got.Domain == "" {
				t.Errorf("catalog entry incomplete: %+v", got)
			}
			ce := wa.ToConversa(e)
			if ce.Code != info.Domain || !strings.HasPrefix(ce.Localize("pt-BR"), info.PT) || !strings.HasPrefix(ce.Localize("en"), info.EN) {
				t.Errorf("ToConversa = %+v", ce)
			}
			if info.Retryable && info.Channel {
				t.Error("an entry cannot be both transient and a channel problem")
			}
		})
	}
	for _, c := range required {
		if !have[c] {
			t.Errorf("code %d missing from the catalog", c)
		}
	}
}

func TestPaymentSentence(t *testing.T) {
	e := sendErr(t, 400, `{"error":{"code":131042,"message":"(#131042) Business eligibility payment issue"}}`)
	ce := wa.ToConversa(e)
	if ce.Message != "No valid payment method on the WhatsApp account: add a credit card in USD in Meta Business Manager (Billing). (Meta 131042)" {
		t.Errorf("en = %q", ce.Message)
	}
	if !strings.Contains(ce.PT, "cartão de crédito em USD") {
		t.Errorf("pt = %q", ce.PT)
	}
}

func TestClassification(t *testing.T) {
	mk := func(code int) error { return &wa.Error{Code: code, HTTPStatus: 400} }
	tests := []struct {
		name                                       string
		err                                        error
		retryable, permanent, channel, window, amb bool
		minBackoff                                 time.Duration
	}{
		{"131047 window", mk(131047), false, true, false, true, false, 0},
		{"131042 payment", mk(131042), false, true, true, false, false, 0},
		{"190 token", mk(190), false, true, true, false, false, 0},
		{"131031 locked", mk(131031), false, true, true, false, false, 0},
		{"133010 unregistered", mk(133010), false, true, true, false, false, 0},
		{"368 blocked", mk(368), false, true, true, false, false, 0},
		{"250 permission range", mk(250), false, true, true, false, false, 0},
		{"130429 throughput", mk(130429), true, false, false, false, false, time.Second},
		{"131056 pair", mk(131056), true, false, false, false, false, 6 * time.Second},
		{"80007 waba", mk(80007), true, false, false, false, false, time.Minute},
		{"131000 went wrong", mk(131000), true, false, false, false, false, time.Second},
		{"131016 unavailable", mk(131016), true, false, false, false, false, time.Second},
		{"131026 undeliverable", mk(131026), false, true, false, false, false, 0},
		{"131049 ecosystem", mk(131049), false, true, false, false, false, 0},
		{"132001 template", mk(132001), false, true, false, false, false, 0},
		{"100 invalid", mk(100), false, true, false, false, false, 0},
		{"unknown 5xx", &wa.Error{Code: 999999, HTTPStatus: 503}, true, false, false, false, false, 0},
		{"unknown 4xx", &wa.Error{Code: 999999, HTTPStatus: 400}, false, true, false, false, false, 0},
		{"retry-after wins", &wa.Error{Code: 130429, RetryAfter: 30 * time.Second}, true, false, false, false, false, 30 * time.Second},
		{"timeout after write (POST)", &wa.TransportError{Method: "POST", Err: context.DeadlineExceeded, Written: true}, true, false, false, false, true, 0},
		{"refused before write (POST)", &wa.TransportError{Method: "POST", Err: errors.New("connection refused")}, true, false, false, false, false, 0},
		{"GET timeout is not ambiguous", &wa.TransportError{Method: "GET", Err: context.DeadlineExceeded, Written: true}, true, false, false, false, false, 0},
		{"caller canceled", &wa.TransportError{Method: "GET", Err: context.Canceled}, false, false, false, false, false, 0},
		{"wrapped", fmt.Errorf("send: %w", mk(131047)), false, true, false, true, false, 0},
		{"plain error", errors.New("x"), false, false, false, false, false, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := []bool{wa.Retryable(tt.err), wa.Permanent(tt.err), wa.ChannelProblem(tt.err), wa.IsWindowClosed(tt.err), wa.IsAmbiguous(tt.err)}
			want := []bool{tt.retryable, tt.permanent, tt.channel, tt.window, tt.amb}
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("retryable,permanent,channel,window,ambiguous = %v, want %v", got, want)
			}
			if b := wa.BackoffHint(tt.err); b < tt.minBackoff {
				t.Errorf("BackoffHint = %v, want >= %v", b, tt.minBackoff)
			}
		})
	}
}

func TestRegisteredElsewhere(t *testing.T) {
	e := sendErr(t, 400, `{"error":{"message":"(#100) Invalid parameter","type":"OAuthException","code":100,"error_subcode":2388001,
		"error_data":{"messaging_product":"whatsapp","details":"Phone number is already registered with a WhatsApp account."},
		"is_transient":false,"error_user_title":"Phone number already in use","error_user_msg":"Delete it first.","fbtrace_id":"X"}}`)
	if !wa.IsRegisteredElsewhere(e) || wa.ToConversa(e).Code != conversa.ECONFLICT {
		t.Errorf("not recognised: %+v", e)
	}
	if wa.IsRegisteredElsewhere(&wa.Error{Code: 100}) {
		t.Error("plain 100 taken for registered elsewhere")
	}
}

func TestNonGraphErrorBody(t *testing.T) {
	e := sendErr(t, 502, "<html>Bad Gateway</html>")
	if e.Code != 0 || e.HTTPStatus != 502 || !wa.Retryable(e) || !wa.IsAmbiguous(e) || wa.Permanent(e) {
		t.Errorf("502 on a send: %+v retryable=%v ambiguous=%v", e, wa.Retryable(e), wa.IsAmbiguous(e))
	}
	if ce := wa.ToConversa(e); ce.Code != conversa.EUPSTREAM {
		t.Errorf("ambiguous send maps to %q", ce.Code)
	}
}

func TestToConversa(t *testing.T) {
	tests := []struct {
		err  error
		code string
	}{
		{&wa.Error{Code: 131047}, conversa.EWINDOWCLOSED},
		{&wa.Error{Code: 132015}, conversa.ETEMPLATENOTAPPROVED},
		{&wa.Error{Code: 132000}, conversa.ETEMPLATEPARAMS},
		{&wa.Error{Code: 130429}, conversa.ERATELIMIT},
		{&wa.Error{Code: 131050}, conversa.EOPTEDOUT},
		{&wa.Error{Code: 190}, conversa.EUPSTREAM}, // not "unauthorized": the agent is logged in fine
		{&wa.Error{Code: 424242, Details: "new thing"}, conversa.EUPSTREAM},
		{&wa.Error{HTTPStatus: 503}, conversa.EUNAVAILABLE},
		{&wa.TransportError{Method: "GET", Err: errors.New("reset")}, conversa.EUNAVAILABLE},
		{conversa.Errorf(conversa.EINVALID, "x"), conversa.EINVALID},
		{errors.New("boom"), conversa.EINTERNAL},
	}
	for _, tt := range tests {
		if got := wa.ToConversa(tt.err); got.Code != tt.code || got.Message == "" || got.PT == "" && tt.code != conversa.EINVALID {
			t.Errorf("ToConversa(%v) = %+v, want code %s", tt.err, got, tt.code)
		}
	}
	if wa.ToConversa(nil) != nil {
		t.Error("nil error mapped")
	}
	if got := wa.ToConversa(&wa.Error{Code: 424242, Details: "new thing"}); !strings.Contains(got.Message, "new thing") || !strings.Contains(got.Message, "424242") {
		t.Errorf("unknown code message = %q", got.Message)
	}
	if got := wa.ToConversa(&wa.Error{Code: 100, Details: "Invalid parameter 'to': abc"}); !strings.Contains(got.PT, "'to': abc") {
		t.Errorf("generic 100 hides Meta's details: %q", got.PT)
	}
	if got := wa.ToConversa(&wa.Error{Code: 131047, Details: "English detail"}); strings.Contains(got.PT, "English detail") {
		t.Errorf("specific code leaks English details into pt: %q", got.PT)
	}
}

func TestFailedStatusErrorUsesCatalog(t *testing.T) {
	n := parseGolden(t, "webhooks/status_failed.json")
	st := n.Entry[0].Changes[0].Messages.Statuses[0]
	err := st.StatusError()
	if err == nil || !wa.Permanent(err) || wa.Retryable(err) {
		t.Fatalf("status error = %v", err)
	}
	if ce := wa.ToConversa(err); !strings.Contains(ce.PT, "marketing") {
		t.Errorf("pt = %q", ce.PT)
	}
}
