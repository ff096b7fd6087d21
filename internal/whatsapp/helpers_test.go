package whatsapp_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"reflect"
	"sync"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/whatsapp"
)

// golden reads testdata/<name>.
func golden(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// jsonEqual compares two JSON documents semantically.
func jsonEqual(t *testing.T, got, want []byte) {
	t.Helper()
	var g, w any
	if err := json.Unmarshal(got, &g); err != nil {
		t.Fatalf("got is not JSON: %v\n%s", err, got)
	}
	if err := json.Unmarshal(want, &w); err != nil {
		t.Fatalf("want is not JSON: %v", err)
	}
	if !reflect.DeepEqual(g, w) {
		t.Errorf("JSON differs\n got: %s\nwant: %s", compact(got), compact(want))
	}
}

func compact(b []byte) string {
	var v any
	_ = json.Unmarshal(b, &v)
	out, _ := json.Marshal(v)
	return string(out)
}

// recorded is one request a fake Graph server saw.
type recorded struct {
	Method, Path, RawQuery, Auth, ContentType string
	Body                                      []byte
}

// fakeGraph answers every request with the next canned reply (the last one
// repeats) and records what it was asked.
type fakeGraph struct {
	*httptest.Server
	mu      sync.Mutex
	reqs    []recorded
	replies []reply
}

type reply struct {
	status int
	body   string
	header map[string]string
}

func ok(body string) reply { return reply{status: 200, body: body} }

func newFakeGraph(t *testing.T, replies ...reply) *fakeGraph {
	t.Helper()
	f := &fakeGraph{replies: replies}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeGraph) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(r.Body)
	f.mu.Lock()
	f.reqs = append(f.reqs, recorded{r.Method, r.URL.EscapedPath(), r.URL.RawQuery, r.Header.Get("Authorization"), r.Header.Get("Content-Type"), body})
	rp := f.replies[min(len(f.reqs), len(f.replies))-1]
	f.mu.Unlock()
	for k, v := range rp.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rp.status)
	_, _ = io.WriteString(w, rp.body)
}

// setReplies replaces the canned replies and forgets earlier requests.
func (f *fakeGraph) setReplies(r ...reply) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.replies, f.reqs = r, nil
}

func (f *fakeGraph) requests() []recorded {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]recorded(nil), f.reqs...)
}

func (f *fakeGraph) last(t *testing.T) recorded {
	t.Helper()
	r := f.requests()
	if len(r) == 0 {
		t.Fatal("no request reached the server")
	}
	return r[len(r)-1]
}

// newClient is a client for url with fast retries.
func newClient(t *testing.T, url string) *whatsapp.Client {
	t.Helper()
	c, err := whatsapp.New(whatsapp.Config{BaseURL: url, Version: "v23.0", RetryBaseDelay: time.Millisecond, Timeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	return c
}
