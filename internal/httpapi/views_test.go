package httpapi

import (
	"encoding/json"
	"testing"

	"github.com/conversa/conversa/internal/conversa"
)

// The content view reads what the inbox shows beyond the text from Meta's
// inbound payloads and from our own send requests.
func TestViewMessageContent(t *testing.T) {
	for _, tc := range []struct {
		typ, payload, want string
	}{
		{"location", `{"type":"location","location":{"latitude":-23.5614,"longitude":-46.6559,"name":"Loja Paulista","address":"Av. Paulista, 1000"}}`,
			`{"location":{"latitude":-23.5614,"longitude":-46.6559,"name":"Loja Paulista","address":"Av. Paulista, 1000"}}`},
		{"contacts", `{"contacts":[{"name":{"formatted_name":"Bruno Lima","first_name":"Bruno"},"phones":[{"phone":"+55 11 91234-5678","type":"CELL","wa_id":"5511912345678"},{"phone":"+55 11 3000-2000"}]}]}`,
			`{"contacts":[{"name":"Bruno Lima","phones":["+55 11 91234-5678","+55 11 3000-2000"],"wa_ids":["5511912345678"]}]}`},
		{"document", `{"document":{"id":"m1","filename":"nota-fiscal.pdf","mime_type":"application/pdf"}}`, `{"filename":"nota-fiscal.pdf"}`},
		{"button", `{"button":{"payload":"STOP","text":"Parar promoções"}}`, `{"reply":{"kind":"button","id":"STOP","title":"Parar promoções"}}`},
		{"interactive", `{"interactive":{"type":"list_reply","list_reply":{"id":"r2","title":"Terça","description":"das 9h às 12h"}}}`,
			`{"reply":{"kind":"list_reply","id":"r2","title":"Terça","description":"das 9h às 12h"}}`},
		{"interactive", `{"interactive":{"type":"button_reply","button_reply":{"id":"yes","title":"Sim"}}}`, `{"reply":{"kind":"button_reply","id":"yes","title":"Sim"}}`},
		{"reaction", `{"reaction":{"message_id":"wamid.X","emoji":"👍"}}`, `{"reaction":{"message_id":"wamid.X","emoji":"👍"}}`},
		{"unsupported", `{"errors":[{"code":131051}]}`, `{"unsupported":true}`},
		{"text", `{"text":{"body":"oi"}}`, `null`},
		{"image", `{"image":{"id":"m2","caption":"foto"}}`, `null`},
		{"location", `not json`, `null`},
		{"text", ``, `null`},
	} {
		got, _ := json.Marshal(viewMessageContent(conversa.Message{Type: tc.typ, Payload: json.RawMessage(tc.payload)}))
		if string(got) != tc.want {
			t.Errorf("%s %s:\n got %s\nwant %s", tc.typ, tc.payload, got, tc.want)
		}
	}
}
