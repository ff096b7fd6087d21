package web

import (
	"context"
	"fmt"
	"net/url"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
)

// The template picker offers a field for each header and button value the
// template needs, and the preview sends them to the API: without them the
// API's reason shows, with them the rendered text.
func TestPickerOffersHeaderAndButtonFields(t *testing.T) {
	s, channelID, st := campaignStack(t)
	ctx := context.Background()
	co, err := st.CompanyByDomain(ctx, "acme")
	if err != nil {
		t.Fatal(err)
	}
	tpl, _, err := st.SaveTemplate(ctx, conversa.Template{CompanyID: co.ID, ChannelID: channelID, MetaID: "m-2", Name: "colecao",
		Language: "pt_BR", Category: conversa.CategoryMarketing, Status: conversa.TemplateApproved, Components: []conversa.TemplateComponent{
			{Type: "HEADER", Format: "IMAGE"},
			{Type: "BODY", Text: "Oi {{1}}, chegou a coleção."},
			{Type: "BUTTONS", Buttons: []conversa.TemplateButton{{Type: "URL", Text: "Ver", URL: "https://loja.example/c/{{1}}"}}},
		}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	admin := s.login("admin@acme.com")
	vars := pageText(t, s.getAs(fmt.Sprintf("/app/compose/vars?channel_id=%d&template=%d", channelID, tpl.ID), langPT, admin))
	mustContain(t, vars, `name="hdr"`, `data-header="image"`, "Cabeçalho: link da imagem", `name="btn0"`, `data-button="0"`,
		`data-field="text"`, "Botão “Ver”: final do endereço")
	form := url.Values{"channel_id": {fmt.Sprint(channelID)}, "to": {"+5511987654321"}, "template": {fmt.Sprint(tpl.ID)}, "p": {"Ana"}}
	mustContain(t, pageText(t, s.postFormAs("/app/compose/preview", langEN, admin, form)), "needs the image of its header")
	form.Set("hdr", "https://cdn.example/verao.jpg")
	form.Set("btn0", "verao")
	mustContain(t, pageText(t, s.postFormAs("/app/compose/preview", langEN, admin, form)), "Oi Ana, chegou a coleção.", `id="tpl-cost"`)
}
