package web

import (
	"fmt"
	"strings"
	"testing"
)

// Each group lists its members with a remove button and offers the other
// active users, so an admin can put agents where conversations arrive.
func TestChannelsScreenGroupMembers(t *testing.T) {
	f := newInboxFixture(t)
	admin := f.s.login("admin@acme.com")
	page := f.page("/app/admin/channels", langPT, admin)
	sales, support := section(t, page, "Vendas"), section(t, page, "Suporte")
	mustContain(t, sales, "Agentes do grupo", `data-member="agent@acme.com"`, "Tirar Otto Agente do grupo",
		fmt.Sprintf(`data-api="/api/v1/channel-groups/%d/members/{user_id}"`, f.sales), "Ada Admin (Administrador)")
	if strings.Contains(sales, `<option value="`+fmt.Sprint(f.userID(t, "agent@acme.com"))+`">Otto`) {
		t.Error("a member is offered again")
	}
	mustContain(t, support, "Ninguém ainda", "Otto Agente (Agente)")
	f.s.api("PUT", fmt.Sprintf("/api/v1/channel-groups/%d/members/%d", f.support, f.userID(t, "agent@acme.com")), admin, nil, nil)
	mustContain(t, section(t, f.page("/app/admin/channels/list", langEN, admin), "Suporte"), "Group members", `data-member="agent@acme.com"`)
}

// section is the page's card for a group, from its heading to the next card.
func section(t *testing.T, page, group string) string {
	t.Helper()
	i := strings.Index(page, "<h2>"+group+"</h2>")
	if i < 0 {
		t.Fatalf("no card for %s", group)
	}
	rest := page[i:]
	if j := strings.Index(rest, "</section>"); j >= 0 {
		rest = rest[:j]
	}
	return rest
}
