package inbox_test

import (
	"slices"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// A company's own opt-out keywords replace the defaults for its inbound
// messages; the node that changes them applies them at once, another node
// within the cache's lifetime; opting out and back in are both audited.
func TestCompanyOptOutKeywords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newUnit(t, st)
		admin, err := st.CreateUser(ctx, conversa.User{CompanyID: u.route.CompanyID, Email: "admin@acme.com", Name: "Admin",
			Role: conversa.RoleAdmin, Active: true}, "not-a-real-hash")
		if err != nil {
			t.Fatal(err)
		}
		a := inbox.Actor{CompanyID: u.route.CompanyID, UserID: admin.ID, Role: conversa.RoleAdmin}
		// Another node, whose cache has read the defaults already.
		other := inbox.New(inbox.Options{Store: st, Graph: u.graph, Templates: st, Prices: st, Clock: u.clock, DataDir: t.TempDir()})
		other.SetQueue(u.queue)
		node := u.svc
		via := func(svc *inbox.Service, wamid, text string) {
			u.svc = svc
			u.inbound(wamid, text, u.clock.Now())
			u.svc = node
		}
		via(other, "wamid.hello", "Oi")

		set, err := u.svc.SetOptOutKeywords(ctx, a, []string{"Basta", " basta "})
		if err != nil || !set.Custom || !slices.Equal(set.Keywords, []string{"Basta"}) || !slices.Equal(set.Defaults, conversa.DefaultOptOutKeywords) {
			t.Fatalf("set = %+v, %v", set, err)
		}
		if _, err := u.svc.SetOptOutKeywords(ctx, a, []string{}); conversa.ErrorCode(err) != conversa.EINVALID {
			t.Fatalf("an empty list: %v", err)
		}
		u.inbound("wamid.parar", "PARAR", u.clock.Now())
		if c := u.contact(); c.OptedOut != nil {
			t.Fatal("a default keyword opted out a company with its own list")
		}
		via(other, "wamid.basta1", "Basta!")
		if c := u.contact(); c.OptedOut != nil {
			t.Fatal("the other node applied the new list before its cache expired")
		}
		u.clock.Advance(31 * time.Second)
		via(other, "wamid.basta2", "basta")
		optedOut := u.contact().OptedOut
		if optedOut == nil {
			t.Fatal("the company's keyword did not opt the contact out")
		}
		entry := lastAudit(t, st, u.route.CompanyID)
		if entry.Action != "contact.opt_out" || entry.ActorID != nil || entry.Detail["wamid"] != "wamid.basta2" {
			t.Fatalf("opt-out record = %+v", entry)
		}

		c, err := u.svc.OptIn(ctx, a, u.contact().ID, "Pediu por telefone")
		if err != nil || c.OptedOut != nil || u.contact().OptedOut != nil {
			t.Fatalf("opt-in: %+v, %v", c, err)
		}
		entry = lastAudit(t, st, u.route.CompanyID)
		if entry.Action != "contact.opt_in" || *entry.ActorID != admin.ID || entry.Detail["reason"] != "Pediu por telefone" ||
			entry.Detail["opted_out_at"] != optedOut.UTC().Format(time.RFC3339) {
			t.Fatalf("opt-in record = %+v", entry)
		}
		if _, err := u.svc.OptIn(ctx, a, c.ID, ""); err != nil || lastAudit(t, st, u.route.CompanyID).ID != entry.ID {
			t.Fatalf("opting in a contact who is in recorded again (%v)", err)
		}
		other2 := inbox.Actor{CompanyID: u.route.CompanyID + 1000, UserID: admin.ID, Role: conversa.RoleAdmin}
		if _, err := u.svc.OptIn(ctx, other2, c.ID, ""); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Fatalf("another company's opt-in: %v", err)
		}

		if set, err = u.svc.SetOptOutKeywords(ctx, a, nil); err != nil || set.Custom || !slices.Equal(set.Keywords, conversa.DefaultOptOutKeywords) {
			t.Fatalf("back to the defaults: %+v, %v", set, err)
		}
		u.inbound("wamid.parar2", "Parar", u.clock.Now())
		if u.contact().OptedOut == nil {
			t.Fatal("the defaults don't apply again")
		}
	})
}

// contact is the unit's one customer.
func (u *unit) contact() conversa.Contact {
	u.t.Helper()
	c, err := u.st.ContactByWAID(ctx, u.route.CompanyID, u.route.ChannelID, "551187654321")
	if err != nil {
		u.t.Fatal(err)
	}
	return c
}

func lastAudit(t *testing.T, st *store.Store, companyID int64) conversa.AuditEntry {
	t.Helper()
	entries, err := st.AuditLog(ctx, companyID, 0, 1)
	if err != nil || len(entries) == 0 {
		t.Fatalf("audit log: %v, %v", entries, err)
	}
	return entries[0]
}
