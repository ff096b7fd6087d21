package web

// The thread's texts for what messages hold besides text (locations,
// shared contacts, chosen buttons, reactions), the composer's files and
// the live announcements, merged into both catalogs as messages_inbox.go
// does.
func init() {
	addMessages(map[string][2]string{
		"content.open_map":           {"Abrir no mapa", "Open in map"},
		"content.new_tab":            {"abre em outra aba", "opens in a new tab"},
		"content.no_phone":           {"Sem telefone no cartão.", "No phone number on the card."},
		"content.reply_button":       {"Tocou no botão:", "Tapped the button:"},
		"content.reply_button_reply": {"Tocou no botão:", "Tapped the button:"},
		"content.reply_list_reply":   {"Escolheu na lista:", "Picked from the list:"},
		"content.unsupported":        {"O cliente enviou um tipo de mensagem que o WhatsApp não entrega a empresas (por exemplo, uma enquete ou uma foto de visualização única). Peça que envie de outra forma.", "The customer sent a kind of message WhatsApp doesn't deliver to businesses (a poll or a view-once photo, for example). Ask them to send it another way."},
		"day.today":                  {"Hoje", "Today"},
		"day.yesterday":              {"Ontem", "Yesterday"},
		"inbox.reactions":            {"Reações", "Reactions"},
		"reaction.by_in":             {"Reação do cliente", "The customer's reaction"},
		"reaction.by_out":            {"Nossa reação", "Our reaction"},
		"reaction.line_in":           {"%s reagiu com %s a uma mensagem anterior.", "%s reacted %s to an earlier message."},
		"reaction.line_out":          {"Reagimos com %s a uma mensagem anterior.", "We reacted %s to an earlier message."},
		"js.announce.message":        {"Nova mensagem de %s", "New message from %s"},
		"js.announce.reaction":       {"Nova reação de %s", "New reaction from %s"},
		"upload.title":               {"Anexar arquivo", "Attach a file"},
		"upload.choose":              {"Arquivo do computador", "File from your computer"},
		"upload.limits":              {"O WhatsApp aceita:", "WhatsApp takes:"},
		"upload.up_to":               {"até %s", "up to %s"},
		"upload.caption_hint":        {"O texto escrito acima vai como legenda; num áudio, vai logo depois, como mensagem à parte.", "The text above goes as the caption; with audio it follows as a message of its own."},
		"upload.remove":              {"Remover arquivo", "Remove file"},
		"upload.progress":            {"Envio do arquivo", "File upload"},
		"js.upload.chosen":           {"%s · %s · %s", "%s · %s · %s"},
		"js.upload.sending":          {"Enviando %s… %s%", "Sending %s… %s%"},
		"js.upload.bad_type":         {"O WhatsApp não aceita este tipo de arquivo (%s). Veja a lista acima.", "WhatsApp doesn't take this kind of file (%s). See the list above."},
		"js.upload.too_big":          {"O arquivo tem %s; o WhatsApp aceita %s de até %s.", "The file is %s; WhatsApp takes %s of up to %s."},
		"js.kind.image":              {"imagem", "image"},
		"js.kind.audio":              {"áudio", "audio"},
		"js.kind.video":              {"vídeo", "video"},
		"js.kind.document":           {"documento", "document"},
		"inbox.live_announcements":   {"Avisos de mensagens novas", "New message announcements"},
		"inbox.unread_one":           {"%d mensagem não lida", "%d unread message"},
		"inbox.unread_other":         {"%d mensagens não lidas", "%d unread messages"},
		"retry.button":               {"Tentar novamente", "Try again"},
		"retry.done":                 {"Enviada de novo, como uma nova mensagem abaixo.", "Sent again, as a new message below."},
		"retry.resent":               {"Enviada de novo: ver o reenvio", "Sent again: see the resend"},
	})
}
