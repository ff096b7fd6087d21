package web

import (
	"fmt"
	"net/http"
	"slices"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

func (u *UI) routesChannels(m *http.ServeMux) {
	m.HandleFunc("GET /app/admin/channels", u.page(conversa.RoleAdmin, "channels.html", u.loadChannels))
	m.HandleFunc("GET /app/admin/channels/list", u.fragment(conversa.RoleAdmin, "channels.html", "channels-list", u.loadChannels))
	m.HandleFunc("GET /app/admin/channels/{id}", u.page(conversa.RoleAdmin, "channel.html", u.loadChannel))
	m.HandleFunc("GET /app/admin/channels/{id}/readiness", u.fragment(conversa.RoleAdmin, "channel.html", "readiness", u.loadChannel))
}

type apiGroup struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type apiChannel struct {
	ID      int64  `json:"id"`
	GroupID int64  `json:"group_id"`
	Type    string `json:"type"`
	Name    string `json:"name"`
	Status  string `json:"status"`
	Problem string `json:"problem"`
	WABA    *struct {
		WABAID             string `json:"waba_id"`
		PhoneNumberID      string `json:"phone_number_id"`
		DisplayPhoneNumber string `json:"display_phone_number"`
		VerifiedName       string `json:"verified_name"`
	} `json:"waba"`
	CreatedAt time.Time `json:"created_at"`
}

// Number is what people call the channel by: its phone number when known.
func (c apiChannel) Number() string {
	if c.WABA != nil && c.WABA.DisplayPhoneNumber != "" {
		return c.WABA.DisplayPhoneNumber
	}
	return ""
}

// groupView is a group with its channels and members, for the admin list.
// Members are who may act on the group's conversations and take them by
// round-robin; Candidates are the other active users.
type groupView struct {
	apiGroup
	Channels   []apiChannel
	Members    []apiUser
	Candidates []apiUser
}

type channelsData struct {
	Groups      []groupView
	Onboardings []apiOnboarding // unfinished guided connections, to resume
	Available   bool
}

func (u *UI) loadChannels(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("channels.title"), "channels"
	d := channelsData{Available: true}
	v.Data = &d
	var groups struct{ Data []apiGroup }
	if err := u.apiGet(r, v, "/api/v1/channel-groups", &groups); err != nil {
		if missing(err) {
			d.Available = false
			return nil
		}
		return err
	}
	channels, err := u.channels(r, v)
	if err != nil {
		return err
	}
	users, err := u.userList(r, v, "/api/v1/users")
	if err != nil {
		return err
	}
	for _, g := range groups.Data {
		gv := groupView{apiGroup: g}
		for _, c := range channels {
			if c.GroupID == g.ID {
				gv.Channels = append(gv.Channels, c)
			}
		}
		if err := u.groupMembers(r, v, &gv, users); err != nil {
			return err
		}
		d.Groups = append(d.Groups, gv)
	}
	d.Onboardings, err = u.openOnboardings(r, v)
	return err
}

// groupMembers fills the group's members and the active users who aren't.
func (u *UI) groupMembers(r *http.Request, v *view, g *groupView, users []apiUser) error {
	members, err := u.members(r, v, []apiGroup{g.apiGroup})
	if err != nil {
		return err
	}
	g.Members = members
	for _, p := range activeByName(users) {
		if !slices.ContainsFunc(members, func(m apiUser) bool { return m.ID == p.ID }) {
			g.Candidates = append(g.Candidates, p)
		}
	}
	return nil
}

// channels lists the company's channels (any role may read them: agents
// pick one to start a conversation).
func (u *UI) channels(r *http.Request, v *view) ([]apiChannel, error) {
	var list struct{ Data []apiChannel }
	err := u.apiGet(r, v, "/api/v1/channels", &list)
	if missing(err) {
		return nil, nil
	}
	return list.Data, err
}

type readinessItem struct {
	Key    string `json:"key"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

type channelData struct {
	Channel   apiChannel
	Readiness []readinessItem
	Ready     bool
	Error     string // why the live check failed (the list is then the last known state)
}

func (u *UI) loadChannel(r *http.Request, v *view) error {
	var d channelData
	path := fmt.Sprintf("/api/v1/channels/%s", r.PathValue("id"))
	if err := u.apiGet(r, v, path, &d.Channel); err != nil {
		return err
	}
	var rd struct {
		Items []readinessItem
		Ready bool
		Error string
	}
	if err := u.apiGet(r, v, path+"/readiness", &rd); err != nil && !missing(err) {
		return err
	}
	d.Readiness, d.Ready, d.Error = rd.Items, rd.Ready, rd.Error
	v.Title, v.Nav, v.Data = d.Channel.Name, "channels", d
	return nil
}
