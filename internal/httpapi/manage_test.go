package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
)

// alphaLabel and alphaCanned return a label and a canned response of
// alpha, creating them once.
func alphaLabel(e *env) int64 {
	ls, err := e.st.Labels(ctx, e.alpha.ID)
	if err == nil && len(ls) == 0 {
		_, err = e.st.CreateLabel(ctx, conversa.Label{CompanyID: e.alpha.ID, Name: "VIP", Color: "#ff0000"})
		return alphaLabel(e)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return ls[0].ID
}

func alphaCanned(e *env) int64 {
	cs, err := e.st.CannedResponses(ctx, e.alpha.ID, "")
	if err == nil && len(cs) == 0 {
		_, err = e.st.CreateCannedResponse(ctx, conversa.CannedResponse{CompanyID: e.alpha.ID, Shortcut: "oi", Text: "Olá! Como posso ajudar?"})
		return alphaCanned(e)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	return cs[0].ID
}

type convView struct {
	ID         int64  `json:"id"`
	Status     string `json:"status"`
	AssigneeID *int64 `json:"assignee_id"`
}

// Agents act on their groups' conversations; assign, transfer with a note,
// resolve and reopen behave as documented in routes_assignment.go.
func TestConversationAssignmentAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		admin, sup, agent := e.login("alpha", "admin@alpha.com"), e.login("alpha", "sup@alpha.com"), e.login("alpha", "agent@alpha.com")
		conv, agentID := alphaConversation(e), alphaAgent(e)
		path := func(action string) string { return idPath("/api/v1/conversations/%d/", conv) + action }

		// Out of the channel's group: the agent can't act on it or take it.
		if err := e.st.RemoveGroupMember(ctx, e.alpha.ID, alphaGroup(e), agentID); err != nil {
			t.Fatal(err)
		}
		wantError(t, e.do(req{method: "POST", path: path("resolve"), token: agent}), http.StatusForbidden, conversa.EFORBIDDEN)
		wantError(t, e.do(req{method: "POST", path: path("assign"), token: agent, body: map[string]any{"user_id": agentID}}), http.StatusForbidden, conversa.EFORBIDDEN)
		wantError(t, e.do(req{method: "POST", path: path("messages"), token: agent, body: map[string]any{"type": "text", "text": map[string]string{"body": "Oi"}}}),
			http.StatusForbidden, conversa.EFORBIDDEN)
		if err := e.st.AddGroupMember(ctx, e.alpha.ID, alphaGroup(e), agentID); err != nil {
			t.Fatal(err)
		}
		// A member takes the unassigned conversation, but can't hand it to someone else.
		c := decode[convView](t, e.do(req{method: "POST", path: path("assign"), token: agent, body: map[string]any{"user_id": agentID}}))
		if c.AssigneeID == nil || *c.AssigneeID != agentID {
			t.Fatalf("take: %+v", c)
		}
		supID := e.users["sup@alpha.com"].ID
		wantError(t, e.do(req{method: "POST", path: path("assign"), token: agent, body: map[string]any{"user_id": supID}}), http.StatusForbidden, conversa.EFORBIDDEN)
		wantError(t, e.do(req{method: "POST", path: path("assign"), token: agent, body: map[string]any{}}), http.StatusBadRequest, conversa.EINVALID)

		// Transfer to the supervisor with a note: the note is in the thread with its author.
		c = decode[convView](t, e.do(req{method: "POST", path: path("transfer"), token: agent, body: map[string]any{"user_id": supID, "note": "Cliente pediu gerente"}}))
		if c.AssigneeID == nil || *c.AssigneeID != supID {
			t.Fatalf("transfer: %+v", c)
		}
		notes := decode[struct {
			Data []struct {
				Body   string
				Author struct {
					ID   int64
					Name string
				}
			}
		}](t, e.do(req{method: "GET", path: path("notes"), token: agent}))
		if len(notes.Data) != 1 || notes.Data[0].Body != "Cliente pediu gerente" || notes.Data[0].Author.ID != agentID {
			t.Fatalf("notes: %+v", notes)
		}
		wantError(t, e.do(req{method: "POST", path: path("notes"), token: agent, body: map[string]string{"body": "  "}}), http.StatusBadRequest, conversa.EINVALID)
		wantStatus(t, e.do(req{method: "POST", path: path("notes"), token: sup, body: map[string]string{"body": "Resolvido por telefone"}}), http.StatusCreated)

		// Resolve (idempotent) and reopen; an inactive user can't be assigned.
		for range 2 {
			if c = decode[convView](t, e.do(req{method: "POST", path: path("resolve"), token: sup})); c.Status != "resolved" {
				t.Fatalf("resolve: %+v", c)
			}
		}
		stored, _ := e.st.Conversation(ctx, e.alpha.ID, conv)
		if stored.ResolvedAt == nil {
			t.Fatal("resolved_at not recorded")
		}
		if c = decode[convView](t, e.do(req{method: "POST", path: path("reopen"), token: admin})); c.Status != "open" || *c.AssigneeID != supID {
			t.Fatalf("reopen keeps the assignee: %+v", c)
		}
		wantStatus(t, e.do(req{method: "PATCH", path: idPath("/api/v1/users/%d", agentID), token: admin, body: map[string]any{"active": false}}), http.StatusOK)
		wantError(t, e.do(req{method: "POST", path: path("assign"), token: sup, body: map[string]any{"user_id": agentID}}), http.StatusBadRequest, conversa.EINVALID)
		if c = decode[convView](t, e.do(req{method: "POST", path: path("assign"), token: sup, body: map[string]any{"user_id": nil}})); c.AssigneeID != nil {
			t.Fatalf("unassign: %+v", c)
		}
		// Beta's user id is "not found" in alpha.
		wantError(t, e.do(req{method: "POST", path: path("assign"), token: sup, body: map[string]any{"user_id": e.users["admin@beta.com"].ID}}), http.StatusNotFound, conversa.ENOTFOUND)
	})
}

func TestAvailabilityAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		agent := e.login("alpha", "agent@alpha.com")
		if a := decode[struct{ Available bool }](t, e.do(req{method: "GET", path: "/api/v1/me/availability", token: agent})); a.Available {
			t.Fatal("agents start unavailable")
		}
		wantStatus(t, e.do(req{method: "PUT", path: "/api/v1/me/availability", token: agent, body: map[string]bool{"available": true}}), http.StatusOK)
		if ok, _ := e.st.Available(ctx, e.alpha.ID, alphaAgent(e)); !ok {
			t.Fatal("availability not stored")
		}
		wantError(t, e.do(req{method: "PUT", path: "/api/v1/me/availability", token: agent, body: map[string]any{}}), http.StatusBadRequest, conversa.EINVALID)
	})
}

// Labels: CRUD for supervisors, tagging by agents of the group, the list
// filter; a label of another company is not found.
func TestLabelsAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sup, agent := e.login("alpha", "sup@alpha.com"), e.login("alpha", "agent@alpha.com")
		conv := alphaConversation(e)
		wantError(t, e.do(req{method: "POST", path: "/api/v1/labels", token: agent, body: map[string]string{"name": "VIP"}}), http.StatusForbidden, conversa.EFORBIDDEN)
		l := decode[struct{ ID int64 }](t, e.do(req{method: "POST", path: "/api/v1/labels", token: sup, body: map[string]string{"name": "Reclamação", "color": "#AA0000"}}))
		wantError(t, e.do(req{method: "POST", path: "/api/v1/labels", token: sup, body: map[string]string{"name": "Reclamação"}}), http.StatusConflict, conversa.ECONFLICT)
		wantError(t, e.do(req{method: "POST", path: "/api/v1/labels", token: sup, body: map[string]string{"name": "X", "color": "red"}}), http.StatusBadRequest, conversa.EINVALID)
		tag := idPath("/api/v1/conversations/%d/labels/", conv) + idPath("%d", l.ID)
		if err := e.st.RemoveGroupMember(ctx, e.alpha.ID, alphaGroup(e), alphaAgent(e)); err != nil {
			t.Fatal(err)
		}
		wantError(t, e.do(req{method: "PUT", path: tag, token: agent}), http.StatusForbidden, conversa.EFORBIDDEN)
		for range 2 {
			wantStatus(t, e.do(req{method: "PUT", path: tag, token: sup}), http.StatusNoContent)
		}
		list := func(q string) int {
			return len(decode[struct{ Data []convView }](t, e.do(req{method: "GET", path: "/api/v1/conversations?status=all&" + q, token: agent})).Data)
		}
		if list("") != 0 { // out of the group: its conversations are not theirs to see
			t.Fatal("an agent outside the group listed its conversation")
		}
		if err := e.st.AddGroupMember(ctx, e.alpha.ID, alphaGroup(e), alphaAgent(e)); err != nil {
			t.Fatal(err)
		}
		other, _ := e.st.CreateLabel(ctx, conversa.Label{CompanyID: e.alpha.ID, Name: "Outro"})
		if list(idPath("label_id=%d", l.ID)) != 1 || list(idPath("label_id=%d", other.ID)) != 0 || list("") != 1 {
			t.Fatal("label filter")
		}
		labels := decode[struct {
			Data []struct{ Name, Color string }
		}](t, e.do(req{method: "GET", path: idPath("/api/v1/conversations/%d/labels", conv), token: agent}))
		if len(labels.Data) != 1 || labels.Data[0].Color != "#aa0000" {
			t.Fatalf("conversation labels: %+v", labels)
		}
		// Beta tagging its own conversation with alpha's label: not found.
		beta := e.login("beta", "admin@beta.com")
		wantError(t, e.do(req{method: "PUT", path: idPath("/api/v1/conversations/%d/labels/", betaConversation(e)) + idPath("%d", l.ID), token: beta}),
			http.StatusNotFound, conversa.ENOTFOUND)
		wantStatus(t, e.do(req{method: "DELETE", path: tag, token: sup}), http.StatusNoContent)
		wantStatus(t, e.do(req{method: "DELETE", path: idPath("/api/v1/labels/%d", l.ID), token: sup}), http.StatusNoContent)
		wantError(t, e.do(req{method: "DELETE", path: idPath("/api/v1/labels/%d", l.ID), token: sup}), http.StatusNotFound, conversa.ENOTFOUND)
	})
}

func TestCannedResponsesAPI(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sup, agent := e.login("alpha", "sup@alpha.com"), e.login("alpha", "agent@alpha.com")
		wantError(t, e.do(req{method: "POST", path: "/api/v1/canned-responses", token: agent, body: map[string]string{"shortcut": "oi", "text": "Olá"}}),
			http.StatusForbidden, conversa.EFORBIDDEN)
		c := decode[struct {
			ID       int64
			Shortcut string
		}](t, e.do(req{method: "POST", path: "/api/v1/canned-responses", token: sup, body: map[string]string{"shortcut": "/Obrigado", "text": "Obrigado pelo contato!"}}))
		if c.Shortcut != "obrigado" {
			t.Fatalf("shortcut not normalised: %+v", c)
		}
		wantError(t, e.do(req{method: "POST", path: "/api/v1/canned-responses", token: sup, body: map[string]string{"shortcut": "obrigado", "text": "x"}}),
			http.StatusConflict, conversa.ECONFLICT)
		wantError(t, e.do(req{method: "POST", path: "/api/v1/canned-responses", token: sup, body: map[string]string{"shortcut": "com espaço", "text": "x"}}),
			http.StatusBadRequest, conversa.EINVALID)
		if _, err := e.st.CreateCannedResponse(ctx, conversa.CannedResponse{CompanyID: e.alpha.ID, Shortcut: "oi", Text: "Olá!"}); err != nil {
			t.Fatal(err)
		}
		list := decode[struct {
			Data []struct{ Shortcut, Text string }
		}](t, e.do(req{method: "GET", path: "/api/v1/canned-responses?q=/ob", token: agent}))
		if len(list.Data) != 1 || list.Data[0].Text != "Obrigado pelo contato!" {
			t.Fatalf("prefix search: %+v", list)
		}
		wantStatus(t, e.do(req{method: "PUT", path: idPath("/api/v1/canned-responses/%d", c.ID), token: sup, body: map[string]string{"shortcut": "valeu", "text": "Valeu!"}}), http.StatusOK)
		wantError(t, e.do(req{method: "PUT", path: idPath("/api/v1/canned-responses/%d", c.ID), token: sup, body: map[string]string{"shortcut": "oi", "text": "Valeu!"}}),
			http.StatusConflict, conversa.ECONFLICT)
		wantStatus(t, e.do(req{method: "DELETE", path: idPath("/api/v1/canned-responses/%d", c.ID), token: sup}), http.StatusNoContent)
		// Beta sees none of alpha's.
		beta := e.login("beta", "admin@beta.com")
		if l := decode[struct{ Data []any }](t, e.do(req{method: "GET", path: "/api/v1/canned-responses", token: beta})); len(l.Data) != 0 {
			t.Fatalf("beta lists alpha's canned responses: %+v", l)
		}
	})
}

// betaConversation gives beta a group, channel, contact and conversation.
func betaConversation(e *env) int64 {
	g, err := e.st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: e.beta.ID, Name: "Beta"})
	if err != nil {
		e.t.Fatal(err)
	}
	ch, err := e.st.CreateChannel(ctx, conversa.Channel{CompanyID: e.beta.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "Beta",
		Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "beta-waba", PhoneNumberID: "beta-number", AccessToken: "t", AppSecret: "s"}})
	if err != nil {
		e.t.Fatal(err)
	}
	ct, err := e.st.UpsertContact(ctx, conversa.Contact{CompanyID: e.beta.ID, ChannelID: ch.ID, WAID: "5511912345678"})
	if err != nil {
		e.t.Fatal(err)
	}
	c, err := e.st.CreateConversation(ctx, conversa.Conversation{CompanyID: e.beta.ID, ChannelID: ch.ID, ContactID: ct.ID,
		Status: conversa.ConversationOpen, Origin: conversa.OriginService})
	if err != nil {
		e.t.Fatal(err)
	}
	return c.ID
}
