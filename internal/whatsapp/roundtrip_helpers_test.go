package whatsapp_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/metasim"
	wa "github.com/conversa/conversa/internal/whatsapp"
)

// rt is the client talking to a live simulator, with a webhook receiver
// that verifies and parses every delivery with this package's code.
type rt struct {
	sim  *metasim.Sim
	acc  metasim.Account
	c    *wa.Client
	hook *hookSink
}

func newRT(t *testing.T) *rt {
	t.Helper()
	sim, err := metasim.New(metasim.Options{WebhookRetryBase: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(sim.Handler())
	sim.SetPublicURL(srv.URL)
	t.Cleanup(func() {
		srv.Close()
		_ = sim.Close()
	})
	acc := sim.TestAccount()
	c, err := wa.New(wa.Config{BaseURL: acc.GraphURL, RetryBaseDelay: time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	hook := newHookSink(t, acc.AppSecret, "verify-me")
	if err := sim.SetCallback(hook.URL, "verify-me"); err != nil {
		t.Fatalf("callback handshake: %v", err)
	}
	return &rt{sim: sim, acc: acc, c: c, hook: hook}
}

// hookSink is Conversa's webhook endpoint in miniature: handshake,
// signature check, parse.
type hookSink struct {
	*httptest.Server
	secret, verify string

	mu         sync.Mutex
	events     []wa.Event
	badSig     int
	handshakes int
}

func newHookSink(t *testing.T, secret, verify string) *hookSink {
	h := &hookSink{secret: secret, verify: verify}
	h.Server = httptest.NewServer(http.HandlerFunc(h.serve))
	t.Cleanup(h.Close)
	return h
}

func (h *hookSink) serve(w http.ResponseWriter, r *http.Request) {
	if r.Method == http.MethodGet {
		challenge, ok := wa.VerifyChallenge(r.URL.Query(), h.verify)
		if !ok {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		h.mu.Lock()
		h.handshakes++
		h.mu.Unlock()
		_, _ = io.WriteString(w, challenge)
		return
	}
	body, _ := io.ReadAll(r.Body)
	if !wa.VerifySignature(h.secret, body, r.Header.Get(wa.SignatureHeader)) {
		h.mu.Lock()
		h.badSig++
		h.mu.Unlock()
		http.Error(w, "bad signature", http.StatusUnauthorized)
		return
	}
	n, err := wa.ParseWebhook(body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	h.mu.Lock()
	for ev := range n.Events() {
		h.events = append(h.events, ev)
	}
	h.mu.Unlock()
}

func (h *hookSink) handshakeCount() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return h.handshakes
}

// wait returns the first event matching pred, polling until a deadline.
func (h *hookSink) wait(t *testing.T, what string, pred func(wa.Event) bool) wa.Event {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		h.mu.Lock()
		for _, ev := range h.events {
			if pred(ev) {
				h.mu.Unlock()
				return ev
			}
		}
		bad := h.badSig
		h.mu.Unlock()
		if bad > 0 {
			t.Fatalf("%d webhook(s) failed signature verification", bad)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no webhook event: %s", what)
	return wa.Event{}
}

// status waits for a status of a wamid.
func (h *hookSink) status(t *testing.T, wamid, status string) *wa.Status {
	t.Helper()
	return h.wait(t, status+" of "+wamid, func(ev wa.Event) bool {
		return ev.Status != nil && ev.Status.ID == wamid && ev.Status.Status == status
	}).Status
}
