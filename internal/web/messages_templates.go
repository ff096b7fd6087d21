package web

// The template editor's and list's texts for headers, variables, buttons,
// deleting and syncing, merged into both catalogs as messages_inbox.go
// does.
func init() {
	addMessages(map[string][2]string{
		"tpl.format":               {"Variáveis", "Variables"},
		"tpl.format_positional":    {"Numeradas: {{1}}, {{2}}…", "Numbered: {{1}}, {{2}}…"},
		"tpl.format_named":         {"Com nome: {{nome}}, {{pedido}}…", "Named: {{name}}, {{order}}…"},
		"tpl.format_hint":          {"Com nome, use letras minúsculas, números e _ (ex.: {{primeiro_nome}}).", "Named variables use lowercase letters, digits and _ (e.g. {{first_name}})."},
		"tpl.header_kind":          {"Tipo de cabeçalho", "Header kind"},
		"tpl.header.NONE":          {"Sem cabeçalho", "No header"},
		"tpl.header.TEXT":          {"Texto", "Text"},
		"tpl.header.IMAGE":         {"Imagem", "Image"},
		"tpl.header.VIDEO":         {"Vídeo", "Video"},
		"tpl.header.DOCUMENT":      {"Documento", "Document"},
		"tpl.header_text":          {"Texto do cabeçalho", "Header text"},
		"tpl.header_text_hint":     {"Até 60 caracteres e no máximo uma variável.", "Up to 60 characters and at most one variable."},
		"tpl.header_sample":        {"Exemplo do arquivo, para a revisão da Meta", "Sample file, for Meta's review"},
		"tpl.header_sample_hint":   {"O identificador (handle) de um arquivo de exemplo enviado pelo upload retomável da Meta, ou um link https público para ele. Cada envio do modelo escolhe o seu próprio arquivo.", "The handle of a sample file sent through Meta's resumable upload, or a public https link to it. Each send of the template picks its own file."},
		"tpl.buttons":              {"Botões", "Buttons"},
		"tpl.buttons_hint":         {"Até 10 botões: respostas rápidas, até 2 links e 1 telefone. O texto do botão tem até 25 caracteres.", "Up to 10 buttons: quick replies, up to 2 links and 1 phone number. Button text is up to 25 characters."},
		"tpl.button.QUICK_REPLY":   {"Resposta rápida", "Quick reply"},
		"tpl.button.URL":           {"Link", "Link"},
		"tpl.button.PHONE_NUMBER":  {"Telefone", "Phone number"},
		"tpl.button.COPY_CODE":     {"Copiar código", "Copy code"},
		"tpl.button.OTP":           {"Código de acesso", "One-time password"},
		"tpl.button.FLOW":          {"Formulário (Flow)", "Flow"},
		"tpl.button_text":          {"Texto do botão", "Button text"},
		"tpl.button_url":           {"Endereço", "Address"},
		"tpl.button_url_hint":      {"Termine com {{1}} para completar o endereço em cada envio (por exemplo, o número do pedido).", "End it with {{1}} to complete the address on each send (the order number, say)."},
		"tpl.button_example":       {"Exemplo para {{1}}", "Sample for {{1}}"},
		"tpl.button_phone":         {"Telefone com DDI", "Phone number with country code"},
		"tpl.remove_button":        {"Remover botão", "Remove button"},
		"templates.delete":         {"Apagar", "Delete"},
		"templates.delete_label":   {"Apagar o modelo %s", "Delete the template %s"},
		"templates.delete_confirm": {"Apagar o modelo %s (%s)? Ele também é apagado na Meta e não poderá mais ser enviado.", "Delete the template %s (%s)? It is deleted at Meta too and can no longer be sent."},
		"templates.deleted":        {"Modelo apagado.", "Template deleted."},
		"templates.sync":           {"Sincronizar agora", "Sync now"},
		"templates.sync_hint":      {"Traz da Meta os modelos criados ou alterados fora do Conversa.", "Brings in templates created or changed outside Conversa, from Meta."},
		"templates.synced":         {"Sincronizado: {total} modelos na Meta; {created} novos, {updated} atualizados, {deleted} removidos.", "Synced: {total} templates at Meta; {created} new, {updated} updated, {deleted} removed."},
	})
}
