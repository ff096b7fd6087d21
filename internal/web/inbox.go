package web

import (
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// The inbox (PRODUCT.md §6, §8): the conversation list, the thread with
// delivery ticks and the 24-hour window countdown, the composer that turns
// into the template picker once the window is closed, and the contact
// panel. Parts refresh on the SSE stream's events, each on its own, so a
// new message never wipes what the agent is typing.
func (u *UI) routesInbox(m *http.ServeMux) {
	m.HandleFunc("GET /app/inbox", u.page(conversa.RoleAgent, "inbox.html", u.loadInbox))
	m.HandleFunc("GET /app/inbox/list", u.fragment(conversa.RoleAgent, "inbox.html", "conv-list", u.loadList))
	m.HandleFunc("GET /app/inbox/{id}", u.page(conversa.RoleAgent, "inbox.html", u.loadInbox))
	m.HandleFunc("GET /app/inbox/{id}/messages", u.fragment(conversa.RoleAgent, "inbox.html", "thread-messages", u.loadThread))
	m.HandleFunc("GET /app/inbox/{id}/composer", u.fragment(conversa.RoleAgent, "inbox.html", "composer", u.loadThread))
}

type apiConversation struct {
	ID        int64 `json:"id"`
	ChannelID int64 `json:"channel_id"`
	Contact   struct {
		ID   int64  `json:"id"`
		WAID string `json:"wa_id"`
		Name string `json:"name"`
	} `json:"contact"`
	Status          string     `json:"status"`
	WindowExpiresAt *time.Time `json:"window_expires_at"`
	WindowOpen      bool       `json:"window_open"`
	LastMessageAt   time.Time  `json:"last_message_at"`
	Origin          string     `json:"origin"`
	AssigneeID      *int64     `json:"assignee_id"`
}

// Title is the contact's name, else the number.
func (c apiConversation) Title() string {
	if c.Contact.Name != "" {
		return c.Contact.Name
	}
	return "+" + c.Contact.WAID
}

type apiMessage struct {
	ID        int64      `json:"id"`
	Direction string     `json:"direction"`
	Type      string     `json:"type"`
	Text      string     `json:"text"`
	Status    string     `json:"status"`
	CreatedAt time.Time  `json:"created_at"`
	Error     *string    `json:"error"`
	Category  string     `json:"category"`
	HasMedia  bool       `json:"has_media"`
	ReadAt    *time.Time `json:"read_at"`
}

type apiContact struct {
	ID       int64      `json:"id"`
	WAID     string     `json:"wa_id"`
	Phone    string     `json:"phone"`
	Name     string     `json:"name"`
	OptedOut *time.Time `json:"opted_out_at"`
}

// listFilter is the list's tab and search, kept in the URL.
type listFilter struct {
	Tab, Q string
}

// tabs are the list's views and the API query each one is.
var tabs = []struct{ Key, Query string }{
	{"all", "status=all"}, {"mine", "status=all&assignee=me"}, {"unassigned", "status=all&assignee=none"}, {"resolved", "status=resolved"},
}

func (f listFilter) apiQuery() string {
	q := tabs[0].Query
	for _, t := range tabs {
		if t.Key == f.Tab {
			q = t.Query
		}
	}
	if f.Q != "" {
		q += "&q=" + url.QueryEscape(f.Q)
	}
	return q
}

// Tabs are the keys, for the template.
func (listFilter) Tabs() []string {
	out := make([]string, len(tabs))
	for i, t := range tabs {
		out[i] = t.Key
	}
	return out
}

// Query is the filter as URL parameters, for links and refreshes.
func (f listFilter) Query() string {
	return "tab=" + url.QueryEscape(f.Tab) + "&q=" + url.QueryEscape(f.Q)
}

type inboxData struct {
	Available bool
	Filter    listFilter
	List      []apiConversation
	Selected  int64
	Thread    *threadData
}

type threadData struct {
	C        apiConversation
	Messages []apiMessage
	Contact  apiContact
	Channel  string
	Picker   *pickerData // when the window is closed
	Emoji    []string
}

func filterOf(r *http.Request) listFilter {
	f := listFilter{Tab: r.URL.Query().Get("tab"), Q: r.URL.Query().Get("q")}
	if f.Tab == "" {
		f.Tab = "all"
	}
	return f
}

func (u *UI) loadInbox(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("inbox.title"), "inbox"
	d := &inboxData{Available: true, Filter: filterOf(r)}
	v.Data = d
	var err error
	if d.List, err = u.conversations(r, v, d.Filter.apiQuery()); err != nil {
		if missing(err) {
			d.Available = false
			return nil
		}
		return err
	}
	if r.PathValue("id") == "" {
		return nil
	}
	d.Thread, err = u.thread(r, v)
	if err == nil {
		d.Selected = d.Thread.C.ID
		v.Title = d.Thread.C.Title()
	}
	return err
}

func (u *UI) loadList(r *http.Request, v *view) error {
	d := &inboxData{Available: true, Filter: filterOf(r)}
	d.Selected = formInt(r, "selected")
	v.Data = d
	var err error
	d.List, err = u.conversations(r, v, d.Filter.apiQuery())
	return err
}

func (u *UI) loadThread(r *http.Request, v *view) error {
	t, err := u.thread(r, v)
	v.Data = t
	return err
}

func (u *UI) conversations(r *http.Request, v *view, query string) ([]apiConversation, error) {
	var list struct{ Data []apiConversation }
	err := u.apiGet(r, v, "/api/v1/conversations?"+query, &list)
	return list.Data, err
}

// thread loads one conversation with its messages, contact and channel;
// with the window closed, the template picker for it.
func (u *UI) thread(r *http.Request, v *view) (*threadData, error) {
	t := &threadData{Emoji: commonEmoji}
	base := "/api/v1/conversations/" + r.PathValue("id")
	if err := u.apiGet(r, v, base, &t.C); err != nil {
		return nil, err
	}
	var msgs struct{ Data []apiMessage }
	if err := u.apiGet(r, v, base+"/messages", &msgs); err != nil {
		return nil, err
	}
	t.Messages = msgs.Data
	if err := u.apiGet(r, v, fmt.Sprintf("/api/v1/contacts/%d", t.C.Contact.ID), &t.Contact); err != nil && !missing(err) {
		return nil, err
	}
	var ch apiChannel
	if err := u.apiGet(r, v, fmt.Sprintf("/api/v1/channels/%d", t.C.ChannelID), &ch); err == nil {
		t.Channel = ch.Name
	}
	if !t.C.WindowOpen {
		_ = r.ParseForm()
		p, err := u.picker(r, v, t.C.ChannelID, "+"+t.C.Contact.WAID)
		if err != nil {
			return nil, err
		}
		p.ConversationID = t.C.ID
		p.Selected = findTemplate(p.Templates, formInt(r, "template"))
		t.Picker = p
	}
	return t, nil
}

// commonEmoji are offered by the composer's picker.
var commonEmoji = []string{"😀", "😂", "😊", "😍", "🙏", "👍", "👏", "🙌", "🎉", "❤️", "✅", "❌",
	"⚠️", "📦", "🚚", "💳", "📞", "📅", "⏰", "🤝", "😉", "😢", "🤔", "👋"}
