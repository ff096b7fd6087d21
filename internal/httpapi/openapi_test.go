package httpapi_test

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/httpapi"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/report"
	"github.com/conversa/conversa/internal/store/storetest"
)

// The OpenAPI document (openapi.yaml, served at GET /api/v1/openapi.yaml)
// must list exactly the routes the server serves, each with the role it
// needs. go.mod has no YAML library, so the document is read line by line:
// it is written in one fixed layout (two-space indentation, paths at
// column 2, methods at column 4, operation fields at column 6), and the
// reader refuses anything under paths: it does not understand rather than
// skip it, so a route cannot hide from the comparison.

// specOp is one operation of the document.
type specOp struct {
	pattern     string // "METHOD /path", as the router registers it
	role        string // x-role: public, agent, supervisor or admin
	operationID string
	stream      bool // answers text/event-stream
	line        int
}

var (
	specPath    = regexp.MustCompile(`^  (/[^\s:]*):$`)
	specKey4    = regexp.MustCompile(`^    ([A-Za-z$][\w$-]*):`)
	specKey6    = regexp.MustCompile(`^      (x-role|operationId): *(\S+)$`)
	specKind    = regexp.MustCompile(`^  ([A-Za-z]+):$`)
	specName    = regexp.MustCompile(`^    ([A-Za-z0-9_.-]+):$`)
	specRef     = regexp.MustCompile(`\$ref: '#/components/([A-Za-z]+)/([A-Za-z0-9_.-]+)'`)
	specParam   = regexp.MustCompile(`\{[^}]+\}`)
	httpMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}
	// Path Item fields other than operations (OpenAPI 3.1 §4.8.9).
	pathItemFields = []string{"parameters", "summary", "description", "servers", "$ref"}
	roleRank       = map[string]int{"agent": 1, "supervisor": 2, "admin": 3}
	roleBelow      = map[string]string{"supervisor": "agent", "admin": "supervisor"}
	roleUser       = map[string]string{"agent": "agent@alpha.com", "supervisor": "sup@alpha.com", "admin": "admin@alpha.com"}
)

// parseSpec returns the operations under paths: and checks that every
// $ref names a component the document defines.
func parseSpec(t *testing.T, doc string) []specOp {
	t.Helper()
	var ops []specOp
	var path string
	seenPaths := map[string]bool{}
	section, kind := "", ""
	defined, refs := map[string]bool{}, map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(doc))
	sc.Buffer(make([]byte, 1<<16), 1<<20)
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimRight(sc.Text(), " ")
		if strings.Contains(line, "\t") {
			t.Fatalf("openapi.yaml:%d: tab character; indent with spaces", n)
		}
		for _, m := range specRef.FindAllStringSubmatch(line, -1) {
			refs[m[1]+"/"+m[2]] = n
		}
		if line == "" || strings.HasPrefix(strings.TrimSpace(line), "#") {
			continue
		}
		if line[0] != ' ' { // a top-level key
			section, _, _ = strings.Cut(line, ":")
			continue
		}
		switch section {
		case "components":
			if m := specKind.FindStringSubmatch(line); m != nil {
				kind = m[1]
			} else if m := specName.FindStringSubmatch(line); m != nil {
				defined[kind+"/"+m[1]] = true
			}
		case "paths":
			indent := len(line) - len(strings.TrimLeft(line, " "))
			switch {
			case indent == 2:
				m := specPath.FindStringSubmatch(line)
				if m == nil {
					t.Fatalf("openapi.yaml:%d: %q is not a path key (want \"  /path:\")", n, line)
				}
				if path = m[1]; seenPaths[path] {
					t.Fatalf("openapi.yaml:%d: path %s listed twice", n, path)
				}
				seenPaths[path] = true
			case indent == 4:
				m := specKey4.FindStringSubmatch(line)
				if m == nil || path == "" {
					t.Fatalf("openapi.yaml:%d: %q is not a method or path-item field", n, line)
				}
				switch {
				case slices.Contains(httpMethods, m[1]):
					p := strings.ToUpper(m[1]) + " " + path
					for _, op := range ops {
						if op.pattern == p {
							t.Fatalf("openapi.yaml:%d: %s listed twice", n, p)
						}
					}
					ops = append(ops, specOp{pattern: p, line: n})
				case slices.Contains(pathItemFields, m[1]):
				default:
					t.Fatalf("openapi.yaml:%d: unknown path-item field %q", n, m[1])
				}
			case indent < 6:
				t.Fatalf("openapi.yaml:%d: unexpected indentation %d", n, indent)
			case len(ops) > 0 && strings.HasSuffix(ops[len(ops)-1].pattern, " "+path):
				op := &ops[len(ops)-1]
				if m := specKey6.FindStringSubmatch(line); m != nil && m[1] == "x-role" {
					op.role = m[2]
				} else if m != nil {
					op.operationID = m[2]
				}
				if strings.TrimSpace(line) == "text/event-stream:" {
					op.stream = true
				}
			}
		}
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	if len(ops) == 0 {
		t.Fatal("openapi.yaml: no operations found under paths:")
	}
	for ref, n := range refs {
		if !defined[ref] {
			t.Errorf("openapi.yaml:%d: $ref to undefined #/components/%s", n, ref)
		}
	}
	ids := map[string]string{}
	for _, op := range ops {
		if op.role != "public" && roleRank[op.role] == 0 {
			t.Errorf("openapi.yaml:%d: %s has x-role %q; want public, agent, supervisor or admin", op.line, op.pattern, op.role)
		}
		if op.operationID == "" {
			t.Errorf("openapi.yaml:%d: %s has no operationId", op.line, op.pattern)
		} else if other, dup := ids[op.operationID]; dup {
			t.Errorf("openapi.yaml:%d: operationId %q of %s is also %s's", op.line, op.operationID, op.pattern, other)
		}
		ids[op.operationID] = op.pattern
	}
	return ops
}

// acceptAll is a webhook intake that accepts everything, so the webhook
// routes are registered (and answer without a session).
type acceptAll struct{}

func (acceptAll) Challenge(_ context.Context, q url.Values) (string, error) {
	return q.Get("hub.challenge"), nil
}
func (acceptAll) Accept(context.Context, []byte, string) error { return nil }

// openAPIEnv is the server with every optional service configured, so it
// registers every route it can serve: newEnv's (channels, templates, inbox,
// campaigns) plus webhooks, live events and reports.
func openAPIEnv(t *testing.T) (*env, []specOp) {
	t.Helper()
	e := newEnv(t, storetest.SQLite(t), auth.Config{}, func(e *env, c *httpapi.Config) {
		c.Webhooks = acceptAll{}
		c.Events = realtime.NewHub()
		c.Reports = report.New(e.st, e.clock)
	})
	rec := e.do(req{method: "GET", path: "/api/v1/openapi.yaml"})
	wantStatus(t, rec, http.StatusOK)
	if ct := rec.Header().Get("Content-Type"); ct != "application/yaml" {
		t.Fatalf("Content-Type %q, want application/yaml", ct)
	}
	onDisk, err := os.ReadFile("openapi.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if rec.Body.String() != string(onDisk) {
		t.Fatal("GET /api/v1/openapi.yaml does not serve openapi.yaml")
	}
	return e, parseSpec(t, rec.Body.String())
}

// Every served route is in the document and the document lists nothing
// else.
func TestOpenAPICoversEveryRoute(t *testing.T) {
	e, ops := openAPIEnv(t)
	served := map[string]bool{}
	for _, p := range e.srv.Routes() {
		served[p] = true
	}
	// /metrics is mounted on the mux directly (no error handling or
	// session), so Routes() does not list it; it is served all the same.
	wantStatus(t, e.do(req{method: "GET", path: "/metrics"}), http.StatusOK)
	served["GET /metrics"] = true
	listed := map[string]bool{}
	for _, op := range ops {
		listed[op.pattern] = true
		if !served[op.pattern] {
			t.Errorf("openapi.yaml:%d lists %q, which the server does not serve", op.line, op.pattern)
		}
	}
	for p := range served {
		if !listed[p] {
			t.Errorf("route %q is served but missing from openapi.yaml", p)
		}
	}
}

// Each operation's x-role is the least role the server lets in: without a
// session it is 401 (unless public), the role below gets 403 forbidden, and
// the role itself passes the role check. Path ids are 0 and bodies empty,
// so handlers that run refuse before changing anything.
func TestOpenAPIRoles(t *testing.T) {
	e, ops := openAPIEnv(t)
	tokens := map[string]string{}
	for role, email := range roleUser {
		tokens[role] = e.login("alpha", email)
	}
	isError := func(rec *httptest.ResponseRecorder, status int, code string) bool {
		return rec.Code == status && strings.Contains(rec.Body.String(), `"code":"`+code+`"`)
	}
	for _, op := range ops {
		method, path, _ := strings.Cut(op.pattern, " ")
		path = specParam.ReplaceAllString(path, "0")
		// do sends the request with token ("" = none). A stream that opens
		// (the role check let the caller in) is ended after a moment; any
		// other request is bounded too, so no answer ever hangs the test.
		do := func(token string) *httptest.ResponseRecorder {
			limit := 10 * time.Second
			if op.stream {
				limit = 300 * time.Millisecond
			}
			c, cancel := context.WithTimeout(ctx, limit)
			defer cancel()
			hr := httptest.NewRequestWithContext(c, method, path, nil)
			if token != "" {
				hr.Header.Set("Authorization", "Bearer "+token)
			}
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, hr)
			return rec
		}
		t.Run(op.pattern, func(t *testing.T) {
			rec := do("")
			if op.role == "public" {
				if rec.Code == http.StatusUnauthorized {
					t.Fatalf("x-role public, but without a session: %d %s", rec.Code, rec.Body)
				}
				return
			}
			if !isError(rec, http.StatusUnauthorized, conversa.EUNAUTHORIZED) {
				t.Errorf("x-role %s, but without a session: %d %s", op.role, rec.Code, rec.Body)
			}
			if lower, ok := roleBelow[op.role]; ok {
				if rec := do(tokens[lower]); !isError(rec, http.StatusForbidden, conversa.EFORBIDDEN) {
					t.Errorf("x-role %s, but role %s is let in: %d %s", op.role, lower, rec.Code, rec.Body)
				}
			}
			// A fresh session each time: logout ends the one it is sent with.
			rec = do(freshToken(t, e, roleUser[op.role]))
			if rec.Code == http.StatusUnauthorized || isError(rec, http.StatusForbidden, conversa.EFORBIDDEN) {
				t.Errorf("x-role %s, but role %s is refused: %d %s", op.role, op.role, rec.Code, rec.Body)
			}
		})
	}
}

// freshToken logs email in at alpha, failing t (not env's test) when it
// cannot.
func freshToken(t *testing.T, e *env, email string) string {
	t.Helper()
	rec := e.do(req{method: "POST", path: "/api/v1/auth/login", body: map[string]string{"domain": "alpha", "email": email, "password": pass}})
	wantStatus(t, rec, http.StatusOK)
	return decode[struct{ Token string }](t, rec).Token
}
