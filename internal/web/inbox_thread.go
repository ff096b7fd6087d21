package web

import (
	"fmt"
	"html/template"
	"net/http"
	"time"
	"unicode/utf8"

	"github.com/conversa/conversa/internal/conversa"
)

// The thread: messages with ticks, failure reasons, media previews and the
// message each reply quotes; the composer (free text, emoji, canned
// responses, attachments by link) that turns into the template picker when
// the 24-hour window is closed. Each part below is also an htmx fragment,
// refreshed on its own.
func (u *UI) routesThread(m *http.ServeMux) {
	for _, f := range []struct {
		path, template string
		part           threadPart
	}{
		{"messages", "thread-messages", (*UI).partMessages},
		{"composer", "composer", (*UI).partComposer},
		{"card", "contact-card", (*UI).partCard},
		{"notes", "notes", (*UI).partNotes},
	} {
		m.HandleFunc("GET /app/inbox/{id}/"+f.path, u.fragment(conversa.RoleAgent, "inbox.html", f.template, u.threadLoader(f.part)))
	}
}

type apiMessage struct {
	ID          int64       `json:"id"`
	Direction   string      `json:"direction"`
	Type        string      `json:"type"`
	Text        string      `json:"text"`
	Status      string      `json:"status"`
	WAMID       *string     `json:"wamid"`
	ReplyTo     string      `json:"reply_to"`
	CreatedAt   time.Time   `json:"created_at"`
	Error       *string     `json:"error"`
	Category    string      `json:"category"`
	HasMedia    bool        `json:"has_media"`
	MediaStored bool        `json:"media_stored"`
	ReadAt      *time.Time  `json:"read_at"`
	RetriedBy   *int64      `json:"retried_by"` // its resend, once sent again
	Content     *apiContent `json:"content"`

	Reactions []reactionBadge `json:"-"` // folded in from reaction messages (inbox_content.go)
}

// MediaURL is where the API serves the stored attachment.
func (m apiMessage) MediaURL() string { return fmt.Sprintf("/api/v1/messages/%d/media", m.ID) }

// TypeKey is the catalog key naming the message's kind, for a message
// without text and for quotes.
func (m apiMessage) TypeKey() string {
	if knownTypes[m.Type] {
		return "msgtype." + m.Type
	}
	return "msgtype.other"
}

var knownTypes = map[string]bool{"text": true, "image": true, "audio": true, "video": true, "document": true, "sticker": true,
	"location": true, "contacts": true, "button": true, "interactive": true, "reaction": true, "template": true}

// Snippet is the start of the text, for the quote above a reply.
func (m apiMessage) Snippet() string {
	const max = 90
	if utf8.RuneCountInString(m.Text) <= max {
		return m.Text
	}
	return string([]rune(m.Text)[:max]) + "…"
}

// mediaWait is how long after a message arrives its attachment is still
// expected: the download is a background job that publishes nothing, so
// the thread polls fast only meanwhile.
const mediaWait = 2 * time.Minute

type apiContact struct {
	ID       int64      `json:"id"`
	WAID     string     `json:"wa_id"`
	Phone    string     `json:"phone"`
	Name     string     `json:"name"`
	OptedOut *time.Time `json:"opted_out_at"`
}

type apiCanned struct {
	ID       int64  `json:"id"`
	Shortcut string `json:"shortcut"`
	Text     string `json:"text"`
}

// threadData is one conversation; each part fills only what it shows.
type threadData struct {
	C          apiConversation
	Me         int64 // the signed-in user
	MyName     string
	Supervisor bool         // may assign to others, create labels
	Back       template.URL // the list's filter, for the phone's back link
	now        time.Time
	zone       *time.Location // the viewer's, where days begin

	Messages []apiMessage

	Contact   apiContact
	Channel   string
	Labels    []apiLabel // on the conversation
	AllLabels []apiLabel // the company's, suggested when adding
	People    []apiUser  // who can take the conversation
	Groups    []apiGroup
	History   []historyItem

	Notes []apiNote

	Picker *pickerData // when the window is closed
	Emoji  []string
	Canned []apiCanned
}

// threadPart loads what one part of the thread shows.
type threadPart func(u *UI, r *http.Request, v *view, t *threadData) error

// threadPage is every part: the full page.
var threadPage = []threadPart{(*UI).partMessages, (*UI).partComposer, (*UI).partCard, (*UI).partNotes, (*UI).partPanel}

func (u *UI) threadLoader(parts ...threadPart) loader {
	return func(r *http.Request, v *view) error {
		t, err := u.thread(r, v, parts...)
		v.Data = t
		return err
	}
}

// thread loads the {id} conversation and then the given parts of it.
func (u *UI) thread(r *http.Request, v *view, parts ...threadPart) (*threadData, error) {
	t := &threadData{Me: v.P.User.ID, MyName: v.P.User.Name, Supervisor: v.IsSupervisor(), now: v.Now, zone: v.zone}
	if err := u.apiGet(r, v, "/api/v1/conversations/"+r.PathValue("id"), &t.C); err != nil {
		return nil, err
	}
	for _, p := range parts {
		if err := p(u, r, v, t); err != nil {
			return nil, err
		}
	}
	return t, nil
}

func (t *threadData) path(suffix string) string {
	return fmt.Sprintf("/api/v1/conversations/%d%s", t.C.ID, suffix)
}

func (u *UI) partMessages(r *http.Request, v *view, t *threadData) error {
	var msgs struct{ Data []apiMessage }
	err := u.apiGet(r, v, t.path("/messages"), &msgs)
	t.Messages = foldReactions(msgs.Data)
	return err
}

// Quoted is the message m replies to, when it is in the thread.
func (t *threadData) Quoted(m apiMessage) *apiMessage {
	if m.ReplyTo == "" {
		return nil
	}
	for i := range t.Messages {
		if w := t.Messages[i].WAMID; w != nil && *w == m.ReplyTo {
			return &t.Messages[i]
		}
	}
	return nil
}

// mediaView is a message's attachment as the thread shows it.
type mediaView struct {
	apiMessage
	Late bool // still not downloaded long after it came: it won't be
}

// Media is m's attachment, for the media template.
func (t *threadData) Media(m apiMessage) mediaView {
	return mediaView{m, !m.MediaStored && t.now.Sub(m.CreatedAt) >= mediaWait}
}

// MediaPending is true while a recent message's attachment is still being
// downloaded; the thread then refreshes every few seconds to show it.
func (t *threadData) MediaPending() bool {
	for _, m := range t.Messages {
		if v := t.Media(m); m.HasMedia && !m.MediaStored && !v.Late {
			return true
		}
	}
	return false
}

// CanTake is whether "assign to me" is offered: agents take only
// unassigned conversations (the API's rule); supervisors any.
func (t *threadData) CanTake() bool {
	if t.C.AssignedTo(t.Me) {
		return false
	}
	return t.Supervisor || t.C.AssigneeID == nil
}

// partComposer loads the free-form composer's canned responses or, with
// the window closed, the template picker.
func (u *UI) partComposer(r *http.Request, v *view, t *threadData) error {
	t.Emoji = commonEmoji
	if t.C.WindowOpen {
		var list struct{ Data []apiCanned }
		if err := u.apiGet(r, v, "/api/v1/canned-responses", &list); err != nil && !missing(err) {
			return err
		}
		t.Canned = list.Data
		return nil
	}
	_ = r.ParseForm()
	p, err := u.picker(r, v, t.C.ChannelID, "+"+t.C.Contact.WAID)
	if err != nil {
		return err
	}
	p.ConversationID = t.C.ID
	p.Selected = findTemplate(p.Templates, formInt(r, "template"))
	t.Picker = p
	return nil
}

// Uploads are the files the composer sends (compose_upload.go).
func (*threadData) Uploads() uploadRules { return composerUploads }

// commonEmoji are offered by the composer's picker.
var commonEmoji = []string{"😀", "😂", "😊", "😍", "🙏", "👍", "👏", "🙌", "🎉", "❤️", "✅", "❌",
	"⚠️", "📦", "🚚", "💳", "📞", "📅", "⏰", "🤝", "😉", "😢", "🤔", "👋"}
