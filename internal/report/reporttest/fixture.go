// Package reporttest seeds the small dataset whose report numbers were
// computed by hand (see Fixture), for the report, API and web tests.
package reporttest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
)

// Fixture is what Seed created. The company's zone is America/Sao_Paulo
// (UTC-3); the period of interest is 2026-03-02..2026-03-03 local, and Now
// is 2026-03-10 12:00 UTC. Times below are UTC.
//
//	C0 ch1 unassigned  opened 03-02 02:00 (03-01 local, outside): inbound 02:00, never
//	                   answered → window expired 03-03 02:00 = 03-02 23:00 local (counted)
//	C1 ch1 Ana         opened 03-02 12:00, first response 1 min, resolved after 30 min:
//	                   in 12:00, out 12:01 (delivered, read)
//	C2 ch1 Ana         opened 03-02 14:00, first response 3 min: in 14:00, out 14:03
//	                   (delivered), in 14:10 never answered → expired 03-03 14:10
//	C3 ch1 Bruno       opened 03-03 02:00 (03-02 23:00 local), first response 10 min,
//	                   resolved 04:00 (120 min, 03-03 local): in 02:00, out 02:10 (read only)
//	C4 ch2 unassigned  marketing, opened 03-03 15:00: promo_marco (marketing, 0.0625,
//	                   billable, read), pedido_enviado (utility, 0.0080, failed),
//	                   pedido_enviado (utility, 0.0080, no pricing yet), in 15:30
//	                   (its window closes 03-04 15:30, after the period)
//	C5 ch1 unassigned  opened 03-04 04:00 (03-04 local, outside): in 04:00
//	opt-outs: C2's contact 03-03 14:20 (counted), C5's contact 03-05 (outside)
type Fixture struct {
	Company        conversa.Company
	Ana, Bruno     conversa.User // supervisors, so the licence's agent seats stay free
	Ch1, Ch2       conversa.Channel
	Group1, Group2 conversa.ChannelGroup
	Now            time.Time
}

// Seed creates a company named domain with the dataset. clock must be the
// store's clock: conversations take their creation time from it. It is
// left at Now.
func Seed(t testing.TB, s *store.Store, clock *conversa.ShiftClock, domain string) Fixture {
	t.Helper()
	b := builder{t: t, s: s, clock: clock, ctx: context.Background()}
	f := b.company(domain)
	at := func(day, hour, minute int) time.Time { return time.Date(2026, 3, day, hour, minute, 0, 0, time.UTC) }
	min := time.Minute

	c0 := b.conversation(f.Ch1, nil, conversa.OriginService, at(2, 2, 0), nil, nil)
	b.message(c0, conversa.Inbound, at(2, 2, 0), nil, msg{})

	c1 := b.conversation(f.Ch1, &f.Ana, conversa.OriginService, at(2, 12, 0), ptr(at(2, 12, 1)), ptr(at(2, 12, 30)))
	b.message(c1, conversa.Inbound, at(2, 12, 0), nil, msg{})
	b.message(c1, conversa.Outbound, at(2, 12, 1), &f.Ana, msg{delivered: true, read: true})

	c2 := b.conversation(f.Ch1, &f.Ana, conversa.OriginService, at(2, 14, 0), ptr(at(2, 14, 3)), nil)
	b.message(c2, conversa.Inbound, at(2, 14, 0), nil, msg{})
	b.message(c2, conversa.Outbound, at(2, 14, 3), &f.Ana, msg{delivered: true})
	b.message(c2, conversa.Inbound, at(2, 14, 10), nil, msg{})
	b.optOut(c2, at(3, 14, 20))

	c3 := b.conversation(f.Ch1, &f.Bruno, conversa.OriginService, at(3, 2, 0), ptr(at(3, 2, 0).Add(10*min)), ptr(at(3, 4, 0)))
	b.message(c3, conversa.Inbound, at(3, 2, 0), nil, msg{})
	b.message(c3, conversa.Outbound, at(3, 2, 10), &f.Bruno, msg{read: true})

	c4 := b.conversation(f.Ch2, nil, conversa.OriginMarketing, at(3, 15, 0), ptr(at(3, 15, 0)), nil)
	yes := true
	b.message(c4, conversa.Outbound, at(3, 15, 0), nil, msg{template: "promo_marco", category: conversa.CategoryMarketing,
		cost: 62500, billable: &yes, delivered: true, read: true})
	b.message(c4, conversa.Outbound, at(3, 15, 1), nil, msg{template: "pedido_enviado", category: conversa.CategoryUtility,
		cost: 8000, failed: true})
	b.message(c4, conversa.Outbound, at(3, 15, 2), nil, msg{template: "pedido_enviado", category: conversa.CategoryUtility, cost: 8000})
	b.message(c4, conversa.Inbound, at(3, 15, 30), nil, msg{})

	c5 := b.conversation(f.Ch1, nil, conversa.OriginService, at(4, 4, 0), nil, nil)
	b.message(c5, conversa.Inbound, at(4, 4, 0), nil, msg{})
	b.optOut(c5, at(5, 10, 0))

	f.Now = at(10, 12, 0)
	clock.Set(f.Now)
	return f
}

func ptr(t time.Time) *time.Time { return &t }

type builder struct {
	t     testing.TB
	s     *store.Store
	clock *conversa.ShiftClock
	ctx   context.Context
	f     *Fixture
	n     int
}

func (b *builder) check(err error) {
	b.t.Helper()
	if err != nil {
		b.t.Fatal(err)
	}
}

func (b *builder) company(domain string) Fixture {
	box, err := secrets.New(make([]byte, 32))
	b.check(err)
	b.s.SetSealer(box)
	var f Fixture
	f.Company, err = b.s.CreateCompany(b.ctx, conversa.Company{Domain: domain, Name: domain, MaxChannels: 2, MaxAgents: 2})
	b.check(err)
	f.Ana, f.Bruno = b.user(f.Company, "Ana Conceição"), b.user(f.Company, "Bruno")
	f.Group1, f.Ch1 = b.channel(f.Company, "1")
	f.Group2, f.Ch2 = b.channel(f.Company, "2")
	b.f = &f
	return f
}

func (b *builder) user(c conversa.Company, name string) conversa.User {
	u, err := b.s.CreateUser(b.ctx, conversa.User{CompanyID: c.ID, Email: fmt.Sprintf("u%d@%s.com", len(name), c.Domain),
		Name: name, Role: conversa.RoleSupervisor, Active: true}, "hash")
	b.check(err)
	return u
}

func (b *builder) channel(c conversa.Company, n string) (conversa.ChannelGroup, conversa.Channel) {
	g, err := b.s.CreateGroup(b.ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "Grupo " + n})
	b.check(err)
	pnid := c.Domain + "-pn" + n
	ch, err := b.s.CreateChannel(b.ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA,
		Name: "Canal " + n, Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "waba-" + pnid,
			PhoneNumberID: pnid, AccessToken: "EAAG" + pnid, AppSecret: "secret", VerifyToken: "verify"}})
	b.check(err)
	return g, ch
}

// conversation opens one with a contact of its own, created at at.
func (b *builder) conversation(ch conversa.Channel, assignee *conversa.User, origin conversa.Origin, at time.Time, firstResponse, resolved *time.Time) conversa.Conversation {
	b.n++
	ct, err := b.s.UpsertContact(b.ctx, conversa.Contact{CompanyID: ch.CompanyID, ChannelID: ch.ID,
		WAID: fmt.Sprintf("55119876543%02d", b.n), Name: fmt.Sprintf("Cliente %d", b.n)})
	b.check(err)
	b.clock.Set(at)
	c := conversa.Conversation{CompanyID: ch.CompanyID, ChannelID: ch.ID, ContactID: ct.ID, Status: conversa.ConversationOpen,
		Origin: origin, LastMessageAt: at}
	if assignee != nil {
		c.AssigneeID = &assignee.ID
	}
	c, err = b.s.CreateConversation(b.ctx, c)
	b.check(err)
	c.FirstResponseAt, c.ResolvedAt = firstResponse, resolved
	if resolved != nil {
		c.Status = conversa.ConversationResolved
	}
	b.check(b.s.SaveConversation(b.ctx, c))
	return c
}

func (b *builder) optOut(c conversa.Conversation, at time.Time) {
	b.check(b.s.SetContactOptedOut(b.ctx, c.CompanyID, c.ContactID, at))
}

// msg is how an outbound message ended up.
type msg struct {
	template                string
	category                conversa.Category
	cost                    conversa.Money
	billable                *bool
	delivered, read, failed bool
}

func (b *builder) message(c conversa.Conversation, dir conversa.Direction, at time.Time, author *conversa.User, o msg) {
	b.n++
	m := conversa.Message{CompanyID: c.CompanyID, ConversationID: c.ID, Direction: dir, Type: "text", Text: "oi",
		Status: conversa.StatusReceived, WAMID: fmt.Sprintf("wamid.%d", b.n), Category: o.category, ExpectedCost: o.cost, CreatedAt: at}
	if dir == conversa.Outbound {
		m.Status = conversa.StatusSent
	}
	if author != nil {
		m.AuthorID = &author.ID
	}
	if o.template != "" {
		m.Type, m.Payload = "template", fmt.Appendf(nil, `{"type":"template","template":{"name":%q,"language":{"code":"pt_BR"}}}`, o.template)
	}
	m, _, err := b.s.InsertMessage(b.ctx, m)
	b.check(err)
	later := at.Add(time.Minute)
	switch {
	case o.failed:
		m.Status = conversa.StatusFailed
	case o.read:
		m.Status, m.ReadAt = conversa.StatusRead, &later
	case o.delivered:
		m.Status = conversa.StatusDelivered
	}
	if o.delivered {
		m.DeliveredAt = &later
	}
	m.Billable = o.billable
	b.check(b.s.SaveMessage(b.ctx, m))
}
