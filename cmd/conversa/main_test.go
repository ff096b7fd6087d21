package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store/storetest"
)

// startServer runs serve on 127.0.0.1:0 and returns its base URL; the
// server stops (and serve must return nil) when the test ends.
func startServer(t *testing.T, databaseURL string) (string, *bytes.Buffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	ready := make(chan string, 1)
	out := &bytes.Buffer{}
	cfg := config{Addr: "127.0.0.1:0", DataDir: t.TempDir(), DatabaseURL: databaseURL, Demo: true,
		Clock: conversa.NewShiftClock(), Logger: slog.New(slog.DiscardHandler), Out: out,
		Ready: func(addr string) { ready <- addr }}
	done := make(chan error, 1)
	go func() { done <- serve(ctx, cfg) }()
	t.Cleanup(func() {
		cancel()
		select {
		case err := <-done:
			if err != nil {
				t.Errorf("serve returned %v", err)
			}
		case <-time.After(30 * time.Second):
			t.Error("serve did not shut down")
		}
	})
	select {
	case addr := <-ready:
		return "http://" + addr, out
	case err := <-done:
		t.Fatalf("serve: %v", err)
	case <-time.After(60 * time.Second):
		t.Fatal("server did not start")
	}
	return "", nil
}

func post(t *testing.T, url string, body any) *http.Response {
	t.Helper()
	raw, _ := json.Marshal(body)
	resp, err := http.Post(url, "application/json", bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	return resp
}

// The whole server: health, demo seed, login as the printed demo admin.
func TestServeEndToEnd(t *testing.T) {
	for name, dsn := range map[string]func(*testing.T) string{
		"sqlite":   func(*testing.T) string { return "" },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	} {
		t.Run(name, func(t *testing.T) {
			base, out := startServer(t, dsn(t))
			resp, err := http.Get(base + "/healthz")
			if err != nil || resp.StatusCode != 200 {
				t.Fatalf("healthz: %v %v", resp, err)
			}
			resp.Body.Close()
			banner := out.String()
			if !strings.Contains(banner, "admin@demo.example") || !strings.Contains(banner, demoPassword) {
				t.Fatalf("banner lacks the demo login:\n%s", banner)
			}
			resp = post(t, base+"/api/v1/auth/login", map[string]string{"domain": "demo", "email": "admin@demo.example", "password": demoPassword})
			if resp.StatusCode != 200 {
				b, _ := io.ReadAll(resp.Body)
				t.Fatalf("demo admin login: %d %s", resp.StatusCode, b)
			}
			var login struct{ Token string }
			json.NewDecoder(resp.Body).Decode(&login)
			req, _ := http.NewRequest("GET", base+"/api/v1/users", nil)
			req.Header.Set("Authorization", "Bearer "+login.Token)
			users, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer users.Body.Close()
			var list struct{ Data []struct{ Role string } }
			json.NewDecoder(users.Body).Decode(&list)
			if len(list.Data) != 3 {
				t.Fatalf("demo users: %+v", list)
			}
			resp = post(t, base+"/api/v1/auth/login", map[string]string{"domain": "demo", "email": "admin@demo.example", "password": "wrong-one"})
			if resp.StatusCode != 401 {
				t.Fatalf("wrong password: %d", resp.StatusCode)
			}
		})
	}
}

func TestAdminCommands(t *testing.T) {
	t.Setenv("CONVERSA_DATA_DIR", t.TempDir())
	t.Setenv("CONVERSA_DATABASE_URL", "")
	ctx := context.Background()
	run := func(args ...string) (string, error) {
		var out bytes.Buffer
		err := admin(ctx, args, &out)
		return strings.TrimSpace(out.String()), err
	}
	id, err := run("create-company", "--domain", "acme", "--name", "Acme Ltda", "--email", "boss@acme.com", "--password", "secret-123", "--agents", "1")
	if err != nil || id != "1" {
		t.Fatalf("create-company: %q, %v", id, err)
	}
	tests := []struct {
		args     []string
		wantCode string
	}{
		{[]string{"create-company", "--domain", "ACME", "--name", "Again", "--email", "x@acme.com", "--password", "secret-123"}, conversa.ECONFLICT},
		{[]string{"create-company", "--domain", "new", "--name", "New", "--email", "x@new.com", "--password", "short"}, conversa.EINVALID},
		{[]string{"create-user", "--domain", "acme", "--email", "a1@acme.com", "--name", "A1", "--role", "agent", "--password", "secret-123"}, ""},
		{[]string{"create-user", "--domain", "acme", "--email", "a2@acme.com", "--name", "A2", "--role", "agent", "--password", "secret-123"}, conversa.ELICENCE},
		{[]string{"create-user", "--domain", "nope", "--email", "a@nope.com", "--name", "A", "--password", "secret-123"}, conversa.ENOTFOUND},
		{[]string{"reset-password", "--domain", "acme", "--email", "boss@acme.com", "--password", "fresh-pass-1"}, ""},
	}
	for _, tt := range tests {
		_, err := run(tt.args...)
		if (err == nil) != (tt.wantCode == "") || (err != nil && conversa.ErrorCode(err) != tt.wantCode) {
			t.Errorf("%v: %v, want code %q", tt.args, err, tt.wantCode)
		}
	}
	if _, err := run("bogus"); err == nil {
		t.Error("unknown admin command accepted")
	}
	// The reset password is the one that works now.
	cfg := config{DataDir: os.Getenv("CONVERSA_DATA_DIR"), Clock: conversa.NewShiftClock(), Logger: slog.New(slog.DiscardHandler)}
	st, err := openStore(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	svc, _ := newAuth(st, cfg)
	if _, err := svc.Login(ctx, auth.LoginInput{Domain: "acme", Email: "boss@acme.com", Password: "fresh-pass-1"}); err != nil {
		t.Fatalf("login with reset password: %v", err)
	}
}
