package inbox_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// react delivers customer waID's emoji reaction to the message target.
func (tm *team) react(waID, wamid, target string) error {
	return tm.deliver(waID, fmt.Sprintf(`{"from":%q,"id":%q,"timestamp":"%d","type":"reaction","reaction":{"message_id":%q,"emoji":"👍"}}`,
		waID, wamid, tm.clock.Now().Unix(), target))
}

// A customer coming back to a resolved conversation gets an agent at their
// desk: the former agent if still available, else the next one by
// round-robin; a deactivated agent's conversations go back to the queue.
func TestReopenedConversationFindsAPresentAgent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tm := newTeam(t, st, 2)
		first, second := tm.agents[0], tm.agents[1]
		must(t, tm.from("5511900000011", "w1"))
		c := tm.conversationOf("5511900000011")
		if c.AssigneeID == nil || *c.AssigneeID != first {
			t.Fatalf("first message went to %v, want %d", c.AssigneeID, first)
		}
		_, err := tm.svc.Resolve(ctx, tm.admin, c.ID)
		must(t, err)
		must(t, st.SetAvailable(ctx, tm.route.CompanyID, first, false)) // gone for lunch
		must(t, tm.from("5511900000011", "w2"))
		if c = tm.conversationOf("5511900000011"); c.AssigneeID == nil || *c.AssigneeID != second {
			t.Fatalf("reopened while its agent is away: assignee %v, want %d", c.AssigneeID, second)
		}
		// Deactivated: the open conversation returns to the group's queue.
		off := false
		if _, err := st.UpdateUser(ctx, tm.route.CompanyID, second, store.UserPatch{Active: &off}); err != nil {
			t.Fatal(err)
		}
		if c = tm.conversationOf("5511900000011"); c.AssigneeID != nil {
			t.Fatalf("a deactivated agent keeps conversation %d", c.ID)
		}
		if ok, _ := st.Available(ctx, tm.route.CompanyID, second); ok {
			t.Fatal("a deactivated agent stays in round-robin")
		}
	})
}

// A reaction restarts the 24-hour window, as any customer message does for
// Meta, but does not reopen a resolved conversation nor take an agent.
func TestReactionDoesNotReopen(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tm := newTeam(t, st, 1)
		agent := inbox.Actor{CompanyID: tm.route.CompanyID, UserID: tm.agents[0], Role: conversa.RoleAgent}
		must(t, tm.from("5511900000012", "w1"))
		c := tm.conversationOf("5511900000012")
		_, err := tm.svc.Resolve(ctx, agent, c.ID)
		must(t, err)
		tm.clock.Advance(20 * time.Hour)
		must(t, tm.react("5511900000012", "w2", "wamid.ours"))
		got := tm.conversationOf("5511900000012")
		if got.Status != conversa.ConversationResolved || got.ResolvedAt == nil {
			t.Fatalf("a reaction reopened the conversation: %+v", got)
		}
		if !got.LastInboundAt.Equal(tm.clock.Now().Truncate(time.Second)) {
			t.Fatalf("window not restarted by the reaction: last inbound %s, now %s", got.LastInboundAt, tm.clock.Now())
		}
		msgs, err := st.Messages(ctx, tm.route.CompanyID, c.ID, 0, 10)
		if err != nil || len(msgs) != 2 || msgs[0].Type != "reaction" && msgs[1].Type != "reaction" {
			t.Fatalf("the reaction is not stored: %+v, %v", msgs, err)
		}
	})
}
