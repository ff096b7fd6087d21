package web

import (
	"fmt"
	"html/template"
	"net/url"
	"strings"
)

// What the thread shows of a message beyond its text (the API's "content",
// read from the stored payload): a pin with a map link, shared contact
// cards, a document's file name, the button or list row a customer chose,
// a sentence for kinds WhatsApp can't deliver, and reactions folded into
// the bubbles they are about.

type apiContent struct {
	Location    *apiLocation       `json:"location"`
	Contacts    []apiSharedContact `json:"contacts"`
	Filename    string             `json:"filename"`
	Reply       *apiReply          `json:"reply"`
	Reaction    *apiReaction       `json:"reaction"`
	Unsupported bool               `json:"unsupported"`
}

type apiLocation struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name"`
	Address   string  `json:"address"`
}

// Coordinates are written the same in every language (a decimal point,
// five places: about a metre), as map sites and GPS apps take them.
func (l apiLocation) Coordinates() string {
	return fmt.Sprintf("%.5f, %.5f", l.Latitude, l.Longitude)
}

// MapURL opens the pin on OpenStreetMap, which needs no account or key.
func (l apiLocation) MapURL() string {
	lat, lon := fmt.Sprintf("%.6f", l.Latitude), fmt.Sprintf("%.6f", l.Longitude)
	q := url.Values{"mlat": {lat}, "mlon": {lon}}
	return "https://www.openstreetmap.org/?" + q.Encode() + "#map=17/" + lat + "/" + lon
}

type apiSharedContact struct {
	Name   string   `json:"name"`
	Phones []string `json:"phones"`
}

// Tel is a phone of a card as a tel: link. Only digits and + are kept, so
// the link is safe to mark as one (html/template refuses tel: otherwise).
func (apiSharedContact) Tel(phone string) template.URL {
	return template.URL("tel:" + strings.Map(func(r rune) rune {
		if r == '+' || r >= '0' && r <= '9' {
			return r
		}
		return -1
	}, phone))
}

type apiReply struct {
	Kind    string `json:"kind"`
	Title   string `json:"title"`
	Details string `json:"description"`
}

type apiReaction struct {
	MessageID string `json:"message_id"`
	Emoji     string `json:"emoji"`
}

// reactionBadge is an emoji shown on the bubble it reacts to.
type reactionBadge struct {
	Emoji     string
	Direction string // in: the customer's; out: ours
}

// ShowsText is whether the bubble prints the text field: a location's
// name and a chosen button's title are the text too, shown by the content.
func (m apiMessage) ShowsText() bool {
	c := m.Content
	return m.Text != "" && (c == nil || c.Location == nil && c.Reply == nil)
}

// NamesKind is whether a bubble without the API's content says what kind
// of message its text comes from ("Localização" above the place's name).
func (m apiMessage) NamesKind() bool {
	switch m.Type {
	case "location", "contacts", "button", "interactive":
		return m.Text != ""
	}
	return false
}

// Retryable is a message of ours that failed and was not sent again yet,
// which the thread offers to send again.
func (m apiMessage) Retryable() bool {
	return m.Direction == "out" && m.Status == "failed" && m.RetriedBy == nil
}

// IsReaction is a reaction left as a line of its own: its message is not
// in the thread (older than the page), or the API didn't say which it is.
func (m apiMessage) IsReaction() bool { return m.Type == "reaction" }

// ReactionEmoji is the emoji of a reaction message ("" takes one back).
func (m apiMessage) ReactionEmoji() string {
	if m.Content != nil && m.Content.Reaction != nil {
		return m.Content.Reaction.Emoji
	}
	return m.Text
}

// reactsTo is the wamid a reaction is about, when the API said.
func (m apiMessage) reactsTo() string {
	if m.IsReaction() && m.Content != nil && m.Content.Reaction != nil {
		return m.Content.Reaction.MessageID
	}
	return ""
}

// foldReactions moves each reaction whose message is in the thread onto
// that bubble, as WhatsApp shows them: the latest from each side wins and
// an empty emoji takes it back. Messages come oldest first.
func foldReactions(msgs []apiMessage) []apiMessage {
	at := map[string]int{}
	for i, m := range msgs {
		if m.WAMID != nil && !m.IsReaction() {
			at[*m.WAMID] = i
		}
	}
	folded := map[int]bool{}
	for i, m := range msgs {
		if j, ok := at[m.reactsTo()]; ok {
			msgs[j].Reactions = withReaction(msgs[j].Reactions, reactionBadge{m.ReactionEmoji(), m.Direction})
			folded[i] = true
		}
	}
	out := make([]apiMessage, 0, len(msgs)-len(folded))
	for i, m := range msgs {
		if !folded[i] {
			out = append(out, m)
		}
	}
	return out
}

// withReaction replaces the side's earlier reaction with r.
func withReaction(list []reactionBadge, r reactionBadge) []reactionBadge {
	out := []reactionBadge{}
	for _, b := range list {
		if b.Direction != r.Direction {
			out = append(out, b)
		}
	}
	if r.Emoji != "" {
		out = append(out, r)
	}
	return out
}

// bubbleView is one message of the thread with what its bubble looks up
// in the rest of the thread.
type bubbleView struct {
	apiMessage
	t *threadData
}

// Bubble is m as the thread's templates show it.
func (t *threadData) Bubble(m apiMessage) bubbleView { return bubbleView{m, t} }

// Quote is the message this one replies to, when it is in the thread.
func (b bubbleView) Quote() *apiMessage { return b.t.Quoted(b.apiMessage) }

// Attachment is the message's file, for the media template.
func (b bubbleView) Attachment() mediaView { return b.t.Media(b.apiMessage) }

// Contact names the customer, for a reaction's line.
func (b bubbleView) Contact() string { return b.t.C.Title() }

// Filename is a document's file name, when the API gave it.
func (m apiMessage) Filename() string {
	if m.Content != nil {
		return m.Content.Filename
	}
	return ""
}

// NewDay is whether message i is the first of its day (in the viewer's
// zone), where the thread shows the date.
func (t *threadData) NewDay(i int) bool {
	if i == 0 {
		return true
	}
	y1, m1, d1 := t.Messages[i-1].CreatedAt.In(t.zone).Date()
	y2, m2, d2 := t.Messages[i].CreatedAt.In(t.zone).Date()
	return y1 != y2 || m1 != m2 || d1 != d2
}
