package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
)

// group_id lists a group's queue: a transfer moves the conversation from
// its channel's group to the new one; another company's group lists none.
func TestConversationsGroupFilter(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sup := e.login("alpha", "sup@alpha.com")
		conv, sales := alphaConversation(e), alphaGroup(e)
		support, err := e.st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: e.alpha.ID, Name: "Suporte"})
		if err != nil {
			t.Fatal(err)
		}
		list := func(group int64) []convView {
			return decode[struct{ Data []convView }](t, e.do(req{method: "GET", path: idPath("/api/v1/conversations?status=all&group_id=%d", group), token: sup})).Data
		}
		if got := list(sales); len(got) != 1 || got[0].ID != conv {
			t.Fatalf("sales queue = %+v, want conversation %d", got, conv)
		}
		if got := list(support.ID); len(got) != 0 {
			t.Fatalf("support queue before the transfer = %+v", got)
		}
		wantStatus(t, e.do(req{method: "POST", path: idPath("/api/v1/conversations/%d/transfer", conv), token: sup,
			body: map[string]any{"group_id": support.ID}}), http.StatusOK)
		if got := list(support.ID); len(got) != 1 || got[0].ID != conv {
			t.Fatalf("support queue after the transfer = %+v", got)
		}
		if got := list(sales); len(got) != 0 {
			t.Fatalf("sales queue still shows the transferred conversation: %+v", got)
		}
		betaConversation(e)
		betaGroups, _ := e.st.Groups(ctx, e.beta.ID)
		if got := list(betaGroups[0].ID); len(got) != 0 {
			t.Fatalf("beta's group lists alpha's conversations: %+v", got)
		}
		wantError(t, e.do(req{method: "GET", path: "/api/v1/conversations?group_id=x", token: sup}), http.StatusBadRequest, conversa.EINVALID)
	})
}
