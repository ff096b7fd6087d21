package store_test

import (
	"context"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

func newChannelCompany(t *testing.T, s *store.Store, domain string, maxChannels int) (conversa.Company, conversa.ChannelGroup) {
	t.Helper()
	ctx := context.Background()
	box, err := secrets.New(make([]byte, 32))
	if err != nil {
		t.Fatal(err)
	}
	s.SetSealer(box)
	c, err := s.CreateCompany(ctx, conversa.Company{Domain: domain, Name: domain, MaxChannels: maxChannels, MaxAgents: 1})
	if err != nil {
		t.Fatal(err)
	}
	g, err := s.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "Vendas"})
	if err != nil {
		t.Fatal(err)
	}
	return c, g
}

func wabaChannel(c conversa.Company, g conversa.ChannelGroup, pnid string) conversa.Channel {
	return conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "Atendimento", Status: conversa.ChannelConnected,
		WABA: &conversa.WABAConfig{WABAID: "waba-" + pnid, PhoneNumberID: pnid, AccessToken: "EAAG" + pnid, AppSecret: "app-secret", VerifyToken: "verify-" + pnid}}
}

func TestChannelsSealRouteAndLicence(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, g := newChannelCompany(t, s, "acme", 1)
		ch, err := s.CreateChannel(ctx, wabaChannel(c, g, "111"))
		if err != nil {
			t.Fatal(err)
		}
		got, err := s.Channel(ctx, c.ID, ch.ID)
		if err != nil || got.WABA.AccessToken != "EAAG111" || got.WABA.AppSecret != "app-secret" || got.WABA.PhoneNumberID != "111" {
			t.Fatalf("Channel = %+v %+v, %v", got, got.WABA, err)
		}
		if routed, err := s.ChannelByPhoneNumberID(ctx, "111"); err != nil || routed.ID != ch.ID || routed.CompanyID != c.ID {
			t.Fatalf("ChannelByPhoneNumberID = %+v, %v", routed, err)
		}
		if list, err := s.ChannelsByVerifyToken(ctx, "verify-111"); err != nil || len(list) != 1 {
			t.Fatalf("ChannelsByVerifyToken = %v, %v", list, err)
		}
		if list, _ := s.ChannelsByVerifyToken(ctx, "wrong"); len(list) != 0 {
			t.Fatal("wrong verify token matched")
		}
		_, err = s.CreateChannel(ctx, wabaChannel(c, g, "222"))
		if conversa.ErrorCode(err) != conversa.ELICENCE {
			t.Fatalf("second channel on a 1-channel licence: %v", err)
		}
		if u, _ := s.LicenceUsage(ctx, c.ID); u.Channels != 1 || u.MaxChannels != 1 {
			t.Errorf("usage = %+v", u)
		}

		// Another company: cannot see the channel, cannot take the number.
		other, og := newChannelCompany(t, s, "other", 2)
		if _, err := s.Channel(ctx, other.ID, ch.ID); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Errorf("cross-company read: %v", err)
		}
		if _, err := s.CreateChannel(ctx, wabaChannel(other, og, "111")); conversa.ErrorCode(err) != conversa.ECONFLICT {
			t.Errorf("same number twice: %v", err)
		}
		if _, err := s.CreateChannel(ctx, conversa.Channel{CompanyID: other.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "x",
			Status: conversa.ChannelPending, WABA: &conversa.WABAConfig{}}); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Errorf("channel in another company's group: %v", err)
		}

		// Disconnecting frees the number and the licence seat; history stays.
		ch.Status = conversa.ChannelDisconnected
		ch.WABA = got.WABA
		if err := s.UpdateChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
		if _, err := s.ChannelByPhoneNumberID(ctx, "111"); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Errorf("disconnected channel still routed: %v", err)
		}
		if _, err := s.CreateChannel(ctx, wabaChannel(c, g, "222")); err != nil {
			t.Errorf("seat not freed: %v", err)
		}
	})
}

func TestChannelCredentialsNeedSealer(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, g := newChannelCompany(t, s, "nosealer", 2)
		s.SetSealer(nil)
		if _, err := s.CreateChannel(ctx, wabaChannel(c, g, "333")); err == nil {
			t.Fatal("credentials stored without a sealer")
		}
	})
}

func TestGroupsAndMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		c, g := newChannelCompany(t, s, "grp", 1)
		if _, err := s.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: " Vendas "}); conversa.ErrorCode(err) != conversa.ECONFLICT {
			t.Errorf("duplicate group: %v", err)
		}
		u, err := s.CreateUser(ctx, conversa.User{CompanyID: c.ID, Email: "a@grp.example", Name: "A", Role: conversa.RoleAgent, Active: true}, "x")
		if err != nil {
			t.Fatal(err)
		}
		for range 2 {
			if err := s.AddGroupMember(ctx, c.ID, g.ID, u.ID); err != nil {
				t.Fatal(err)
			}
		}
		if m, _ := s.GroupMembers(ctx, c.ID, g.ID); len(m) != 1 || m[0] != u.ID {
			t.Errorf("members = %v", m)
		}
		other, _ := newChannelCompany(t, s, "grp2", 1)
		if err := s.AddGroupMember(ctx, other.ID, g.ID, u.ID); conversa.ErrorCode(err) != conversa.ENOTFOUND {
			t.Errorf("cross-company membership: %v", err)
		}
	})
}
