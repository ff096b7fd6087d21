package inbox

import (
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Building blocks other senders (campaigns) share with the inbox, so a
// message they store is sent, matched by status webhooks and reconciled
// exactly like one the inbox sends.

// TemplateRequest is the Graph API request for template t filled with v,
// without the recipient.
func TemplateRequest(t conversa.Template, v conversa.TemplateValues) whatsapp.Message {
	return templateRequest(t, v)
}

// CallbackData is the biz_opaque_callback_data naming stored message id:
// status webhooks carrying it update that message (status.go), even
// before its wamid is recorded, and settle a send whose outcome was
// unknown.
func CallbackData(messageID int64) string { return callbackData(messageID) }
