package web

import (
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/conversa/conversa/internal/conversa"
)

// The inbox (PRODUCT.md §6, §8): the conversation list with its tabs,
// search and filters, the thread (inbox_thread.go) and the contact panel
// with the conversation's actions (inbox_panel.go). Parts refresh on the
// SSE stream's events, each on its own, so a new message never wipes what
// the agent is typing: the forms live outside the refreshed parts.
func (u *UI) routesInbox(m *http.ServeMux) {
	m.HandleFunc("GET /app/inbox", u.page(conversa.RoleAgent, "inbox.html", u.loadInbox))
	m.HandleFunc("GET /app/inbox/list", u.fragment(conversa.RoleAgent, "inbox.html", "conv-list", u.loadList))
	m.HandleFunc("GET /app/inbox/{id}", u.page(conversa.RoleAgent, "inbox.html", u.loadInbox))
	u.routesThread(m)
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
	Unread          int        `json:"unread"` // customer messages no agent has read
}

// Title is the contact's name, else the number.
func (c apiConversation) Title() string {
	if c.Contact.Name != "" {
		return c.Contact.Name
	}
	return "+" + c.Contact.WAID
}

// Resolved tells which of resolve and reopen the conversation offers.
func (c apiConversation) Resolved() bool { return c.Status == string(conversa.ConversationResolved) }

// AssignedTo reports whether userID has the conversation.
func (c apiConversation) AssignedTo(userID int64) bool {
	return c.AssigneeID != nil && *c.AssigneeID == userID
}

type apiLabel struct {
	ID    int64  `json:"id"`
	Name  string `json:"name"`
	Color string `json:"color"`
}

// listFilter is the list's tab, search and filters, kept in the URL so a
// refresh, a link or the back button shows the same list.
type listFilter struct {
	Tab, Q                string
	Channel, Group, Label int64
}

// tabs are the list's views and the API query each one is.
var tabs = []struct{ Key, Query string }{
	{"all", "status=all"}, {"mine", "status=all&assignee=me"}, {"unassigned", "status=all&assignee=none"}, {"resolved", "status=resolved"},
}

func filterOf(r *http.Request) listFilter {
	q := r.URL.Query()
	f := listFilter{Tab: q.Get("tab"), Q: q.Get("q"), Channel: queryInt(q, "channel_id"), Group: queryInt(q, "group_id"),
		Label: queryInt(q, "label_id")}
	if f.Tab == "" {
		f.Tab = "all"
	}
	return f
}

func queryInt(q url.Values, key string) int64 {
	n, _ := strconv.ParseInt(q.Get(key), 10, 64)
	return max(n, 0)
}

// ids are the filters by id, as the API and the UI both name them.
func (f listFilter) ids() url.Values {
	q := url.Values{}
	for key, id := range map[string]int64{"channel_id": f.Channel, "group_id": f.Group, "label_id": f.Label} {
		if id > 0 {
			q.Set(key, strconv.FormatInt(id, 10))
		}
	}
	return q
}

func (f listFilter) apiQuery() string {
	q := tabs[0].Query
	for _, t := range tabs {
		if t.Key == f.Tab {
			q = t.Query
		}
	}
	ids := f.ids()
	if f.Q != "" {
		ids.Set("q", searchTerm(f.Q))
	}
	if len(ids) > 0 {
		q += "&" + ids.Encode()
	}
	return q
}

// searchTerm is what the API searches for: a number typed the way people
// write it ("(11) 98765-4321") as its digits, which the stored WhatsApp
// ids contain; names as typed.
func searchTerm(q string) string {
	q = strings.TrimSpace(q)
	if strings.ContainsFunc(q, unicode.IsLetter) {
		return q
	}
	digits := strings.Map(func(r rune) rune {
		if unicode.IsDigit(r) {
			return r
		}
		return -1
	}, q)
	if digits == "" {
		return q
	}
	return digits
}

// Tabs are the keys, for the template.
func (listFilter) Tabs() []string {
	out := make([]string, len(tabs))
	for i, t := range tabs {
		out[i] = t.Key
	}
	return out
}

// Query is the filter as URL parameters, for links and refreshes; typed
// as a URL part so the template doesn't escape its = and & again.
func (f listFilter) Query() template.URL { return f.WithTab(f.Tab) }

// WithTab is Query on another tab: switching tabs keeps the search and
// the filters.
func (f listFilter) WithTab(tab string) template.URL {
	q := f.ids()
	q.Set("tab", tab)
	q.Set("q", f.Q)
	return template.URL(q.Encode())
}

// Filtered counts the filters set beyond the tab and search, for the
// filters' summary.
func (f listFilter) Filtered() int { return len(f.ids()) }

type inboxData struct {
	Available bool
	Here      string // this page's path: the list's links keep the open conversation
	Filter    listFilter
	Options   *filterOptions // the filters' choices (full page only)
	List      []apiConversation
	Selected  int64
	Thread    *threadData
}

// filterOptions are what the list can be narrowed to.
type filterOptions struct {
	Channels []apiChannel
	Groups   []apiGroup
	Labels   []apiLabel
}

func (u *UI) loadInbox(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("inbox.title"), "inbox"
	d := &inboxData{Available: true, Here: r.URL.Path, Filter: filterOf(r)}
	v.Data = d
	var err error
	if d.List, err = u.conversations(r, v, d.Filter.apiQuery()); err != nil {
		if missing(err) {
			d.Available = false
			return nil
		}
		return err
	}
	if d.Options, err = u.filterOptions(r, v); err != nil {
		return err
	}
	if r.PathValue("id") == "" {
		return nil
	}
	d.Thread, err = u.thread(r, v, threadPage...)
	if err == nil {
		d.Selected = d.Thread.C.ID
		d.Thread.Back = d.Filter.Query()
		v.Title = d.Thread.C.Title()
	}
	return err
}

func (u *UI) loadList(r *http.Request, v *view) error {
	d := &inboxData{Available: true, Filter: filterOf(r)}
	d.Selected = queryInt(r.URL.Query(), "selected")
	v.Data = d
	var err error
	d.List, err = u.conversations(r, v, d.Filter.apiQuery())
	return err
}

func (u *UI) conversations(r *http.Request, v *view, query string) ([]apiConversation, error) {
	var list struct{ Data []apiConversation }
	err := u.apiGet(r, v, "/api/v1/conversations?"+query, &list)
	return list.Data, err
}

func (u *UI) filterOptions(r *http.Request, v *view) (*filterOptions, error) {
	o := &filterOptions{}
	var err error
	if o.Channels, err = u.channels(r, v); err != nil {
		return nil, err
	}
	if o.Groups, err = u.groups(r, v); err != nil {
		return nil, err
	}
	o.Labels, err = u.labels(r, v, "/api/v1/labels")
	return o, err
}

// groups lists the company's channel groups (any role may read them).
func (u *UI) groups(r *http.Request, v *view) ([]apiGroup, error) {
	var list struct{ Data []apiGroup }
	err := u.apiGet(r, v, "/api/v1/channel-groups", &list)
	if missing(err) {
		return nil, nil
	}
	return list.Data, err
}

// labels reads a label list: the company's or one conversation's.
func (u *UI) labels(r *http.Request, v *view, path string) ([]apiLabel, error) {
	var list struct{ Data []apiLabel }
	err := u.apiGet(r, v, path, &list)
	if missing(err) {
		return nil, nil
	}
	return list.Data, err
}
