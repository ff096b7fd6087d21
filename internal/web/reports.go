package web

import (
	"html/template"
	"net/http"
	"net/url"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/report"
)

// Reports (PRODUCT.md §10): KPI cards, SVG charts and tables for a period,
// read from the reports API. Cards and tables are printed from the same
// report.Table cells as the API's CSV, so the export matches the screen.
func (u *UI) routesReports(m *http.ServeMux) {
	m.HandleFunc("GET /app/reports", u.page(conversa.RoleSupervisor, "reports.html", u.loadReports))
}

type option struct {
	ID   int64
	Name string
}

type card struct{ Label, Value string }

type tableView struct {
	Title  string
	Head   []string
	Rows   [][]string
	Export string // the CSV of this table
}

type reportsData struct {
	Available          bool
	From, To, TimeZone string
	ChannelID, AgentID int64
	Channels, Agents   []option
	Cards              []card
	Charts             []template.HTML
	Tables             []tableView
}

// reportQuery keeps the page's filters for the API (and the export links).
func reportQuery(r *http.Request) url.Values {
	in, out := r.URL.Query(), url.Values{}
	for _, k := range []string{"from", "to", "tz", "channel_id", "agent_id"} {
		if s := in.Get(k); s != "" && s != "0" {
			out.Set(k, s)
		}
	}
	return out
}

func (u *UI) loadReports(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("reports.title"), "reports"
	d := &reportsData{Available: true}
	v.Data = d
	q := reportQuery(r).Encode()
	var sum report.Summary
	if err := u.apiGet(r, v, "/api/v1/reports/summary?"+q, &sum); err != nil {
		if missing(err) {
			d.Available = false
			return nil
		}
		return err
	}
	var daily report.Daily
	var agents struct{ Agents []report.AgentRow }
	var tmpl struct{ Templates []report.TemplateRow }
	for path, out := range map[string]any{"daily": &daily, "agents": &agents, "templates": &tmpl} {
		if err := u.apiGet(r, v, "/api/v1/reports/"+path+"?"+q, out); err != nil {
			return err
		}
	}
	d.From, d.To, d.TimeZone = sum.Period.From, sum.Period.To, sum.Period.TimeZone
	d.ChannelID, d.AgentID = atoi(r.URL.Query().Get("channel_id")), atoi(r.URL.Query().Get("agent_id"))
	if err := u.reportFilters(r, v, d); err != nil {
		return err
	}
	d.Cards = cards(v, sum.Table())
	d.Charts = charts(v, daily.Days)
	exp := func(name string) string {
		return "/api/v1/reports/" + name + "?" + q + "&format=csv&lang=" + url.QueryEscape(v.Lang)
	}
	d.Tables = []tableView{
		tableOf(v, v.T("reports.daily"), daily.Table(), exp("daily")),
		tableOf(v, v.T("reports.agents"), report.AgentsTable(agents.Agents, report.NoAgent.In(v.Lang)), exp("agents")),
		tableOf(v, v.T("reports.templates"), report.TemplatesTable(tmpl.Templates), exp("templates")),
		tableOf(v, v.T("reports.summary"), sum.Table(), exp("summary")),
	}
	return nil
}

// reportFilters fills the channel and agent choices.
func (u *UI) reportFilters(r *http.Request, v *view, d *reportsData) error {
	chans, err := u.channels(r, v)
	if err != nil {
		return err
	}
	for _, c := range chans {
		d.Channels = append(d.Channels, option{c.ID, c.Name})
	}
	var users struct{ Data []apiUser }
	if err := u.apiGet(r, v, "/api/v1/users", &users); err != nil {
		return err
	}
	for _, x := range users.Data {
		d.Agents = append(d.Agents, option{x.ID, x.Name})
	}
	return nil
}

// cards are the summary's rows as the KPI cards at the top of the page.
func cards(v *view, t report.Table) []card {
	out := make([]card, len(t.Rows))
	for i, row := range t.Rows {
		out[i] = card{Label: row[0].Format(v.Lang, v.IsPT()), Value: row[1].Format(v.Lang, v.IsPT())}
	}
	return out
}

func tableOf(v *view, title string, t report.Table, export string) tableView {
	tv := tableView{Title: title, Export: export}
	for _, c := range t.Columns {
		tv.Head = append(tv.Head, c.In(v.Lang))
	}
	for _, row := range t.Rows {
		cells := make([]string, len(row))
		for i, c := range row {
			cells[i] = c.Format(v.Lang, v.IsPT())
		}
		tv.Rows = append(tv.Rows, cells)
	}
	return tv
}

func atoi(s string) int64 {
	var n int64
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0
		}
		n = n*10 + int64(c-'0')
	}
	return n
}
