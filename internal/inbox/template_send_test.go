package inbox_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// approve creates t on the simulator's account (its review approves it)
// and keeps our APPROVED copy, as a template sync would.
func (w *world) approve(t conversa.Template) {
	w.t.Helper()
	raw, _ := json.Marshal(map[string]any{"name": t.Name, "language": "pt_BR", "category": string(t.Category), "components": t.Components})
	req, _ := http.NewRequest("POST", w.acc.GraphURL+"/v21.0/"+w.acc.WABAID+"/message_templates", bytes.NewReader(raw))
	req.Header.Set("Authorization", "Bearer "+w.acc.AccessToken)
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		w.t.Fatalf("creating %s on the simulator: %d", t.Name, resp.StatusCode)
	}
	t.CompanyID, t.ChannelID, t.Language, t.Status = w.company.ID, w.channel.ID, "pt_BR", conversa.TemplateApproved
	if _, _, err := w.st.SaveTemplate(ctx, t, nil); err != nil {
		w.t.Fatal(err)
	}
}

// Templates with a media header, a URL button, a coupon code and a
// one-time password: the API checks what each needs before calling Meta
// (naming what is missing), builds Meta's components, and the simulator —
// which checks them as Meta does — accepts and shows them.
func TestTemplatesWithHeaderAndButtonsAgainstSimulator(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		w := newWorld(t, st, nil)
		w.approve(conversa.Template{Name: "colecao_foto", Category: conversa.CategoryMarketing, Components: []conversa.TemplateComponent{
			{Type: "HEADER", Format: "IMAGE", Example: &conversa.TemplateExample{HeaderHandle: []string{"4::aW1n"}}},
			{Type: "BODY", Text: "Oi {{1}}, chegou a coleção de verão.", Example: &conversa.TemplateExample{BodyText: [][]string{{"Ana"}}}},
			{Type: "BUTTONS", Buttons: []conversa.TemplateButton{{Type: "COPY_CODE", Text: "Copiar cupom", Example: []string{"VERAO10"}}}},
		}})
		w.approve(conversa.Template{Name: "rastreio", Category: conversa.CategoryUtility, Components: []conversa.TemplateComponent{
			{Type: "BODY", Text: "Seu pedido {{1}} saiu para entrega.", Example: &conversa.TemplateExample{BodyText: [][]string{{"#1"}}}},
			{Type: "BUTTONS", Buttons: []conversa.TemplateButton{{Type: "URL", Text: "Rastrear", URL: "https://loja.example/r/{{1}}",
				Example: []string{"https://loja.example/r/ABC"}}}},
		}})
		w.approve(conversa.Template{Name: "codigo_acesso", Category: conversa.CategoryAuthentication, Components: []conversa.TemplateComponent{
			{Type: "BODY", Text: "*{{1}}* é seu código de verificação.", Example: &conversa.TemplateExample{BodyText: [][]string{{"123456"}}}},
			{Type: "BUTTONS", Buttons: []conversa.TemplateButton{{Type: "OTP", OTPType: "COPY_CODE", Text: "Copiar código"}}},
		}})
		for i, tc := range []struct {
			name, missing string // the sentence of the refusal without the extra values
			params        []string
			extra         map[string]any
			text, button  string // what Conversa stores, what the customer's button carries
		}{
			{"colecao_foto", `needs the image of its header: send "header"`, []string{"Ana"},
				map[string]any{"header": map[string]any{"image": map[string]string{"link": "https://cdn.example/verao.jpg"}},
					"buttons": []map[string]any{{"index": 0, "coupon_code": "VERAO10"}}},
				"Oi Ana, chegou a coleção de verão.", "VERAO10"},
			{"rastreio", `URL button 0 ("Rastrear")`, []string{"#777"},
				map[string]any{"buttons": []map[string]any{{"index": 0, "text": "ABC777"}}},
				"Seu pedido #777 saiu para entrega.", "https://loja.example/r/ABC777"},
			{"codigo_acesso", "", []string{"482913"}, nil, "*482913* é seu código de verificação.", "482913"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				to := fmt.Sprintf("5511987650%03d", i)
				body := template(tc.name, tc.params...)
				body["channel_id"], body["to"] = w.channel.ID, "+"+to
				if tc.missing != "" {
					raw := w.call("POST", "/api/v1/messages", body, nil, http.StatusUnprocessableEntity, nil)
					if !strings.Contains(string(raw), `"code":"template_params"`) || !strings.Contains(string(raw), strings.ReplaceAll(tc.missing, `"`, `\"`)) {
						t.Fatalf("without the extra values: %s", raw)
					}
					if w.sim.Sent(w.acc.PhoneNumberID, to) != 0 {
						t.Fatal("a refused send reached the simulator")
					}
				}
				for k, v := range tc.extra {
					body["template"].(map[string]any)[k] = v
				}
				var started struct {
					ConversationID int64 `json:"conversation_id"`
					MessageID      int64 `json:"message_id"`
				}
				w.call("POST", "/api/v1/messages", body, nil, http.StatusCreated, &started)
				w.waitStatus(started.ConversationID, started.MessageID, "delivered")
				if m := w.message(started.ConversationID, started.MessageID); m.Text != tc.text {
					t.Errorf("stored text = %q, want %q", m.Text, tc.text)
				}
				chat, err := w.sim.Chat(w.acc.PhoneNumberID, to)
				if err != nil || len(chat.Messages) != 1 {
					t.Fatalf("simulator chat: %+v, %v", chat, err)
				}
				got := chat.Messages[0]
				if len(got.Buttons) != 1 || got.Buttons[0].ID != tc.button {
					t.Errorf("the customer's button = %+v, want %q", got.Buttons, tc.button)
				}
				if tc.name == "colecao_foto" && !strings.HasPrefix(got.Text, "*[image]*") {
					t.Errorf("the customer saw %q, without the image header", got.Text)
				}
			})
		}
	})
}
