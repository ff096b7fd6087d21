package report_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/report"
	"github.com/conversa/conversa/internal/report/reporttest"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

var ctx = context.Background()

// seeded is the fixture with a service whose clock is the store's.
func seeded(t *testing.T, s *store.Store) (*report.Service, reporttest.Fixture) {
	clock := conversa.NewShiftClock()
	s.SetClock(clock)
	f := reporttest.Seed(t, s, clock, "acme")
	return report.New(s, clock), f
}

func query(t *testing.T, svc *report.Service, companyID int64, p report.Params) report.Query {
	t.Helper()
	if p.From == "" {
		p.From, p.To = "2026-03-02", "2026-03-03"
	}
	q, err := svc.ParseQuery(ctx, companyID, p)
	if err != nil {
		t.Fatal(err)
	}
	return q
}

func ms(minutes float64) int64 { return int64(minutes * 60000) }

func wantDurations(t *testing.T, what string, d report.Durations, count int64, median, p90 float64) {
	t.Helper()
	if d.Count != count || d.MedianMS == nil || *d.MedianMS != ms(median) || *d.P90MS != ms(p90) {
		t.Errorf("%s = %+v (median %v p90 %v), want %d samples, median %v min, p90 %v min", what, d,
			deref(d.MedianMS), deref(d.P90MS), count, median, p90)
	}
}

func deref(p *int64) int64 {
	if p == nil {
		return -1
	}
	return *p
}

// The summary matches the numbers worked out by hand in reporttest.
func TestSummaryMatchesHandComputedFixture(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, f := seeded(t, s)
		got, err := svc.Summary(ctx, f.Company.ID, query(t, svc, f.Company.ID, report.Params{}))
		if err != nil {
			t.Fatal(err)
		}
		if got.Opened != 4 || got.Resolved != 2 || got.MessagesIn != 5 || got.MessagesOut != 6 {
			t.Errorf("opened %d resolved %d in %d out %d, want 4 2 5 6", got.Opened, got.Resolved, got.MessagesIn, got.MessagesOut)
		}
		wantDurations(t, "first response", got.FirstResponse, 3, 3, 10)
		wantDurations(t, "resolution", got.Resolution, 2, 30, 120)
		d := got.Delivery
		if d.Out != 6 || d.Delivered != 4 || d.Read != 3 || d.Failed != 1 {
			t.Errorf("delivery = %+v, want 6 out, 4 delivered, 3 read, 1 failed", d)
		}
		if got.ExpiredWindows != 2 || got.OptOuts != 1 {
			t.Errorf("expired %d opt-outs %d, want 2 and 1", got.ExpiredWindows, got.OptOuts)
		}
		sp := got.Spend
		if sp.Expected.USD != "0.0705" || sp.Billable.USD != "0.0625" || sp.Unconfirmed.USD != "0.0080" || sp.Expected.Micros != 70500 {
			t.Errorf("spend = %+v, want expected 0.0705, billable 0.0625, unconfirmed 0.0080", sp)
		}
		cats := map[conversa.Category]int64{}
		for _, c := range got.Templates {
			cats[c.Category] = c.Sent
		}
		if len(got.Templates) != 3 || cats["marketing"] != 1 || cats["utility"] != 2 || cats["authentication"] != 0 {
			t.Errorf("templates by category = %+v", got.Templates)
		}
	})
}

// Days follow the company's zone: C3's 02:00 UTC message belongs to the
// 2nd in São Paulo, and each count lands on its local day.
func TestDailyBucketsInCompanyZone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, f := seeded(t, s)
		got, err := svc.Daily(ctx, f.Company.ID, query(t, svc, f.Company.ID, report.Params{}))
		if err != nil {
			t.Fatal(err)
		}
		want := []report.Day{
			{Date: "2026-03-02", Opened: 3, Resolved: 1, MessagesIn: 4, MessagesOut: 3, Delivered: 3, Read: 2, ExpiredWindows: 1},
			{Date: "2026-03-03", Opened: 1, Resolved: 1, MessagesIn: 1, MessagesOut: 3, Delivered: 1, Read: 1, Failed: 1,
				ExpiredWindows: 1, OptOuts: 1},
		}
		if len(got.Days) != 2 {
			t.Fatalf("days = %+v", got.Days)
		}
		for i, w := range want {
			g := got.Days[i]
			w.Spend = g.Spend
			if g != w {
				t.Errorf("day %d = %+v\nwant %+v", i, g, w)
			}
		}
		if got.Days[0].Spend.Expected.Micros != 0 || got.Days[1].Spend.Expected.USD != "0.0705" || got.Days[1].Spend.Billable.USD != "0.0625" {
			t.Errorf("daily spend = %+v / %+v", got.Days[0].Spend, got.Days[1].Spend)
		}
		// In UTC the same data splits differently: C3 moves to the 3rd.
		utc := query(t, svc, f.Company.ID, report.Params{From: "2026-03-02", To: "2026-03-03", TimeZone: "UTC"})
		got, err = svc.Daily(ctx, f.Company.ID, utc)
		if err != nil || got.Days[0].Opened != 3 || got.Days[0].MessagesIn != 4 || got.Days[1].Opened != 2 {
			t.Errorf("UTC days = %+v, %v; want C0 in, C3 on the 3rd", got.Days, err)
		}
	})
}

func TestAgentsAndTemplates(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, f := seeded(t, s)
		q := query(t, svc, f.Company.ID, report.Params{})
		agents, err := svc.Agents(ctx, f.Company.ID, q)
		if err != nil {
			t.Fatal(err)
		}
		if len(agents) != 3 || agents[0].AgentID != f.Ana.ID || agents[1].AgentID != f.Bruno.ID || agents[2].AgentID != 0 {
			t.Fatalf("agents = %+v", agents)
		}
		ana, bruno, none := agents[0], agents[1], agents[2]
		if ana.Name != "Ana Conceição" || ana.Opened != 2 || ana.Resolved != 1 || ana.MessagesSent != 2 || ana.ExpiredWindows != 1 {
			t.Errorf("Ana = %+v", ana)
		}
		wantDurations(t, "Ana first response", ana.FirstResponse, 2, 1, 3)
		wantDurations(t, "Bruno resolution", bruno.Resolution, 1, 120, 120)
		if none.Opened != 1 || none.MessagesSent != 3 || none.ExpiredWindows != 1 || none.Spend.Expected.USD != "0.0705" {
			t.Errorf("no agent = %+v", none)
		}
		tmpl, err := svc.Templates(ctx, f.Company.ID, q)
		if err != nil || len(tmpl) != 2 {
			t.Fatalf("templates = %+v, %v", tmpl, err)
		}
		p, m := tmpl[0], tmpl[1]
		if p.Template != "pedido_enviado" || p.Category != "utility" || p.Delivery.Out != 2 || p.Delivery.Failed != 1 ||
			p.Delivery.FailedRate != 0.5 || p.Spend.Expected.USD != "0.0080" || p.Spend.Billable.Micros != 0 {
			t.Errorf("pedido_enviado = %+v", p)
		}
		if m.Template != "promo_marco" || m.Delivery.Read != 1 || m.Spend.Billable.USD != "0.0625" {
			t.Errorf("promo_marco = %+v", m)
		}
	})
}

func TestFilters(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, f := seeded(t, s)
		sum := func(p report.Params) report.Summary {
			t.Helper()
			got, err := svc.Summary(ctx, f.Company.ID, query(t, svc, f.Company.ID, p))
			if err != nil {
				t.Fatal(err)
			}
			return got
		}
		for name, p := range map[string]report.Params{"channel": {ChannelID: f.Ch2.ID}, "group": {GroupID: f.Group2.ID}} {
			if g := sum(p); g.Opened != 1 || g.MessagesIn != 1 || g.MessagesOut != 3 || g.ExpiredWindows != 0 || g.OptOuts != 0 ||
				g.Spend.Expected.USD != "0.0705" {
				t.Errorf("%s 2 = %+v", name, g)
			}
		}
		if g := sum(report.Params{ChannelID: f.Ch1.ID}); g.Opened != 3 || g.OptOuts != 1 || g.ExpiredWindows != 2 {
			t.Errorf("channel 1 = %+v", g)
		}
		g := sum(report.Params{AgentID: f.Ana.ID})
		if g.Opened != 2 || g.MessagesIn != 3 || g.MessagesOut != 2 || g.ExpiredWindows != 1 {
			t.Errorf("agent Ana = %+v", g)
		}
		wantDurations(t, "Ana", g.FirstResponse, 2, 1, 3)
		g = sum(report.Params{Template: "promo_marco"})
		if g.Opened != 1 || g.MessagesIn != 0 || g.MessagesOut != 1 || g.Spend.Expected.USD != "0.0625" || g.FirstResponse.Count != 0 {
			t.Errorf("template promo_marco = %+v", g)
		}
		// A campaign that sent nothing here: every message and conversation
		// filtered out (the query runs against campaign_recipients).
		g, err := svc.Summary(ctx, f.Company.ID, query(t, svc, f.Company.ID, report.Params{CampaignID: 999}))
		if err != nil || g.Opened != 0 || g.MessagesOut != 0 || g.Resolved != 0 || g.ExpiredWindows != 0 {
			t.Errorf("campaign 999 = %+v, %v", g, err)
		}
	})
}

// A zone half an hour off UTC starts its days inside the rollup's hours
// (Kolkata's 2nd is 03-01 18:30 to 03-02 18:30 UTC): the edges are read
// message by message and every count still lands on its day.
func TestDailyInHalfHourZone(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, f := seeded(t, s)
		got, err := svc.Daily(ctx, f.Company.ID, query(t, svc, f.Company.ID, report.Params{From: "2026-03-02", To: "2026-03-03",
			TimeZone: "Asia/Kolkata"}))
		if err != nil {
			t.Fatal(err)
		}
		want := [][3]int64{{3, 4, 2}, {2, 2, 4}} // opened, in, out
		for i, w := range want {
			if d := got.Days[i]; d.Opened != w[0] || d.MessagesIn != w[1] || d.MessagesOut != w[2] {
				t.Errorf("day %d = %+v, want opened %d, in %d, out %d", i, d, w[0], w[1], w[2])
			}
		}
	})
}

// Company B sees none of A's numbers, even when it names A's channel.
func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		svc, a := seeded(t, s)
		clock := conversa.NewShiftClock()
		s.SetClock(clock)
		b := reporttest.Seed(t, s, clock, "beta")
		for _, p := range []report.Params{{}, {ChannelID: a.Ch1.ID}} {
			got, err := svc.Summary(ctx, b.Company.ID, query(t, svc, b.Company.ID, p))
			if err != nil {
				t.Fatal(err)
			}
			want := int64(4)
			if p.ChannelID != 0 {
				want = 0
			}
			if got.Opened != want || (want == 0 && (got.MessagesIn != 0 || got.Spend.Expected.Micros != 0 || got.OptOuts != 0)) {
				t.Errorf("beta with %+v = %+v, want only its own data", p, got)
			}
		}
		got, _ := svc.Summary(ctx, a.Company.ID, query(t, svc, a.Company.ID, report.Params{}))
		if got.Opened != 4 || got.MessagesIn != 5 || got.Spend.Expected.Micros != 70500 {
			t.Errorf("alpha after beta = %+v", got)
		}
	})
}

func TestQueryValidation(t *testing.T) {
	s := storetest.SQLite(t)
	svc, f := seeded(t, s)
	for _, p := range []report.Params{{From: "02/03/2026"}, {From: "2026-03-05", To: "2026-03-01"},
		{From: "2025-01-01", To: "2026-03-01"}, {TimeZone: "Mars/Olympus"}} {
		if _, err := svc.ParseQuery(ctx, f.Company.ID, p); conversa.ErrorCode(err) != conversa.EINVALID {
			t.Errorf("%+v: err = %v, want invalid", p, err)
		}
	}
	q, err := svc.ParseQuery(ctx, f.Company.ID, report.Params{})
	if err != nil || q.From.Format(time.DateOnly) != "2026-03-04" || q.To.Format(time.DateOnly) != "2026-03-10" ||
		q.Loc.String() != "America/Sao_Paulo" {
		t.Errorf("default period = %v..%v %v, %v", q.From, q.To, q.Loc, err)
	}
}

// The CSV holds the very strings the screen shows: BOM, header, cells.
func TestCSVExport(t *testing.T) {
	s := storetest.SQLite(t)
	svc, f := seeded(t, s)
	sum, err := svc.Summary(ctx, f.Company.ID, query(t, svc, f.Company.ID, report.Params{}))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := report.WriteCSV(&buf, sum.Table(), "pt-BR", true); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	for _, want := range []string{"\ufeffIndicador;Valor\r\n", "Conversas abertas;4\r\n", "1ª resposta, mediana (min);3,0\r\n",
		"1ª resposta, p90 (min);10,0\r\n", "Taxa de entrega (%);66,7\r\n", "Gasto previsto (USD);0,0705\r\n",
		"Templates de autenticação enviados;0\r\n"} {
		if !strings.Contains(out, want) {
			t.Errorf("pt-BR CSV lacks %q:\n%s", want, out)
		}
	}
	buf.Reset()
	report.WriteCSV(&buf, sum.Table(), "en", false)
	if out := buf.String(); !strings.Contains(out, "Expected spend (USD),0.0705\r\n") || !strings.Contains(out, "Failure rate (%),16.7\r\n") {
		t.Errorf("en CSV:\n%s", out)
	}
}
