package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

func loginBody(domain, email, password string) map[string]string {
	return map[string]string{"domain": domain, "email": email, "password": password}
}

func TestLogin(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: loginBody("ALPHA", "Admin@Alpha.com", pass)})
		wantStatus(t, rec, http.StatusOK)
		got := decode[struct {
			Token string
			User  struct {
				ID          int64
				Email, Role string
			}
			Company struct {
				ID     int64
				Domain string
			}
		}](t, rec)
		if len(got.Token) < 40 || got.User.Email != "admin@alpha.com" || got.User.Role != "admin" || got.Company.Domain != "alpha" {
			t.Fatalf("login body %s", rec.Body)
		}
		if strings.Contains(rec.Body.String(), "password") || strings.Contains(rec.Body.String(), "argon2") {
			t.Fatalf("login body leaks a secret: %s", rec.Body)
		}
		cookies := rec.Result().Cookies()
		if len(cookies) != 1 {
			t.Fatalf("cookies %v", cookies)
		}
		c := cookies[0]
		if c.Name != auth.CookieName || c.Value != got.Token || !c.HttpOnly || c.SameSite != http.SameSiteLaxMode || c.Path != "/" || c.Secure {
			t.Fatalf("cookie %+v", c)
		}
		// Whatever part is wrong, the answer is the same.
		var bodies []string
		for _, in := range []map[string]string{
			loginBody("nope", "admin@alpha.com", pass),
			loginBody("alpha", "nobody@alpha.com", pass),
			loginBody("alpha", "admin@alpha.com", "wrong-password"),
			loginBody("beta", "admin@alpha.com", pass), // right user, other company
		} {
			rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: in})
			wantError(t, rec, http.StatusUnauthorized, conversa.EUNAUTHORIZED)
			if len(rec.Result().Cookies()) != 0 {
				t.Fatalf("failed login set a cookie")
			}
			bodies = append(bodies, rec.Body.String())
		}
		for _, b := range bodies[1:] {
			if b != bodies[0] {
				t.Fatalf("bodies differ: %q vs %q", b, bodies[0])
			}
		}
	})
}

func TestSecureCookieWhenConfigured(t *testing.T) {
	e := newEnv(t, storetest.SQLite(t), auth.Config{SecureCookies: true})
	rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: loginBody("alpha", "admin@alpha.com", pass)})
	wantStatus(t, rec, http.StatusOK)
	if c := rec.Result().Cookies(); len(c) != 1 || !c[0].Secure {
		t.Fatalf("cookie %+v", c)
	}
}

func TestCookieBearerAndLogout(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		token := e.login("alpha", "agent@alpha.com")
		wantError(t, e.do(req{method: "GET", path: "/api/v1/auth/me"}), http.StatusUnauthorized, conversa.EUNAUTHORIZED)
		wantError(t, e.do(req{method: "GET", path: "/api/v1/auth/me", token: "forged"}), http.StatusUnauthorized, conversa.EUNAUTHORIZED)

		rec := e.do(req{method: "GET", path: "/api/v1/auth/me", token: token})
		wantStatus(t, rec, http.StatusOK)
		if me := decode[struct{ User struct{ Email string } }](t, rec); me.User.Email != "agent@alpha.com" {
			t.Fatalf("me %s", rec.Body)
		}
		cookie := map[string]string{"Cookie": auth.CookieName + "=" + token}
		wantStatus(t, e.do(req{method: "GET", path: "/api/v1/auth/me", header: cookie}), http.StatusOK)

		rec = e.do(req{method: "POST", path: "/api/v1/auth/logout", header: cookie})
		wantStatus(t, rec, http.StatusNoContent)
		if c := rec.Result().Cookies(); len(c) != 1 || c[0].MaxAge >= 0 {
			t.Fatalf("logout did not clear the cookie: %+v", c)
		}
		// Cookie and bearer were one session: both are gone.
		wantError(t, e.do(req{method: "GET", path: "/api/v1/auth/me", token: token}), http.StatusUnauthorized, conversa.EUNAUTHORIZED)
		wantError(t, e.do(req{method: "GET", path: "/api/v1/auth/me", header: cookie}), http.StatusUnauthorized, conversa.EUNAUTHORIZED)
	})
}

func TestLockoutOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		for _, email := range []string{"agent@alpha.com", "ghost@alpha.com"} {
			for range 5 {
				rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: loginBody("alpha", email, "bad-guess")})
				wantError(t, rec, http.StatusUnauthorized, conversa.EUNAUTHORIZED)
			}
			rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: loginBody("alpha", email, pass)})
			wantError(t, rec, http.StatusTooManyRequests, conversa.ELOCKED)
		}
		// Other identities are unaffected.
		e.login("alpha", "sup@alpha.com")
		e.clock.Advance(16 * time.Minute)
		e.login("alpha", "agent@alpha.com")
	})
}

func TestStepUpOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		token := e.login("alpha", "admin@alpha.com")
		reset := req{method: "POST", path: idPath("/api/v1/users/%d/password", e.users["agent@alpha.com"].ID), token: token,
			body: map[string]string{"password": "brand-new-pass"}}
		wantError(t, e.do(reset), http.StatusForbidden, conversa.EREAUTH)

		wantError(t, e.do(req{method: "POST", path: "/api/v1/auth/reauth", token: token, body: map[string]string{"password": "nope-nope"}}),
			http.StatusUnauthorized, conversa.EUNAUTHORIZED)
		wantStatus(t, e.do(req{method: "POST", path: "/api/v1/auth/reauth", token: token, body: map[string]string{"password": pass}}), http.StatusOK)
		wantStatus(t, e.do(reset), http.StatusNoContent)

		e.clock.Advance(5*time.Minute + time.Second)
		wantError(t, e.do(reset), http.StatusForbidden, conversa.EREAUTH)

		// The reset took effect and ended the agent's sessions.
		rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: loginBody("alpha", "agent@alpha.com", "brand-new-pass")})
		wantStatus(t, rec, http.StatusOK)
	})
}

func TestChangePasswordOverHTTP(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		token := e.login("alpha", "agent@alpha.com")
		other := e.login("alpha", "agent@alpha.com")
		change := func(current, next string) req {
			return req{method: "POST", path: "/api/v1/auth/password", token: token,
				body: map[string]string{"current_password": current, "new_password": next}}
		}
		wantError(t, e.do(change("wrong-current", "new-password-1")), http.StatusUnauthorized, conversa.EUNAUTHORIZED)
		wantError(t, e.do(change(pass, "short")), http.StatusBadRequest, conversa.EINVALID)
		wantStatus(t, e.do(change(pass, "new-password-1")), http.StatusNoContent)
		wantStatus(t, e.do(req{method: "GET", path: "/api/v1/auth/me", token: token}), http.StatusOK)
		wantError(t, e.do(req{method: "GET", path: "/api/v1/auth/me", token: other}), http.StatusUnauthorized, conversa.EUNAUTHORIZED)
	})
}

func TestDeactivatedUserIsLoggedOut(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, auth.Config{})
		agent := e.login("alpha", "agent@alpha.com")
		admin := e.login("alpha", "admin@alpha.com")
		wantStatus(t, e.do(req{method: "PATCH", path: idPath("/api/v1/users/%d", e.users["agent@alpha.com"].ID), token: admin,
			body: map[string]any{"active": false}}), http.StatusOK)
		wantError(t, e.do(req{method: "GET", path: "/api/v1/auth/me", token: agent}), http.StatusUnauthorized, conversa.EUNAUTHORIZED)
		wantError(t, e.do(req{method: "POST", path: "/api/v1/auth/login", body: loginBody("alpha", "agent@alpha.com", pass)}),
			http.StatusUnauthorized, conversa.EUNAUTHORIZED)
	})
}
