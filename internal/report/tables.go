package report

import "github.com/conversa/conversa/internal/conversa"

// The tables of each report, in the order the page shows their columns.

var (
	colDate        = label("Data", "Date")
	colOpened      = label("Conversas abertas", "Conversations opened")
	colResolved    = label("Conversas resolvidas", "Conversations resolved")
	colIn          = label("Mensagens recebidas", "Messages in")
	colOut         = label("Mensagens enviadas", "Messages out")
	colDelivered   = label("Entregues", "Delivered")
	colRead        = label("Lidas", "Read")
	colFailed      = label("Falharam", "Failed")
	colExpired     = label("Janelas expiradas sem resposta", "Windows expired without reply")
	colOptOuts     = label("Descadastros", "Opt-outs")
	colExpected    = label("Gasto previsto (USD)", "Expected spend (USD)")
	colBillable    = label("Gasto faturável (USD)", "Billable spend (USD)")
	colUnconfirmed = label("Gasto sem confirmação (USD)", "Unconfirmed spend (USD)")
	colFRTMedian   = label("1ª resposta, mediana (min)", "First response, median (min)")
	colFRTP90      = label("1ª resposta, p90 (min)", "First response, p90 (min)")
	colResMedian   = label("Resolução, mediana (min)", "Resolution, median (min)")
	colResP90      = label("Resolução, p90 (min)", "Resolution, p90 (min)")
	colDelivRate   = label("Taxa de entrega (%)", "Delivery rate (%)")
	colReadRate    = label("Taxa de leitura (%)", "Read rate (%)")
	colFailRate    = label("Taxa de falha (%)", "Failure rate (%)")
)

// NoAgent names the agents report's row of unassigned conversations and
// automatic sends.
var NoAgent = label("Sem responsável", "No agent")

// CategoryLabel names a pricing category.
func CategoryLabel(c conversa.Category) Label {
	switch c {
	case conversa.CategoryMarketing:
		return label("Templates de marketing enviados", "Marketing templates sent")
	case conversa.CategoryUtility:
		return label("Templates de utilidade enviados", "Utility templates sent")
	case conversa.CategoryAuthentication:
		return label("Templates de autenticação enviados", "Authentication templates sent")
	}
	return label(string(c), string(c))
}

// Table is the summary as (indicator, value) rows.
func (s Summary) Table() Table {
	t := Table{Name: "summary", Columns: []Label{label("Indicador", "Indicator"), label("Valor", "Value")}}
	add := func(l Label, c Cell) { t.Rows = append(t.Rows, []Cell{named(l), c}) }
	add(colOpened, count(s.Opened))
	add(colResolved, count(s.Resolved))
	add(colFRTMedian, minutes(s.FirstResponse.MedianMS))
	add(colFRTP90, minutes(s.FirstResponse.P90MS))
	add(colResMedian, minutes(s.Resolution.MedianMS))
	add(colResP90, minutes(s.Resolution.P90MS))
	add(colIn, count(s.MessagesIn))
	add(colOut, count(s.MessagesOut))
	for _, c := range s.Templates {
		add(CategoryLabel(c.Category), count(c.Sent))
	}
	add(colDelivRate, percent(s.Delivery.DeliveredRate))
	add(colReadRate, percent(s.Delivery.ReadRate))
	add(colFailRate, percent(s.Delivery.FailedRate))
	add(colExpired, count(s.ExpiredWindows))
	add(colOptOuts, count(s.OptOuts))
	add(colExpected, money(s.Spend.Expected))
	add(colBillable, money(s.Spend.Billable))
	add(colUnconfirmed, money(s.Spend.Unconfirmed))
	return t
}

// Table is the series, one row per day.
func (d Daily) Table() Table {
	t := Table{Name: "daily", Columns: []Label{colDate, colOpened, colResolved, colIn, colOut, colDelivered, colRead,
		colFailed, colExpired, colOptOuts, colExpected, colBillable}}
	for _, x := range d.Days {
		t.Rows = append(t.Rows, []Cell{text(x.Date), count(x.Opened), count(x.Resolved), count(x.MessagesIn),
			count(x.MessagesOut), count(x.Delivered), count(x.Read), count(x.Failed), count(x.ExpiredWindows),
			count(x.OptOuts), money(x.Spend.Expected), money(x.Spend.Billable)})
	}
	return t
}

// AgentsTable is one row per agent; noAgent names row 0.
func AgentsTable(rows []AgentRow, noAgent string) Table {
	t := Table{Name: "agents", Columns: []Label{label("Agente", "Agent"), colOpened, colResolved, colFRTMedian, colFRTP90,
		colResMedian, colResP90, label("Mensagens enviadas", "Messages sent"), colExpired, colExpected}}
	for _, r := range rows {
		name := r.Name
		if r.AgentID == 0 {
			name = noAgent
		}
		t.Rows = append(t.Rows, []Cell{text(name), count(r.Opened), count(r.Resolved), minutes(r.FirstResponse.MedianMS),
			minutes(r.FirstResponse.P90MS), minutes(r.Resolution.MedianMS), minutes(r.Resolution.P90MS),
			count(r.MessagesSent), count(r.ExpiredWindows), money(r.Spend.Expected)})
	}
	return t
}

// TemplatesTable is one row per template.
func TemplatesTable(rows []TemplateRow) Table {
	t := Table{Name: "templates", Columns: []Label{label("Template", "Template"), label("Categoria", "Category"),
		label("Enviados", "Sent"), colDelivered, colRead, colFailed, colDelivRate, colReadRate, colFailRate,
		colExpected, colBillable}}
	for _, r := range rows {
		d := r.Delivery
		t.Rows = append(t.Rows, []Cell{text(r.Template), text(string(r.Category)), count(d.Out), count(d.Delivered),
			count(d.Read), count(d.Failed), percent(d.DeliveredRate), percent(d.ReadRate), percent(d.FailedRate),
			money(r.Spend.Expected), money(r.Spend.Billable)})
	}
	return t
}
