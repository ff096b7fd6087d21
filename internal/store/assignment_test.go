package store_test

import (
	"context"
	"sync"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// roundRobinGroup is a group with three available agents and members who
// must never be picked: an unavailable agent, an inactive one and an
// available supervisor.
func roundRobinGroup(t *testing.T, s *store.Store) (conversa.Company, conversa.ChannelGroup, []int64) {
	t.Helper()
	c := mustCompany(t, s, "rr", 10)
	g, err := s.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "Suporte"})
	if err != nil {
		t.Fatal(err)
	}
	var agents []int64
	add := func(email string, role conversa.Role, available, active bool) int64 {
		u := mustUser(t, s, c.ID, email, role)
		if err := s.AddGroupMember(ctx, c.ID, g.ID, u.ID); err != nil {
			t.Fatal(err)
		}
		if err := s.SetAvailable(ctx, c.ID, u.ID, available); err != nil {
			t.Fatal(err)
		}
		if !active {
			if _, err := s.UpdateUser(ctx, c.ID, u.ID, store.UserPatch{Active: ptr(false)}); err != nil {
				t.Fatal(err)
			}
		}
		return u.ID
	}
	add("away@rr.com", conversa.RoleAgent, false, true)
	for _, e := range []string{"a@rr.com", "b@rr.com", "c@rr.com"} {
		agents = append(agents, add(e, conversa.RoleAgent, true, true))
	}
	add("gone@rr.com", conversa.RoleAgent, true, false)
	add("sup@rr.com", conversa.RoleSupervisor, true, true)
	return c, g, agents
}

func TestNextAgentRotatesAmongAvailableAgents(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c, g, agents := roundRobinGroup(t, s)
		for i := range 7 {
			id, ok, err := s.NextAgent(ctx, c.ID, g.ID)
			if err != nil || !ok || id != agents[i%3] {
				t.Fatalf("pick %d = %d, %v, %v; want %d", i, id, ok, err, agents[i%3])
			}
		}
		// The pointer was at agents[0]; with it away, the turn passes on.
		if err := s.SetAvailable(ctx, c.ID, agents[1], false); err != nil {
			t.Fatal(err)
		}
		if id, _, _ := s.NextAgent(ctx, c.ID, g.ID); id != agents[2] {
			t.Fatalf("after b left: %d, want %d", id, agents[2])
		}
		for _, a := range agents {
			s.SetAvailable(ctx, c.ID, a, false)
		}
		if id, ok, err := s.NextAgent(ctx, c.ID, g.ID); ok || err != nil {
			t.Fatalf("nobody available: %d, %v, %v", id, ok, err)
		}
		// Another company's group is not found.
		other := mustCompany(t, s, "other", 1)
		wantCode(t, func() error { _, _, err := s.NextAgent(ctx, other.ID, g.ID); return err }(), conversa.ENOTFOUND)
	})
}

// Concurrent pickers (each in its own transaction, as inbound webhooks
// are) take turns: an even split, on both databases.
func TestNextAgentConcurrentPicksAreEven(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c, g, agents := roundRobinGroup(t, s)
		const n = 30
		var mu sync.Mutex
		got := map[int64]int{}
		var wg sync.WaitGroup
		for range n {
			wg.Go(func() {
				err := s.InTx(context.Background(), func(tx *store.Store) error {
					id, ok, err := tx.NextAgent(ctx, c.ID, g.ID)
					if ok {
						mu.Lock()
						got[id]++
						mu.Unlock()
					}
					return err
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		for _, a := range agents {
			if got[a] != n/3 {
				t.Fatalf("distribution %v, want %d each for %v", got, n/3, agents)
			}
		}
	})
}

// Notes carry their author's name; labels and canned responses are per
// company; reopening beside another unresolved conversation is a conflict.
func TestNotesLabelsCannedAndReopenConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		c, ch, ct := inboxFixture(t, s, "acme", "111")
		author := mustUser(t, s, c.ID, "ana@acme.com", conversa.RoleAdmin)
		conv, err := s.CreateConversation(ctx, conversa.Conversation{CompanyID: c.ID, ChannelID: ch.ID, ContactID: ct.ID,
			Status: conversa.ConversationResolved, Origin: conversa.OriginService})
		if err != nil {
			t.Fatal(err)
		}
		n, err := s.AddNote(ctx, conversa.Note{CompanyID: c.ID, ConversationID: conv.ID, AuthorID: &author.ID, Body: " Ligar amanhã "})
		if err != nil || n.Body != "Ligar amanhã" || n.AuthorName != author.Name {
			t.Fatalf("note = %+v, %v", n, err)
		}
		other := mustCompany(t, s, "other", 1)
		_, err = s.AddNote(ctx, conversa.Note{CompanyID: other.ID, ConversationID: conv.ID, Body: "x"})
		wantCode(t, err, conversa.ENOTFOUND)

		l, err := s.CreateLabel(ctx, conversa.Label{CompanyID: c.ID, Name: "VIP"})
		if err != nil {
			t.Fatal(err)
		}
		wantCode(t, s.AddConversationLabel(ctx, other.ID, conv.ID, l.ID), conversa.ENOTFOUND)
		for range 2 {
			if err := s.AddConversationLabel(ctx, c.ID, conv.ID, l.ID); err != nil {
				t.Fatal(err)
			}
		}
		if ls, _ := s.ConversationLabels(ctx, c.ID, conv.ID); len(ls) != 1 || ls[0].Name != "VIP" {
			t.Fatalf("labels = %+v", ls)
		}
		if err := s.DeleteLabel(ctx, c.ID, l.ID); err != nil {
			t.Fatal(err)
		}
		if ls, _ := s.ConversationLabels(ctx, c.ID, conv.ID); len(ls) != 0 {
			t.Fatalf("deleted label still tagged: %+v", ls)
		}

		if _, err := s.CreateCannedResponse(ctx, conversa.CannedResponse{CompanyID: c.ID, Shortcut: "oi", Text: "Olá"}); err != nil {
			t.Fatal(err)
		}
		if _, err := s.CreateCannedResponse(ctx, conversa.CannedResponse{CompanyID: other.ID, Shortcut: "oi", Text: "Olá"}); err != nil {
			t.Fatalf("shortcuts are per company: %v", err)
		}
		_, err = s.CreateCannedResponse(ctx, conversa.CannedResponse{CompanyID: c.ID, Shortcut: "OI", Text: "x"})
		wantCode(t, err, conversa.ECONFLICT)

		// A second, open conversation: reopening the resolved one clashes.
		if _, err := s.CreateConversation(ctx, conversa.Conversation{CompanyID: c.ID, ChannelID: ch.ID, ContactID: ct.ID,
			Status: conversa.ConversationOpen, Origin: conversa.OriginService}); err != nil {
			t.Fatal(err)
		}
		conv.Status = conversa.ConversationOpen
		wantCode(t, s.SaveConversation(ctx, conv), conversa.ECONFLICT)
	})
}
