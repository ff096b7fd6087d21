package web

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// The contact panel: who the customer is (refreshed live, so a profile
// name that arrives by webhook shows without a reload), the conversation's
// assignee, status and labels, its internal notes, the forms to assign,
// transfer and label it, and the person's other conversations. Every
// action is the API's, with its role rules; the panel only hides what a
// role can't do.

type apiNote struct {
	ID     int64 `json:"id"`
	Author struct {
		ID   *int64 `json:"id"`
		Name string `json:"name"`
	} `json:"author"`
	Body      string    `json:"body"`
	CreatedAt time.Time `json:"created_at"`
}

// historyItem is another conversation of the same person, with its
// channel's name.
type historyItem struct {
	apiConversation
	Channel string
}

// partCard loads the live card: contact, channel, assignee and labels.
func (u *UI) partCard(r *http.Request, v *view, t *threadData) error {
	if err := u.apiGet(r, v, fmt.Sprintf("/api/v1/contacts/%d", t.C.Contact.ID), &t.Contact); err != nil && !missing(err) {
		return err
	}
	var ch apiChannel
	if err := u.apiGet(r, v, fmt.Sprintf("/api/v1/channels/%d", t.C.ChannelID), &ch); err == nil {
		t.Channel = ch.Name
	}
	var err error
	if t.Labels, err = u.labels(r, v, t.path("/labels")); err != nil {
		return err
	}
	if t.AllLabels, err = u.labels(r, v, "/api/v1/labels"); err != nil {
		return err
	}
	return u.loadPeople(r, v, t)
}

func (u *UI) partNotes(r *http.Request, v *view, t *threadData) error {
	var list struct{ Data []apiNote }
	err := u.apiGet(r, v, t.path("/notes"), &list)
	if missing(err) {
		return nil
	}
	t.Notes = list.Data
	return err
}

// partPanel loads what only the full page shows: the transfer choices and
// the person's other conversations.
func (u *UI) partPanel(r *http.Request, v *view, t *threadData) error {
	if err := u.loadPeople(r, v, t); err != nil {
		return err
	}
	var err error
	t.History, err = u.history(r, v, t.C)
	return err
}

// loadPeople fills the groups and the active users a conversation can go
// to: every user for supervisors; for agents, who can't list users, the
// members of the groups.
func (u *UI) loadPeople(r *http.Request, v *view, t *threadData) error {
	if t.People != nil {
		return nil
	}
	var err error
	if t.Groups, err = u.groups(r, v); err != nil {
		return err
	}
	var all []apiUser
	if t.Supervisor {
		all, err = u.userList(r, v, "/api/v1/users")
	} else {
		all, err = u.members(r, v, t.Groups)
	}
	if err != nil {
		return err
	}
	t.People = activeByName(all)
	return nil
}

func (u *UI) userList(r *http.Request, v *view, path string) ([]apiUser, error) {
	var list struct{ Data []apiUser }
	err := u.apiGet(r, v, path, &list)
	return list.Data, err
}

// members lists the users of the groups (with repeats).
func (u *UI) members(r *http.Request, v *view, groups []apiGroup) ([]apiUser, error) {
	var all []apiUser
	for _, g := range groups {
		list, err := u.userList(r, v, fmt.Sprintf("/api/v1/channel-groups/%d/members", g.ID))
		if err != nil {
			return nil, err
		}
		all = append(all, list...)
	}
	return all, nil
}

// activeByName drops inactive and repeated users and sorts by name.
func activeByName(users []apiUser) []apiUser {
	out := []apiUser{}
	for _, p := range users {
		if p.Active && !slices.ContainsFunc(out, func(o apiUser) bool { return o.ID == p.ID }) {
			out = append(out, p)
		}
	}
	slices.SortFunc(out, func(a, b apiUser) int { return strings.Compare(a.Name, b.Name) })
	return out
}

// Assignee is the assignee's name; "" when nobody has the conversation or
// the viewer can't see who (an agent outside the assignee's groups).
func (t *threadData) Assignee() string {
	if t.C.AssigneeID == nil {
		return ""
	}
	if *t.C.AssigneeID == t.Me {
		return t.MyName
	}
	for _, p := range t.People {
		if p.ID == *t.C.AssigneeID {
			return p.Name
		}
	}
	return ""
}

// HasLabel tells whether the conversation carries the label; its
// suggestion is then disabled.
func (t *threadData) HasLabel(id int64) bool {
	return slices.ContainsFunc(t.Labels, func(l apiLabel) bool { return l.ID == id })
}

// history lists the person's other conversations: the same number on any
// of the company's channels (each channel has its own contact), found by
// the API's search and kept only when the number is exactly the same.
func (u *UI) history(r *http.Request, v *view, c apiConversation) ([]historyItem, error) {
	key := conversa.CanonicalWAID(c.Contact.WAID)
	list, err := u.conversations(r, v, "status=all&limit=50&q="+url.QueryEscape(key))
	if err != nil {
		return nil, err
	}
	channels, err := u.channels(r, v)
	if err != nil {
		return nil, err
	}
	out := []historyItem{}
	for _, o := range list {
		if o.ID == c.ID || conversa.CanonicalWAID(o.Contact.WAID) != key {
			continue
		}
		out = append(out, historyItem{apiConversation: o, Channel: channelName(channels, o.ChannelID)})
	}
	return out, nil
}
