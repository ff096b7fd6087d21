package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"path/filepath"
	"slices"
	"strings"

	"github.com/conversa/conversa/internal/channels"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/templates"
	"github.com/conversa/conversa/internal/whatsapp"
)

// newSimulator starts the embedded Cloud API simulator when
// CONVERSA_GRAPH_URL is unset (nil otherwise). It shares the app's clock,
// so moving the simulator's clock moves Conversa's too, and keeps its
// state in the data dir, so the demo channel's account survives restarts.
func newSimulator(cfg config) (*metasim.Sim, error) {
	if cfg.GraphURL != "" {
		return nil, nil
	}
	return metasim.New(metasim.Options{Clock: cfg.Clock, Logger: cfg.Logger, BasePath: "/sim",
		PublicURL: "http://" + cfg.Addr, SnapshotPath: filepath.Join(cfg.DataDir, "metasim.json")})
}

// webhookURL is the /webhooks/whatsapp address Meta is told to call.
func webhookURL(cfg config) string {
	return strings.TrimRight(cmp.Or(cfg.PublicURL, "http://"+cfg.Addr), "/") + "/webhooks/whatsapp"
}

// newChannels builds the channel use cases. In the sandbox the Meta app is
// the simulator's unless CONVERSA_META_APP_ID/SECRET say otherwise.
func newChannels(st *store.Store, cfg config, graph *whatsapp.Client, sim *metasim.Sim) *channels.Service {
	appID, appSecret := cfg.MetaAppID, cfg.MetaAppSecret
	if sim != nil {
		appID, appSecret = cmp.Or(appID, sim.AppID()), cmp.Or(appSecret, sim.TestAccount().AppSecret)
	}
	return channels.New(channels.Config{Store: st, Graph: graph, Clock: cfg.Clock, WebhookURL: webhookURL(cfg),
		AppID: appID, AppSecret: appSecret, Logger: cfg.Logger})
}

// sandboxGroup is the demo company's group, holding the ready channel.
const sandboxGroup = "Atendimento"

// seedSandboxChannel gives the demo company, on its first start in the
// sandbox, a group with the demo agent and supervisor and a channel
// connected to the simulator's ready test account, so a new user can chat
// at once. It runs once the server is serving: connecting makes the
// simulator call our webhook endpoint for the verification handshake. The
// account's approved templates are synced before it returns, so the first
// screens a new user opens already offer them.
func seedSandboxChannel(ctx context.Context, st *store.Store, svc *channels.Service, tpl *templates.Service, sim *metasim.Sim) error {
	c, err := st.CompanyByDomain(ctx, demoDomain)
	if err != nil {
		return err
	}
	if existing, err := st.Channels(ctx, c.ID); err != nil || len(existing) > 0 {
		return err // seeded before (even if disconnected since): leave it
	}
	g, err := groupNamed(ctx, st, c.ID, sandboxGroup)
	if err != nil {
		return err
	}
	users, err := st.Users(ctx, c.ID)
	if err != nil {
		return err
	}
	for _, u := range users {
		if slices.Contains([]conversa.Role{conversa.RoleAgent, conversa.RoleSupervisor}, u.Role) {
			if err := svc.AddMember(ctx, c.ID, 0, g.ID, u.ID); err != nil {
				return err
			}
		}
	}
	acc := sim.TestAccount()
	ch, err := svc.ConnectManual(ctx, c.ID, 0, channels.ManualInput{GroupID: g.ID, Name: "WhatsApp Sandbox",
		PhoneNumberID: acc.PhoneNumberID, WABAID: acc.WABAID, AccessToken: acc.AccessToken, AppSecret: acc.AppSecret})
	if err != nil {
		return err
	}
	_, err = tpl.Sync(ctx, c.ID, ch.ID)
	return err
}

// printSandbox tells where the simulator's pages are.
func printSandbox(out io.Writer, addr string, sim *metasim.Sim) {
	if sim == nil {
		return
	}
	acc := sim.TestAccount()
	fmt.Fprintf(out, "WhatsApp sandbox (embedded Cloud API simulator at http://%s/sim):\n", addr)
	fmt.Fprintf(out, "  customer phone page   http://%s/sim/_sim/phone  (chat with %s as a customer)\n", addr, acc.DisplayPhoneNumber)
	fmt.Fprintf(out, "  Embedded Signup code  POST http://%s/sim/_sim/signup  → {code, business_id} for /api/v1/onboarding/{id}/signup\n", addr)
}
