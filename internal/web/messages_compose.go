package web

// The template picker's header and button fields and the readiness
// checklist's account item, merged into both catalogs here (as the other
// screens do) so the shared catalog files don't collide; TestCatalogsMatch
// still checks both languages have every key.
func init() {
	addMessages(map[string][2]string{
		"compose.header_text":      {"Cabeçalho: variável {{%s}}", "Header: variable {{%s}}"},
		"compose.header_image":     {"Cabeçalho: link da imagem", "Header: image link"},
		"compose.header_video":     {"Cabeçalho: link do vídeo", "Header: video link"},
		"compose.header_document":  {"Cabeçalho: link do documento", "Header: document link"},
		"compose.button_url":       {"Botão “%s”: final do endereço", "Button “%s”: end of the address"},
		"compose.button_copy_code": {"Botão “%s”: código do cupom", "Button “%s”: coupon code"},
		"compose.button_otp":       {"O botão “%s” copia o código digitado acima.", "The “%s” button copies the code typed above."},
		"compose.header_location":  {"Modelos com cabeçalho de localização só podem ser enviados pela API.", "Templates with a location header can only be sent through the API."},
		"readiness.account_status": {"Conta e número sem bloqueio", "Account and number not blocked"},
	})
}
