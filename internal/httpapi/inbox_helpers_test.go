package httpapi_test

import (
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// alphaInbox returns alpha's contact, conversation (window open) and one
// inbound message with stored media, creating them once.
func alphaInbox(e *env) (contactID, conversationID, messageID int64) {
	rows, err := e.st.Conversations(ctx, e.alpha.ID, store.ConversationFilter{Status: "all", Limit: 1})
	if err != nil {
		e.t.Fatal(err)
	}
	if len(rows) == 0 {
		ct, err := e.st.UpsertContact(ctx, conversa.Contact{CompanyID: e.alpha.ID, ChannelID: alphaChannel(e), WAID: "5511987654321", Name: "Ana"})
		if err != nil {
			e.t.Fatal(err)
		}
		now := e.clock.Now()
		if _, err := e.st.CreateConversation(ctx, conversa.Conversation{CompanyID: e.alpha.ID, ChannelID: ct.ChannelID, ContactID: ct.ID,
			Status: conversa.ConversationOpen, Origin: conversa.OriginService, LastInboundAt: now, LastMessageAt: now}); err != nil {
			e.t.Fatal(err)
		}
		return alphaInbox(e)
	}
	msgs, _ := e.st.Messages(ctx, e.alpha.ID, rows[0].ID, 0, 1)
	if len(msgs) == 0 {
		m, _, err := e.st.InsertMessage(ctx, conversa.Message{CompanyID: e.alpha.ID, ConversationID: rows[0].ID, Direction: conversa.Inbound,
			Type: "image", Status: conversa.StatusReceived, WAMID: "wamid.alpha", MediaID: "media-1"})
		if err != nil {
			e.t.Fatal(err)
		}
		m.MediaPath, m.MediaMime = "media/1/1.png", "image/png"
		if err := e.st.SaveMessage(ctx, m); err != nil {
			e.t.Fatal(err)
		}
		msgs = append(msgs, m)
	}
	return rows[0].Contact.ID, rows[0].ID, msgs[0].ID
}

func alphaConversation(e *env) int64 { _, id, _ := alphaInbox(e); return id }
func alphaContact(e *env) int64      { id, _, _ := alphaInbox(e); return id }
func alphaMessage(e *env) int64      { _, _, id := alphaInbox(e); return id }
