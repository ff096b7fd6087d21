package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
)

// The head of a list, for the campaign wizard's preview: import order,
// bounded by limit, supervisors only.
func TestContactListMembers(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		id := alphaContactList(e)
		path := idPath("/api/v1/contact-lists/%d/members", id)
		rec := e.do(req{method: "GET", path: path + "?limit=1", token: e.login("alpha", "sup@alpha.com")})
		wantStatus(t, rec, http.StatusOK)
		got := decode[struct{ Data []conversa.ListMember }](t, rec)
		if len(got.Data) != 1 || got.Data[0].Name != "Ana" || got.Data[0].Phone != "+5511987654321" || got.Data[0].Value("pedido") != "#1" {
			t.Fatalf("members = %s", rec.Body)
		}
		wantStatus(t, e.do(req{method: "GET", path: path, token: e.login("alpha", "agent@alpha.com")}), http.StatusForbidden)
	})
}
