package store_test

import (
	"context"
	"slices"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// A group's queue is its channels' conversations plus those transferred to
// it, minus those transferred away; another company's group matches none
// of ours, and ours none of theirs.
func TestConversationsFilterByGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, sales := newChannelCompany(t, s, "acme", 2)
		support, err := s.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "Suporte"})
		if err != nil {
			t.Fatal(err)
		}
		salesCh, err := s.CreateChannel(ctx, wabaChannel(c, sales, "111"))
		if err != nil {
			t.Fatal(err)
		}
		supportCh, err := s.CreateChannel(ctx, wabaChannel(c, support, "222"))
		if err != nil {
			t.Fatal(err)
		}
		open := func(ch conversa.Channel, waID string) int64 {
			t.Helper()
			ct, err := s.UpsertContact(ctx, conversa.Contact{CompanyID: c.ID, ChannelID: ch.ID, WAID: waID})
			if err != nil {
				t.Fatal(err)
			}
			conv, err := s.CreateConversation(ctx, conversa.Conversation{CompanyID: c.ID, ChannelID: ch.ID, ContactID: ct.ID,
				Status: conversa.ConversationOpen, Origin: conversa.OriginService})
			if err != nil {
				t.Fatal(err)
			}
			return conv.ID
		}
		onSales, onSupport, moved := open(salesCh, "5511911110001"), open(supportCh, "5511911110002"), open(salesCh, "5511911110003")
		if err := s.SetConversationGroup(ctx, c.ID, moved, support.ID); err != nil {
			t.Fatal(err)
		}
		ids := func(companyID, groupID int64) []int64 {
			t.Helper()
			rows, err := s.Conversations(ctx, companyID, store.ConversationFilter{GroupID: groupID, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var out []int64
			for _, r := range rows {
				out = append(out, r.ID)
			}
			slices.Sort(out)
			return out
		}
		if got := ids(c.ID, sales.ID); !slices.Equal(got, []int64{onSales}) {
			t.Errorf("sales queue = %v, want [%d] (the transferred one left it)", got, onSales)
		}
		if got := ids(c.ID, support.ID); !slices.Equal(got, []int64{onSupport, moved}) {
			t.Errorf("support queue = %v, want [%d %d]", got, onSupport, moved)
		}
		if g, err := s.ConversationGroup(ctx, c.ID, moved); err != nil || g != support.ID {
			t.Errorf("ConversationGroup(moved) = %d, %v; want %d", g, err, support.ID)
		}
		other, otherGroup := newChannelCompany(t, s, "other", 1)
		if _, err := s.CreateChannel(ctx, wabaChannel(other, otherGroup, "333")); err != nil {
			t.Fatal(err)
		}
		if got := ids(other.ID, sales.ID); len(got) != 0 {
			t.Errorf("another company filtering by our group sees %v", got)
		}
		if got := ids(c.ID, otherGroup.ID); len(got) != 0 {
			t.Errorf("our list filtered by another company's group shows %v", got)
		}
	})
}
