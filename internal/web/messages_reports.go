package web

// The reports screen's texts, merged into both catalogs here so the
// catalog files other screens edit don't collide (TestCatalogsMatch still
// checks both languages have every key).
func init() {
	addMessages(map[string][2]string{
		"nav.reports":            {"Relatórios", "Reports"},
		"reports.title":          {"Relatórios", "Reports"},
		"reports.from":           {"De", "From"},
		"reports.to":             {"Até", "To"},
		"reports.channel":        {"Canal", "Channel"},
		"reports.agent":          {"Agente", "Agent"},
		"reports.all":            {"Todos", "All"},
		"reports.apply":          {"Aplicar", "Apply"},
		"reports.tz":             {"Dias no fuso %s.", "Days in the %s time zone."},
		"reports.summary":        {"Resumo", "Summary"},
		"reports.daily":          {"Por dia", "By day"},
		"reports.agents":         {"Por agente", "By agent"},
		"reports.templates":      {"Por template", "By template"},
		"reports.export":         {"Exportar CSV", "Export CSV"},
		"reports.no_data":        {"Nada neste período.", "Nothing in this period."},
		"reports.chart_messages": {"Mensagens por dia", "Messages per day"},
		"reports.chart_spend":    {"Gasto por dia (USD)", "Spend per day (USD)"},
		"reports.chart_delivery": {"Entrega das mensagens enviadas", "Delivery of messages sent"},
		"reports.in":             {"Recebidas", "In"},
		"reports.out":            {"Enviadas", "Out"},
		"reports.expected":       {"Previsto", "Expected"},
		"reports.billable":       {"Faturável", "Billable"},
		"reports.read":           {"Lidas", "Read"},
		"reports.delivered":      {"Entregues (não lidas)", "Delivered (unread)"},
		"reports.failed":         {"Falharam", "Failed"},
	})
}
