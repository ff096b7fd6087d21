package inbox_test

import (
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// team is a company whose channel's group has `agents` available agents,
// with the inbox service over a fake Graph API and queue.
type team struct {
	*unit
	group  int64
	agents []int64
	admin  inbox.Actor
}

func newTeam(t *testing.T, st *store.Store, agents int) *team {
	u := &unit{t: t, st: st, clock: conversa.NewShiftClock(), graph: &fakeGraph{}, queue: &fakeQueue{}, hub: realtime.NewHub()}
	st.SetClock(u.clock)
	box, _ := secrets.New(make([]byte, 32))
	st.SetSealer(box)
	c, err := st.CreateCompany(ctx, conversa.Company{Domain: "team", Name: "Team", MaxChannels: 1, MaxAgents: agents + 1})
	if err != nil {
		t.Fatal(err)
	}
	g, _ := st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "Suporte"})
	ch, err := st.CreateChannel(ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "N",
		Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "w", PhoneNumberID: "p", AccessToken: "t", AppSecret: "s"}})
	if err != nil {
		t.Fatal(err)
	}
	tm := &team{unit: u, group: g.ID}
	u.route = intake.Route{CompanyID: c.ID, ChannelID: ch.ID}
	admin, err := st.CreateUser(ctx, conversa.User{CompanyID: c.ID, Email: "admin@team.com", Name: "Admin", Role: conversa.RoleAdmin, Active: true}, "x")
	if err != nil {
		t.Fatal(err)
	}
	tm.admin = inbox.Actor{CompanyID: c.ID, UserID: admin.ID, Role: conversa.RoleAdmin}
	for i := range agents {
		tm.agents = append(tm.agents, tm.addAgent(fmt.Sprintf("agent%d@team.com", i), g.ID, true))
	}
	u.svc = inbox.New(inbox.Options{Store: st, Graph: u.graph, Templates: st, Prices: st, Publisher: u.hub, Clock: u.clock, DataDir: t.TempDir()})
	u.svc.SetQueue(u.queue)
	return tm
}

func (tm *team) addAgent(email string, group int64, available bool) int64 {
	c := tm.route.CompanyID
	u, err := tm.st.CreateUser(ctx, conversa.User{CompanyID: c, Email: email, Name: email, Role: conversa.RoleAgent, Active: true}, "x")
	if err == nil {
		err = tm.st.AddGroupMember(ctx, c, group, u.ID)
	}
	if err == nil {
		err = tm.st.SetAvailable(ctx, c, u.ID, available)
	}
	if err != nil {
		tm.t.Fatal(err)
	}
	return u.ID
}

// from delivers a text message from customer waID.
func (tm *team) from(waID, wamid string) error {
	return tm.deliver(waID, fmt.Sprintf(`{"from":%q,"id":%q,"timestamp":"%d","type":"text","text":{"body":"Oi"}}`, waID, wamid, tm.clock.Now().Unix()))
}

// deliver hands the inbox one inbound message of customer waID (Meta's
// JSON), as the intake would.
func (tm *team) deliver(waID, raw string) error {
	var m whatsapp.InboundMessage
	if err := json.Unmarshal([]byte(raw), &m); err != nil {
		return err
	}
	r := tm.route
	r.ReceivedAt = tm.clock.Now()
	return tm.svc.HandleEvent(ctx, r, whatsapp.Event{Message: &m, Contact: &whatsapp.WebhookContact{WaID: waID}})
}

func (tm *team) conversationOf(waID string) conversa.Conversation {
	ct, err := tm.st.ContactByWAID(ctx, tm.route.CompanyID, tm.route.ChannelID, waID)
	if err != nil {
		tm.t.Fatal(err)
	}
	c, err := tm.st.LatestConversation(ctx, tm.route.CompanyID, ct.ID)
	if err != nil {
		tm.t.Fatal(err)
	}
	return c
}

// Many customers writing at once (each message delivered twice, as Meta
// does) are split evenly and each conversation is assigned exactly once.
func TestRoundRobinParallelArrivals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tm := newTeam(t, st, 3)
		const customers = 30
		var wg sync.WaitGroup
		for i := range customers * 2 {
			wg.Go(func() {
				waID := fmt.Sprintf("55119876%05d", i/2)
				if err := tm.from(waID, "wamid."+waID); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		per := map[int64]int{}
		for i := range customers {
			c := tm.conversationOf(fmt.Sprintf("55119876%05d", i))
			if c.AssigneeID == nil {
				t.Fatalf("conversation %d unassigned", c.ID)
			}
			per[*c.AssigneeID]++
		}
		for _, a := range tm.agents {
			if per[a] != customers/3 {
				t.Fatalf("distribution %v, want %d each", per, customers/3)
			}
		}
		// Exactly one pick per conversation: the pointer is back at the start.
		if next, _, _ := st.NextAgent(ctx, tm.route.CompanyID, tm.group); next != tm.agents[0] {
			t.Fatalf("pointer moved %d extra times", next)
		}
	})
}

// The assignment and status rules of manage.go, through the service.
func TestAssignmentLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tm := newTeam(t, st, 1)
		agent := inbox.Actor{CompanyID: tm.route.CompanyID, UserID: tm.agents[0], Role: conversa.RoleAgent}
		st.SetAvailable(ctx, agent.CompanyID, agent.UserID, false)
		// Nobody available: it waits unassigned; the next message, once
		// someone is, assigns it.
		must(t, tm.from("5511900000001", "w1"))
		if c := tm.conversationOf("5511900000001"); c.AssigneeID != nil || c.Status != conversa.ConversationOpen {
			t.Fatalf("nobody available: %+v", c)
		}
		must(t, tm.svc.SetAvailability(ctx, agent.CompanyID, agent.UserID, true))
		must(t, tm.from("5511900000001", "w2"))
		c := tm.conversationOf("5511900000001")
		if c.AssigneeID == nil || *c.AssigneeID != agent.UserID {
			t.Fatalf("not assigned once available: %+v", c)
		}
		// The agent's reply: pending; the customer's answer: open again.
		tm.clock.Advance(time.Minute)
		_, err := tm.svc.Send(ctx, inbox.Sender{CompanyID: agent.CompanyID, AuthorID: &agent.UserID}, c.ID, textOut("Olá!"))
		must(t, err)
		if c = tm.conversationOf("5511900000001"); c.Status != conversa.ConversationPending || c.FirstResponseAt == nil {
			t.Fatalf("after the agent's reply: %+v", c)
		}
		must(t, tm.from("5511900000001", "w3"))
		if c = tm.conversationOf("5511900000001"); c.Status != conversa.ConversationOpen {
			t.Fatalf("after the customer's answer: %+v", c)
		}
		// Resolved, then a customer message reopens it for the same agent.
		c, err = tm.svc.Resolve(ctx, agent, c.ID)
		if err != nil || c.Status != conversa.ConversationResolved || c.ResolvedAt == nil {
			t.Fatalf("resolve: %+v, %v", c, err)
		}
		must(t, tm.from("5511900000001", "w4"))
		if c = tm.conversationOf("5511900000001"); c.Status != conversa.ConversationOpen || c.ResolvedAt != nil || *c.AssigneeID != agent.UserID {
			t.Fatalf("inbound reopen: %+v", c)
		}
		// Given back, resolved and reopened by hand: round-robin again.
		_, err = tm.svc.Assign(ctx, agent, c.ID, nil)
		must(t, err)
		_, err = tm.svc.Resolve(ctx, tm.admin, c.ID)
		must(t, err)
		if c, err = tm.svc.Reopen(ctx, tm.admin, c.ID); err != nil || c.AssigneeID == nil || *c.AssigneeID != agent.UserID {
			t.Fatalf("manual reopen: %+v, %v", c, err)
		}
	})
}

// Transfer to another group's queue: the agent of the first group loses
// access, the new group's available agent gets it, the note travels along.
func TestTransferToGroup(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tm := newTeam(t, st, 1)
		sub := tm.hub.Subscribe(tm.route.CompanyID, 64)
		defer sub.Close()
		agent := inbox.Actor{CompanyID: tm.route.CompanyID, UserID: tm.agents[0], Role: conversa.RoleAgent}
		g2, _ := st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: agent.CompanyID, Name: "Financeiro"})
		other := tm.addAgent("fin@team.com", g2.ID, true)
		must(t, tm.from("5511900000002", "w1"))
		c := tm.conversationOf("5511900000002")
		c, err := tm.svc.Transfer(ctx, agent, c.ID, inbox.Transfer{GroupID: g2.ID, Note: "Boleto em atraso"})
		if err != nil || c.AssigneeID == nil || *c.AssigneeID != other {
			t.Fatalf("transfer: %+v, %v", c, err)
		}
		if err := tm.svc.CanAct(ctx, agent, c.ID); conversa.ErrorCode(err) != conversa.EFORBIDDEN {
			t.Fatalf("former agent may still act: %v", err)
		}
		notes, _ := st.Notes(ctx, agent.CompanyID, c.ID)
		if len(notes) != 1 || notes[0].Body != "Boleto em atraso" || *notes[0].AuthorID != agent.UserID {
			t.Fatalf("notes = %+v", notes)
		}
		seen := map[string]bool{}
		for len(sub.C) > 0 {
			seen[(<-sub.C).Type] = true
		}
		if !seen[inbox.EventNoteCreated] || !seen[inbox.EventConversationUpdated] {
			t.Fatalf("events: %v", seen)
		}
	})
}

// A conversation an agent starts with a template is theirs.
func TestStartedConversationBelongsToItsAgent(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		tm := newTeam(t, st, 2)
		tpl := conversa.Template{CompanyID: tm.route.CompanyID, ChannelID: tm.route.ChannelID, Name: "aviso", Language: "pt_BR",
			Category: conversa.CategoryUtility, Status: conversa.TemplateApproved, Components: []conversa.TemplateComponent{{Type: "BODY", Text: "Oi"}}}
		if _, _, err := st.SaveTemplate(ctx, tpl, nil); err != nil {
			t.Fatal(err)
		}
		by := inbox.Sender{CompanyID: tm.route.CompanyID, AuthorID: &tm.agents[1]}
		m, err := tm.svc.StartConversation(ctx, by, inbox.Start{ChannelID: tm.route.ChannelID, To: "+5511900000003",
			Message: inbox.Outgoing{Type: "template", Template: &inbox.TemplateSend{Name: "aviso"}}})
		must(t, err)
		must(t, tm.from("5511900000003", "w1"))
		c, _ := st.Conversation(ctx, tm.route.CompanyID, m.ConversationID)
		if c.AssigneeID == nil || *c.AssigneeID != tm.agents[1] {
			t.Fatalf("the reply went to %v, not the starter %d", c.AssigneeID, tm.agents[1])
		}
	})
}

func must(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
