package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// alphaMarkers are strings only alpha's fixtures hold: any list that shows
// one to beta leaks alpha's data.
var alphaMarkers = []string{"alpha.com", "Vendas", "Alpha WhatsApp", "alpha-number", "5511987654321", "VIP",
	"Como posso ajudar", "Clientes", "Black Friday", "pedido_enviado", "Alpha guided"}

// Every list route (a GET without an id) shows beta none of alpha's data,
// while alpha's own lists show all of it (so the markers mean something).
func TestListsArePerCompany(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, auth.Config{}, withEveryService)
		for _, rt := range isolationRoutes {
			rt.target(e) // every kind of alpha data exists
		}
		intruder, owner := e.login("beta", "admin@beta.com"), e.login("alpha", "admin@alpha.com")
		var ownView strings.Builder
		lists := 0
		for _, p := range e.srv.Routes() {
			method, path, _ := strings.Cut(p, " ")
			if method != "GET" || strings.Contains(path, "{") || !strings.HasPrefix(path, "/api/v1/") ||
				path == "/api/v1/events" || path == "/api/v1/openapi.yaml" { // a stream; the public document's examples
				continue
			}
			lists++
			rec := e.do(req{method: "GET", path: path, token: intruder})
			if rec.Code != http.StatusOK {
				t.Errorf("GET %s as beta: %d %s", path, rec.Code, rec.Body)
			}
			for _, m := range alphaMarkers {
				if strings.Contains(rec.Body.String(), m) {
					t.Errorf("GET %s shows beta alpha's %q: %.300s", path, m, rec.Body)
				}
			}
			ownView.WriteString(e.do(req{method: "GET", path: path, token: owner}).Body.String())
		}
		if lists < 15 {
			t.Fatalf("only %d list routes checked", lists)
		}
		for _, m := range alphaMarkers {
			if !strings.Contains(ownView.String(), m) {
				t.Errorf("no list shows alpha its own %q: the marker proves nothing", m)
			}
		}
	})
}
