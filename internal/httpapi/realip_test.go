package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/store/storetest"
)

// Behind a trusted load balancer, lockout sees the people in
// X-Forwarded-For: an attacker locks out only their own address. Without
// one configured, the header is anyone's to write and is ignored.
func TestLockoutBehindTrustedProxy(t *testing.T) {
	proxies, err := httpapi.ParseTrustedProxies("192.0.2.0/24, 10.0.0.5") // httptest's peer is 192.0.2.1
	if err != nil {
		t.Fatal(err)
	}
	behind := func(e *env, c *httpapi.Config) { c.TrustedProxies = proxies }
	login := func(e *env, password, forwardedFor string) int {
		return e.do(req{method: "POST", path: "/api/v1/auth/login", header: map[string]string{"X-Forwarded-For": forwardedFor},
			body: map[string]string{"domain": "alpha", "email": "admin@alpha.com", "password": password}}).Code
	}
	t.Run("trusted", func(t *testing.T) {
		e := newEnv(t, storetest.SQLite(t), auth.Config{}, behind)
		for range 5 {
			login(e, "guess", "203.0.113.7, 10.0.0.5") // the client, then our own second proxy
		}
		if code := login(e, pass, "203.0.113.7"); code != http.StatusTooManyRequests {
			t.Fatalf("the guessing address: %d", code)
		}
		if code := login(e, pass, "198.51.100.20"); code != http.StatusOK {
			t.Fatalf("the admin's own address: %d", code)
		}
		// A client cannot pass itself off as another by writing the header:
		// the nearest hop not ours is what counts.
		for range 5 {
			login(e, "guess", "198.51.100.20, 203.0.113.9")
		}
		if code := login(e, pass, "198.51.100.20"); code != http.StatusOK {
			t.Fatalf("a forged first hop locked out the address it named: %d", code)
		}
	})
	t.Run("untrusted", func(t *testing.T) {
		e := newEnv(t, storetest.SQLite(t), auth.Config{})
		for range 5 {
			login(e, "guess", "203.0.113.7")
		}
		rec := e.do(req{method: "POST", path: "/api/v1/auth/login", header: map[string]string{"X-Forwarded-For": "198.51.100.20"},
			body: map[string]string{"domain": "alpha", "email": "admin@alpha.com", "password": pass}})
		wantError(t, rec, http.StatusTooManyRequests, conversa.ELOCKED)
	})
	if _, err := httpapi.ParseTrustedProxies("10.0.0.0/8, not-an-ip"); err == nil {
		t.Fatal("a bad proxy list was accepted")
	}
}
