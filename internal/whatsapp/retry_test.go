package whatsapp_test

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	wa "github.com/conversa/conversa/internal/whatsapp"
)

func TestGETRetriesTransientFailures(t *testing.T) {
	f := newFakeGraph(t,
		reply{status: 503, body: `{"error":{"code":131016,"message":"Service unavailable"}}`},
		reply{status: 500, body: `oops`},
		ok(string(golden(t, "api/media_info.json"))))
	m, err := newClient(t, f.URL).GetMedia(context.Background(), "T", "1037543291543636")
	if err != nil {
		t.Fatal(err)
	}
	if n := len(f.requests()); n != 3 || m.MimeType != "image/jpeg" || m.FileSize != 12345 {
		t.Errorf("requests = %d, media = %+v", n, m)
	}
}

func TestGETDoesNotRetryPermanentErrors(t *testing.T) {
	f := newFakeGraph(t, reply{status: 401, body: string(golden(t, "errors/190.json"))})
	_, err := newClient(t, f.URL).GetMedia(context.Background(), "T", "1")
	if !wa.ChannelProblem(err) || len(f.requests()) != 1 {
		t.Errorf("err = %v after %d requests", err, len(f.requests()))
	}
}

func TestGETGivesUpAfterMaxRetries(t *testing.T) {
	f := newFakeGraph(t, reply{status: 500, body: `{"error":{"code":131000,"message":"Something went wrong"}}`})
	_, err := newClient(t, f.URL).GetMedia(context.Background(), "T", "1")
	if !wa.Retryable(err) || len(f.requests()) != 1+wa.DefaultMaxRetries {
		t.Errorf("err = %v after %d requests", err, len(f.requests()))
	}
}

func TestRetryBackOffHonorsContext(t *testing.T) {
	// Retry-After of 60 s: the wait must end with the caller's context.
	f := newFakeGraph(t, reply{status: 503, body: `{}`, header: map[string]string{"Retry-After": "60"}})
	c, _ := wa.New(wa.Config{BaseURL: f.URL})
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.GetMedia(ctx, "T", "1")
	if err == nil || time.Since(start) > 2*time.Second || len(f.requests()) != 1 {
		t.Errorf("err = %v after %v and %d requests", err, time.Since(start), len(f.requests()))
	}
}

func TestPOSTIsNeverRetried(t *testing.T) {
	f := newFakeGraph(t, reply{status: 500, body: `{"error":{"code":131000,"message":"Something went wrong"}}`})
	_, err := newClient(t, f.URL).Send(context.Background(), "T", "1", wa.Message{To: "1", Text: &wa.Text{Body: "x"}})
	if !wa.Retryable(err) || len(f.requests()) != 1 {
		t.Errorf("err = %v after %d requests", err, len(f.requests()))
	}
}

// A server that reads the whole request and hangs up without answering:
// the message may have been sent, so the failure is ambiguous and the
// client must not have sent it a second time.
func TestSendHangUpAfterBodyIsAmbiguousAndNotRetried(t *testing.T) {
	var hits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		_, _ = io.ReadAll(r.Body)
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	}))
	defer srv.Close()
	_, err := newClient(t, srv.URL).Send(context.Background(), "T", "1", wa.Message{To: "1", Text: &wa.Text{Body: "x"}})
	var te *wa.TransportError
	if !errors.As(err, &te) || !wa.IsAmbiguous(err) || wa.Permanent(err) {
		t.Fatalf("err = %v (ambiguous=%v)", err, wa.IsAmbiguous(err))
	}
	if hits.Load() != 1 {
		t.Errorf("server saw %d requests, want exactly 1", hits.Load())
	}
}

func TestSendTimeoutAfterWriteIsAmbiguous(t *testing.T) {
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.ReadAll(r.Body)
		<-release
	}))
	defer srv.Close()
	defer close(release)
	c, _ := wa.New(wa.Config{BaseURL: srv.URL, Timeout: 100 * time.Millisecond})
	_, err := c.Send(context.Background(), "T", "1", wa.Message{To: "1", Text: &wa.Text{Body: "x"}})
	var te *wa.TransportError
	if !errors.As(err, &te) || !te.Timeout() || !wa.IsAmbiguous(err) {
		t.Fatalf("err = %v", err)
	}
}

func TestSendConnectionRefusedIsNotAmbiguous(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	_, err = newClient(t, "http://"+addr).Send(context.Background(), "T", "1", wa.Message{To: "1", Text: &wa.Text{Body: "x"}})
	if err == nil || wa.IsAmbiguous(err) || !wa.Retryable(err) {
		t.Errorf("err = %v ambiguous=%v", err, wa.IsAmbiguous(err))
	}
}

func TestOAuthExchange(t *testing.T) {
	// Meta's onboarding page shows the exchanged token alone; this is the
	// JSON Graph's OAuth endpoint answers with (not a Meta example).
	f := newFakeGraph(t, ok(`{"access_token":"EAAJi...","token_type":"bearer","expires_in":5183944}`))
	tok, err := newClient(t, f.URL).ExchangeCode(context.Background(), "APP", "S3CRET", "CODE")
	if err != nil || tok.AccessToken != "EAAJi..." || tok.ExpiresIn != 5183944 {
		t.Fatalf("token = %+v, err = %v", tok, err)
	}
	r := f.last(t)
	if r.Method != "GET" || r.Path != "/v23.0/oauth/access_token" || r.RawQuery != "client_id=APP&client_secret=S3CRET&code=CODE" || r.Auth != "" {
		t.Errorf("request = %+v", r)
	}
}

// The exchange is not retried (single-use code) and a network error never
// prints the app secret that travels in the query string.
func TestOAuthExchangeFailureHidesSecret(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		conn, _, _ := w.(http.Hijacker).Hijack()
		conn.Close()
	}))
	defer srv.Close()
	_, err := newClient(t, srv.URL).ExchangeCode(context.Background(), "APP", "S3CRET", "CODE")
	if err == nil || strings.Contains(err.Error(), "S3CRET") || strings.Contains(err.Error(), "CODE") {
		t.Errorf("err = %v", err)
	}
}

func TestNewRejectsBadBaseURL(t *testing.T) {
	for _, u := range []string{"ftp://x", "graph.facebook.com", "http://"} {
		if _, err := wa.New(wa.Config{BaseURL: u}); err == nil {
			t.Errorf("base %q accepted", u)
		}
	}
	c, err := wa.New(wa.Config{})
	if err != nil || c.Version() != wa.DefaultVersion {
		t.Errorf("zero config: %v %v", c, err)
	}
}
