// Package campaigntest builds a campaign world over the simulator: a
// company with K connected numbers (the simulator's test number plus
// numbers added, verified and registered through the Graph API) and the
// simulator's templates. Tests and `conversa loadgen campaign` share it.
package campaigntest

import (
	"context"
	"fmt"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// World is a company ready to run campaigns against the simulator.
type World struct {
	Store    *store.Store
	Sim      *metasim.Sim
	Graph    *whatsapp.Client
	Account  metasim.Account
	Company  conversa.Company
	Channels []conversa.Channel
}

// Setup creates the company and numbers channels at throughput mps.
func Setup(ctx context.Context, st *store.Store, sim *metasim.Sim, graph *whatsapp.Client, domain string, numbers, mps int) (*World, error) {
	w := &World{Store: st, Sim: sim, Graph: graph, Account: sim.TestAccount()}
	var err error
	w.Company, err = st.CreateCompany(ctx, conversa.Company{Domain: domain, Name: "Campanhas " + domain, MaxChannels: numbers + 1, MaxAgents: 5})
	if err != nil {
		return nil, err
	}
	g, err := st.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: w.Company.ID, Name: "Marketing"})
	if err != nil {
		return nil, err
	}
	for i := range numbers {
		pid := w.Account.PhoneNumberID
		if i > 0 {
			if pid, err = w.addNumber(ctx, i); err != nil {
				return nil, err
			}
		}
		if err := sim.SetThroughput(pid, mps); err != nil {
			return nil, err
		}
		ch, err := st.CreateChannel(ctx, conversa.Channel{CompanyID: w.Company.ID, GroupID: g.ID, Type: conversa.ChannelWABA,
			Name: fmt.Sprintf("Número %d", i+1), Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: w.Account.WABAID,
				PhoneNumberID: pid, AccessToken: w.Account.AccessToken, AppSecret: w.Account.AppSecret, Throughput: mps}})
		if err != nil {
			return nil, err
		}
		if err := saveTemplates(ctx, st, ch); err != nil {
			return nil, err
		}
		w.Channels = append(w.Channels, ch)
	}
	return w, nil
}

// addNumber adds, verifies and registers another number on the test
// account (it shares the account's payment method and templates).
func (w *World) addNumber(ctx context.Context, i int) (string, error) {
	tok := w.Account.AccessToken
	pid, err := w.Graph.AddPhoneNumber(ctx, tok, w.Account.WABAID, whatsapp.NewPhoneNumber{CC: "55",
		PhoneNumber: fmt.Sprintf("1130%06d", 2000+i), VerifiedName: "Conversa Campanhas"})
	if err != nil {
		return "", err
	}
	if err := w.Graph.RequestCode(ctx, tok, pid, whatsapp.CodeMethod("SMS"), "pt_BR"); err != nil {
		return "", err
	}
	code, err := w.Sim.Code(pid)
	if err != nil {
		return "", err
	}
	if err := w.Graph.VerifyCode(ctx, tok, pid, code.Code); err != nil {
		return "", err
	}
	return pid, w.Graph.Register(ctx, tok, pid, "000000")
}

// Templates the simulator approves on every account.
const (
	Marketing = "promocao_semana" // {{1}} name, {{2}} discount
	Utility   = "pedido_enviado"  // {{1}} name, {{2}} order
)

func saveTemplates(ctx context.Context, st *store.Store, ch conversa.Channel) error {
	for _, t := range []conversa.Template{
		{Name: Utility, Category: conversa.CategoryUtility, Components: []conversa.TemplateComponent{
			{Type: "BODY", Text: "Olá {{1}}, seu pedido {{2}} foi enviado.", Example: &conversa.TemplateExample{BodyText: [][]string{{"Ana", "#1"}}}}}},
		{Name: Marketing, Category: conversa.CategoryMarketing, Components: []conversa.TemplateComponent{
			{Type: "BODY", Text: "Oi {{1}}! Esta semana tem {{2}} de desconto para você.", Example: &conversa.TemplateExample{BodyText: [][]string{{"Ana", "20%"}}}}}},
	} {
		t.CompanyID, t.ChannelID, t.Language, t.Status = ch.CompanyID, ch.ID, "pt_BR", conversa.TemplateApproved
		if _, _, err := st.SaveTemplate(ctx, t, nil); err != nil {
			return err
		}
	}
	return nil
}

// Phone is the i-th generated Brazilian mobile of a run (base picks a
// block so several lists don't overlap).
func Phone(base, i int) string { return fmt.Sprintf("+55119%08d", base*1_000_000+i) }

// CSV is a list of n people (name, phone, desconto).
func CSV(base, n int) string {
	var b strings.Builder
	b.WriteString("name,phone,desconto\n")
	for i := range n {
		fmt.Fprintf(&b, "Cliente %d,%s,%d%%\n", i, Phone(base, i), 10+i%30)
	}
	return b.String()
}
