package httpapi_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
)

// financeInbox makes a second group of alpha ("Financeiro", without the
// agent) with a channel, a contact, a conversation and a message.
func financeInbox(e *env) (channelID, contactID, conversationID, messageID int64) {
	alphaChannel(e) // alpha's first channel, in "Vendas"
	// alpha's licence has room for one channel: raise it as a contract would.
	if _, err := e.st.WriterDB().ExecContext(ctx, "UPDATE companies SET max_channels = 2 WHERE id = "+fmt.Sprint(e.alpha.ID)); err != nil {
		e.t.Fatal(err)
	}
	g, err := e.st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: e.alpha.ID, Name: "Financeiro"})
	if err != nil {
		e.t.Fatal(err)
	}
	ch, err := e.st.CreateChannel(ctx, conversa.Channel{CompanyID: e.alpha.ID, GroupID: g.ID, Type: conversa.ChannelWABA,
		Name: "Cobrança", Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "fin-waba",
			PhoneNumberID: "fin-number", AccessToken: "fin-token", AppSecret: "fin-secret", VerifyToken: "fin-verify"}})
	if err != nil {
		e.t.Fatal(err)
	}
	ct, err := e.st.UpsertContact(ctx, conversa.Contact{CompanyID: e.alpha.ID, ChannelID: ch.ID, WAID: "5511911112222", Name: "Bia"})
	if err != nil {
		e.t.Fatal(err)
	}
	now := e.clock.Now()
	c, err := e.st.CreateConversation(ctx, conversa.Conversation{CompanyID: e.alpha.ID, ChannelID: ch.ID, ContactID: ct.ID,
		Status: conversa.ConversationOpen, Origin: conversa.OriginService, LastInboundAt: now, LastMessageAt: now})
	if err != nil {
		e.t.Fatal(err)
	}
	m, _, err := e.st.InsertMessage(ctx, conversa.Message{CompanyID: e.alpha.ID, ConversationID: c.ID, Direction: conversa.Inbound,
		Type: "text", Text: "Segunda via do boleto", Status: conversa.StatusReceived, WAMID: "wamid.fin"})
	if err != nil {
		e.t.Fatal(err)
	}
	return ch.ID, ct.ID, c.ID, m.ID
}

// An agent sees and acts only on conversations of their groups' queues or
// assigned to them; supervisors see every group's.
func TestAgentsSeeOnlyTheirGroups(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		agent, sup := e.login("alpha", "agent@alpha.com"), e.login("alpha", "sup@alpha.com")
		own := alphaConversation(e) // in "Vendas", the agent's group
		channel, contact, conv, msg := financeInbox(e)

		listed := func(tok string) map[int64]bool {
			page := decode[struct{ Data []struct{ ID int64 } }](t, e.do(req{method: "GET", path: "/api/v1/conversations?status=all", token: tok}))
			ids := map[int64]bool{}
			for _, c := range page.Data {
				ids[c.ID] = true
			}
			return ids
		}
		if got := listed(agent); !got[own] || got[conv] {
			t.Fatalf("agent lists %v; want their group's %d and not Financeiro's %d", got, own, conv)
		}
		if got := listed(sup); !got[own] || !got[conv] {
			t.Fatalf("supervisor lists %v; want both", got)
		}
		for _, r := range []req{
			{method: "GET", path: idPath("/api/v1/conversations/%d", conv)},
			{method: "GET", path: idPath("/api/v1/conversations/%d/messages", conv)},
			{method: "GET", path: idPath("/api/v1/conversations/%d/notes", conv)},
			{method: "GET", path: idPath("/api/v1/conversations/%d/labels", conv)},
			{method: "POST", path: idPath("/api/v1/conversations/%d/notes", conv), body: map[string]string{"body": "oi"}},
			{method: "POST", path: idPath("/api/v1/conversations/%d/messages", conv), body: map[string]any{"type": "text", "text": map[string]string{"body": "oi"}}},
			{method: "POST", path: idPath("/api/v1/conversations/%d/resolve", conv)},
			{method: "GET", path: idPath("/api/v1/contacts/%d", contact)},
			{method: "GET", path: idPath("/api/v1/messages/%d/media", msg)},
			{method: "POST", path: "/api/v1/messages", body: map[string]any{"channel_id": channel, "to": "+5511933334444", "type": "template",
				"template": map[string]any{"name": "boleto", "language": "pt_BR"}}},
		} {
			r.token = agent
			wantError(t, e.do(r), http.StatusForbidden, conversa.EFORBIDDEN)
			r.token = sup
			if rec := e.do(r); rec.Code == http.StatusForbidden {
				t.Errorf("%s %s: supervisor refused: %s", r.method, r.path, rec.Body)
			}
		}
		// Assigned to them, the conversation (and its contact) is theirs.
		wantStatus(t, e.do(req{method: "POST", path: idPath("/api/v1/conversations/%d/assign", conv), token: sup,
			body: map[string]any{"user_id": alphaAgent(e)}}), http.StatusOK)
		if got := listed(agent); !got[conv] {
			t.Fatal("the assigned conversation is not in the agent's list")
		}
		wantStatus(t, e.do(req{method: "GET", path: idPath("/api/v1/conversations/%d/messages", conv), token: agent}), http.StatusOK)
		wantStatus(t, e.do(req{method: "GET", path: idPath("/api/v1/contacts/%d", contact), token: agent}), http.StatusOK)
	})
}
