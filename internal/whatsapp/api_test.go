package whatsapp_test

import (
	"context"
	"encoding/json"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	wa "github.com/conversa/conversa/internal/whatsapp"
)

var ctx = context.Background()

func TestCreateTemplateBodiesMatchExamples(t *testing.T) {
	for _, name := range []string{"api/template_create_request.json", "api/template_create_named_request.json",
		"api/template_create_lto_request.json", "api/template_create_coupon_request.json"} {
		t.Run(name, func(t *testing.T) {
			var tpl wa.MessageTemplate
			if err := json.Unmarshal(golden(t, name), &tpl); err != nil {
				t.Fatal(err)
			}
			tpl.Status, tpl.ID = "APPROVED", "should-not-be-sent"
			f := newFakeGraph(t, ok(string(golden(t, "api/template_create_response.json"))))
			res, err := newClient(t, f.URL).CreateTemplate(ctx, "T", "102290129340398", tpl)
			if err != nil || res.ID != "546151681022936" || res.Status != "PENDING" || res.Category != "UTILITY" {
				t.Fatalf("res = %+v, err = %v", res, err)
			}
			r := f.last(t)
			if r.Method != "POST" || r.Path != "/v23.0/102290129340398/message_templates" {
				t.Errorf("%s %s", r.Method, r.Path)
			}
			jsonEqual(t, r.Body, golden(t, name))
		})
	}
}

func TestCopyCodeExampleIsAString(t *testing.T) {
	b, _ := json.Marshal(wa.TemplateButton{Type: "COPY_CODE", Example: wa.Examples{"250FF"}})
	jsonEqual(t, b, []byte(`{"type":"COPY_CODE","example":"250FF"}`))
	var back wa.TemplateButton
	if err := json.Unmarshal(b, &back); err != nil || back.Example[0] != "250FF" {
		t.Errorf("round trip = %+v, %v", back, err)
	}
}

func TestListTemplatesPaging(t *testing.T) {
	f := newFakeGraph(t, ok(string(golden(t, "api/templates_list_page1.json"))), ok(string(golden(t, "api/templates_list_page2.json"))))
	c := newClient(t, f.URL)
	page, err := c.ListTemplates(ctx, "T", "102290129340398", wa.TemplateQuery{Limit: 2, Status: "APPROVED"})
	if err != nil || len(page.Data) != 2 || page.Paging.Cursors.After != "MjQZD" || page.Data[1].RejectedReason != "PROMOTIONAL" {
		t.Fatalf("page = %+v, err = %v", page, err)
	}
	if q := f.last(t).RawQuery; q != "limit=2&status=APPROVED" {
		t.Errorf("query = %q", q)
	}
	f = newFakeGraph(t, ok(string(golden(t, "api/templates_list_page1.json"))), ok(string(golden(t, "api/templates_list_page2.json"))))
	all, err := newClient(t, f.URL).AllTemplates(ctx, "T", "102290129340398", wa.TemplateQuery{})
	if err != nil || len(all) != 3 || all[2].Status != "PAUSED" {
		t.Fatalf("all = %+v, err = %v", all, err)
	}
	if q := f.last(t).RawQuery; q != "after=MjQZD" {
		t.Errorf("second page query = %q", q)
	}
	if b := all[0].Components[0].Example.BodyText[0][1]; b != "#12345" {
		t.Errorf("example = %q", b)
	}
}

func TestEditAndDeleteTemplate(t *testing.T) {
	f := newFakeGraph(t, ok(`{"success":true}`))
	c := newClient(t, f.URL)
	if err := c.EditTemplate(ctx, "T", "572279198452421", wa.TemplateEdit{Components: []wa.TemplatePart{{Type: "BODY", Text: "Oi {{1}}", Example: &wa.TemplateExample{BodyText: [][]string{{"Ana"}}}}}}); err != nil {
		t.Fatal(err)
	}
	r := f.last(t)
	if r.Method != "POST" || r.Path != "/v23.0/572279198452421" {
		t.Errorf("%s %s", r.Method, r.Path)
	}
	jsonEqual(t, r.Body, []byte(`{"components":[{"type":"BODY","text":"Oi {{1}}","example":{"body_text":[["Ana"]]}}]}`))
	if err := c.DeleteTemplate(ctx, "T", "102290129340398", "pedido_enviado", ""); err != nil {
		t.Fatal(err)
	}
	if r := f.last(t); r.Method != "DELETE" || r.Path != "/v23.0/102290129340398/message_templates" || r.RawQuery != "name=pedido_enviado" {
		t.Errorf("%s %s?%s", r.Method, r.Path, r.RawQuery)
	}
	_ = c.DeleteTemplate(ctx, "T", "102290129340398", "pedido_enviado", "572279198452421")
	if q := f.last(t).RawQuery; q != "hsm_id=572279198452421&name=pedido_enviado" {
		t.Errorf("query = %q", q)
	}
}

func TestOnboardingCalls(t *testing.T) {
	success := ok(`{"success":true}`)
	tests := []struct {
		name       string
		reply      reply
		call       func(*wa.Client) error
		method     string
		path, body string
	}{
		{"request_code", success, func(c *wa.Client) error { return c.RequestCode(ctx, "T", "P1", wa.CodeSMS, "pt_BR") },
			"POST", "/v23.0/P1/request_code", `{"code_method":"SMS","language":"pt_BR"}`},
		{"request_code voice", success, func(c *wa.Client) error { return c.RequestCode(ctx, "T", "P1", wa.CodeVoice, "en_US") },
			"POST", "/v23.0/P1/request_code", `{"code_method":"VOICE","language":"en_US"}`},
		{"verify_code", success, func(c *wa.Client) error { return c.VerifyCode(ctx, "T", "P1", "123456") },
			"POST", "/v23.0/P1/verify_code", `{"code":"123456"}`},
		{"register", success, func(c *wa.Client) error { return c.Register(ctx, "T", "P1", "123456") },
			"POST", "/v23.0/P1/register", `{"messaging_product":"whatsapp","pin":"123456"}`},
		{"deregister", success, func(c *wa.Client) error { return c.Deregister(ctx, "T", "P1") },
			"POST", "/v23.0/P1/deregister", ``},
		{"subscribe", success, func(c *wa.Client) error { return c.SubscribeApp(ctx, "T", "W1", wa.Subscription{}) },
			"POST", "/v23.0/W1/subscribed_apps", ``},
		{"subscribe override", success, func(c *wa.Client) error {
			return c.SubscribeApp(ctx, "T", "W1", wa.Subscription{OverrideCallbackURI: "https://x.example/hook", VerifyToken: "vt"})
		}, "POST", "/v23.0/W1/subscribed_apps", `{"override_callback_uri":"https://x.example/hook","verify_token":"vt"}`},
		{"unsubscribe", success, func(c *wa.Client) error { return c.UnsubscribeApp(ctx, "T", "W1") },
			"DELETE", "/v23.0/W1/subscribed_apps", ``},
		{"add phone", ok(string(golden(t, "api/add_phone_number_response.json"))), func(c *wa.Client) error {
			id, err := c.AddPhoneNumber(ctx, "T", "W1", wa.NewPhoneNumber{CC: "55", PhoneNumber: "11987654321", VerifiedName: "Minha Empresa"})
			if id != "106540352242924" {
				t.Errorf("id = %q", id)
			}
			return err
		}, "POST", "/v23.0/W1/phone_numbers", `{"cc":"55","phone_number":"11987654321","verified_name":"Minha Empresa"}`},
		{"create waba", ok(string(golden(t, "api/waba_create_response.json"))), func(c *wa.Client) error {
			w, err := c.CreateWABA(ctx, "T", "B1", wa.NewWABA{Name: "My Business WhatsApp Account", Currency: "USD", TimezoneID: 1})
			if w == nil || w.ID != "1234567890123456" || w.Name != "My Business WhatsApp Account" || w.TimezoneID != "1" {
				t.Errorf("waba = %+v", w)
			}
			return err
		}, "POST", "/v23.0/B1/whatsapp_business_accounts", string(golden(t, "api/waba_create_request.json"))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFakeGraph(t, tt.reply)
			if err := tt.call(newClient(t, f.URL)); err != nil {
				t.Fatal(err)
			}
			r := f.last(t)
			if r.Method != tt.method || r.Path != tt.path || r.Auth != "Bearer T" {
				t.Errorf("%s %s auth=%q", r.Method, r.Path, r.Auth)
			}
			if tt.body == "" && len(r.Body) != 0 {
				t.Errorf("body = %s, want none", r.Body)
			} else if tt.body != "" {
				jsonEqual(t, r.Body, []byte(tt.body))
			}
		})
	}
}

func TestReadOnboardingObjects(t *testing.T) {
	f := newFakeGraph(t, ok(string(golden(t, "api/phone_number.json"))))
	c := newClient(t, f.URL)
	p, err := c.GetPhoneNumber(ctx, "T", "106540352242922")
	if err != nil || p.VerifiedName != "Jasper's Market" || p.CodeVerificationStatus != "VERIFIED" || p.QualityRating != "GREEN" ||
		p.NameStatus != "APPROVED" || p.MessagingLimitTier != "TIER_1K" || p.Throughput.Level != "STANDARD" {
		t.Fatalf("phone = %+v, err = %v", p, err)
	}
	if q := f.last(t).RawQuery; !strings.HasPrefix(q, "fields=id%2Cdisplay_phone_number%2Cverified_name%2Ccode_verification_status%2Cquality_rating%2Cname_status%2Cmessaging_limit_tier") {
		t.Errorf("fields query = %q", q)
	}
	for _, tt := range []struct {
		file string
		call func() (int, error)
		path string
	}{
		{"api/phone_numbers_list.json", func() (int, error) { l, err := c.PhoneNumbers(ctx, "T", "W1"); return len(l), err }, "/v23.0/W1/phone_numbers"},
		{"api/owned_wabas.json", func() (int, error) { l, err := c.OwnedWABAs(ctx, "T", "B1"); return len(l), err }, "/v23.0/B1/owned_whatsapp_business_accounts"},
		{"api/subscribed_apps.json", func() (int, error) { l, err := c.SubscribedApps(ctx, "T", "W1"); return len(l), err }, "/v23.0/W1/subscribed_apps"},
	} {
		f.setReplies(ok(string(golden(t, tt.file))))
		n, err := tt.call()
		if err != nil || n == 0 || f.last(t).Path != tt.path {
			t.Errorf("%s: n=%d err=%v path=%s", tt.file, n, err, f.last(t).Path)
		}
	}
}

func TestMediaUploadGetDownload(t *testing.T) {
	var gotType, gotFileType, gotProduct, gotContent, gotAuth string
	mux := http.NewServeMux()
	mux.HandleFunc("POST /v23.0/P1/media", func(w http.ResponseWriter, r *http.Request) {
		_, params, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
		mr := multipart.NewReader(r.Body, params["boundary"])
		form, err := mr.ReadForm(1 << 20)
		if err != nil {
			http.Error(w, err.Error(), 400)
			return
		}
		gotProduct, gotType = form.Value["messaging_product"][0], form.Value["type"][0]
		fh := form.File["file"][0]
		gotFileType = fh.Header.Get("Content-Type")
		fd, _ := fh.Open()
		b := make([]byte, 100)
		n, _ := fd.Read(b)
		gotContent = string(b[:n])
		_, _ = w.Write(golden(t, "api/media_upload_response.json"))
	})
	var srvURL string
	mux.HandleFunc("GET /v23.0/1037543291543636", func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte(`{"messaging_product":"whatsapp","url":"` + srvURL + `/lookaside/x?mid=1","mime_type":"image/png","sha256":"s","file_size":4,"id":"1037543291543636"}`))
	})
	mux.HandleFunc("GET /lookaside/x", func(w http.ResponseWriter, r *http.Request) {
		gotAuth = r.Header.Get("Authorization")
		w.Header().Set("Content-Type", "image/png")
		_, _ = w.Write([]byte("\x89PNG"))
	})
	srv := httptest.NewServer(mux)
	defer srv.Close()
	srvURL = srv.URL
	c := newClient(t, srv.URL)
	id, err := c.UploadMedia(ctx, "T", "P1", "logo.png", "image/png", strings.NewReader("\x89PNG"))
	if err != nil || id != "1037543291543636" || gotProduct != "whatsapp" || gotType != "image/png" || gotFileType != "image/png" || gotContent != "\x89PNG" {
		t.Fatalf("upload id=%q err=%v product=%q type=%q filetype=%q", id, err, gotProduct, gotType, gotFileType)
	}
	info, err := c.GetMedia(ctx, "T", id)
	if err != nil {
		t.Fatal(err)
	}
	data, ct, err := c.DownloadMedia(ctx, "T", info.URL)
	if err != nil || string(data) != "\x89PNG" || ct != "image/png" || gotAuth != "Bearer T" {
		t.Fatalf("download = %q %q %v auth=%q", data, ct, err, gotAuth)
	}
	small, _ := wa.New(wa.Config{BaseURL: srv.URL, MaxMediaBytes: 2})
	if _, _, err := small.DownloadMedia(ctx, "T", info.URL); err == nil {
		t.Error("oversized media accepted")
	}
	if _, _, err := c.DownloadMedia(ctx, "T", "file:///etc/passwd"); err == nil {
		t.Error("non-http media URL accepted")
	}
}
