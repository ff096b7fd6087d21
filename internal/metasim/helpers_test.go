package metasim

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// env is a simulator behind a real HTTP server, with its test account.
type env struct {
	t   *testing.T
	sim *Sim
	srv *httptest.Server
	acc Account
}

func newEnv(t *testing.T, opts Options) *env {
	t.Helper()
	if opts.WebhookRetryBase == 0 {
		opts.WebhookRetryBase = 5 * time.Millisecond
	}
	sim, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	sim.SetPublicURL(srv.URL)
	t.Cleanup(func() {
		srv.Close()
		_ = sim.Close()
	})
	return &env{t: t, sim: sim, srv: srv, acc: sim.TestAccount()}
}

// call makes a Graph or control request; body may be a string or a value
// to encode. It returns the status and the decoded JSON object.
func (e *env) call(method, path, token string, body any) (int, map[string]any) {
	e.t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	default:
		raw, _ := json.Marshal(b)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, e.srv.URL+path, rd)
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Fatal(err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	var out map[string]any
	if len(raw) > 0 && raw[0] == '{' {
		if err := json.Unmarshal(raw, &out); err != nil {
			e.t.Fatalf("%s %s: bad JSON %q", method, path, raw)
		}
	}
	return resp.StatusCode, out
}

// graph calls the versioned Graph API with the test account's token.
func (e *env) graph(method, path string, body any) (int, map[string]any) {
	e.t.Helper()
	return e.call(method, "/v23.0/"+strings.TrimPrefix(path, "/"), e.acc.AccessToken, body)
}

func (e *env) send(body map[string]any) (int, map[string]any) {
	e.t.Helper()
	body["messaging_product"] = "whatsapp"
	return e.graph("POST", e.acc.PhoneNumberID+"/messages", body)
}

func text(to, msg string) map[string]any {
	return map[string]any{"to": to, "type": "text", "text": map[string]any{"body": msg}}
}

func tpl(to, name, lang string, components ...map[string]any) map[string]any {
	t := map[string]any{"name": name, "language": map[string]any{"code": lang}}
	if len(components) > 0 {
		t["components"] = components
	}
	return map[string]any{"to": to, "type": "template", "template": t}
}

func bodyParams(vals ...string) map[string]any {
	var ps []map[string]any
	for _, v := range vals {
		ps = append(ps, map[string]any{"type": "text", "text": v})
	}
	return map[string]any{"type": "body", "parameters": ps}
}

// errCode extracts error.code from a Graph error body.
func errCode(body map[string]any) int {
	e, _ := body["error"].(map[string]any)
	c, _ := e["code"].(float64)
	return int(c)
}

func wamidOf(body map[string]any) string {
	ms, _ := body["messages"].([]any)
	if len(ms) == 0 {
		return ""
	}
	return ms[0].(map[string]any)["id"].(string)
}

// customer makes a customer write to the test number (opens the window).
func (e *env) customer(from, msg string) string {
	e.t.Helper()
	id, err := e.sim.CustomerSend(CustomerMessage{From: from, Name: "Ana", Text: msg})
	if err != nil {
		e.t.Fatal(err)
	}
	return id
}

// hookSink is a webhook receiver that checks the signature of every POST.
type hookSink struct {
	t        *testing.T
	secret   string
	srv      *httptest.Server
	mu       sync.Mutex
	bodies   []map[string]any
	raw      [][]byte
	failFor  int // answer 500 to this many POSTs first
	badSig   int
	attempts []time.Time // every signed POST, failed or not
}

func newHookSink(t *testing.T, secret string) *hookSink {
	h := &hookSink{t: t, secret: secret}
	h.srv = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.srv.Close)
	return h
}

func (h *hookSink) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		if r.URL.Query().Get("hub.verify_token") != "vt" {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
		return
	}
	raw, _ := io.ReadAll(r.Body)
	m := hmac.New(sha256.New, []byte(h.secret))
	m.Write(raw)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	h.mu.Lock()
	defer h.mu.Unlock()
	if r.Header.Get("X-Hub-Signature-256") != want {
		h.badSig++
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	h.attempts = append(h.attempts, time.Now())
	if h.failFor > 0 {
		h.failFor--
		http.Error(w, "try later", http.StatusInternalServerError)
		return
	}
	var body map[string]any
	if err := json.Unmarshal(raw, &body); err != nil {
		h.t.Errorf("webhook body is not JSON: %q", raw)
	}
	h.bodies = append(h.bodies, body)
	h.raw = append(h.raw, raw)
}

// subscribe points the test account's webhooks at the sink.
func (e *env) subscribe(h *hookSink) {
	e.t.Helper()
	st, body := e.graph("POST", e.acc.WABAID+"/subscribed_apps",
		map[string]any{"override_callback_uri": h.srv.URL, "verify_token": "vt"})
	if st != 200 {
		e.t.Fatalf("subscribe: %d %v", st, body)
	}
}

// subscribedAfterTemplate is a simulator whose webhooks go to a sink, after
// a pedido_enviado template to ana (customers reply to its wamid).
func subscribedAfterTemplate(t *testing.T) (*env, *hookSink, string) {
	t.Helper()
	e := newEnv(t, Options{})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	st, resp := e.send(tpl(ana, "pedido_enviado", "pt_BR", bodyParams("Ana", "#1")))
	if st != 200 {
		t.Fatal(st, resp)
	}
	return e, h, wamidOf(resp)
}

// values returns the change values received so far for a field.
func (h *hookSink) values(field string) []map[string]any {
	h.mu.Lock()
	defer h.mu.Unlock()
	var out []map[string]any
	for _, b := range h.bodies {
		for _, en := range b["entry"].([]any) {
			for _, ch := range en.(map[string]any)["changes"].([]any) {
				c := ch.(map[string]any)
				if c["field"] == field {
					out = append(out, c["value"].(map[string]any))
				}
			}
		}
	}
	return out
}

// statuses returns received statuses as "wamid:status" → status object.
func (h *hookSink) statuses() map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, v := range h.values("messages") {
		sts, _ := v["statuses"].([]any)
		for _, s := range sts {
			st := s.(map[string]any)
			out[st["id"].(string)+":"+st["status"].(string)] = st
		}
	}
	return out
}

// waitFor polls cond for up to 3 s (webhooks are asynchronous).
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(2 * time.Millisecond)
	}
}

func (h *hookSink) waitStatus(t *testing.T, wamid, status string) map[string]any {
	t.Helper()
	var st map[string]any
	waitFor(t, wamid+" "+status, func() bool {
		st = h.statuses()[wamid+":"+status]
		return st != nil
	})
	return st
}

// uploadMedia POSTs a file to /{phone-number-id}/media and returns its id.
func uploadMedia(t *testing.T, e *env, data []byte, mime string) string {
	t.Helper()
	id, _ := uploadMediaBody(t, e, data, mime)["id"].(string)
	if id == "" {
		t.Fatal("upload answered no id")
	}
	return id
}

// uploadMediaBody uploads a file and returns the decoded answer as sent.
func uploadMediaBody(t *testing.T, e *env, data []byte, mime string) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	_ = mw.WriteField("messaging_product", "whatsapp")
	_ = mw.WriteField("type", mime)
	fw, _ := mw.CreateFormFile("file", "file.bin")
	_, _ = fw.Write(data)
	_ = mw.Close()
	req, _ := http.NewRequest("POST", e.srv.URL+"/v23.0/"+e.acc.PhoneNumberID+"/media", &buf)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Authorization", "Bearer "+e.acc.AccessToken)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var out map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil || resp.StatusCode != 200 {
		t.Fatalf("upload: %d %v %v", resp.StatusCode, out, err)
	}
	return out
}
