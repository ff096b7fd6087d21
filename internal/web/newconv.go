package web

import (
	"net/http"

	"github.com/conversa/conversa/internal/conversa"
)

// "Iniciar conversa" (PRODUCT.md §5): channel, number (or a known
// contact), an approved template and its variables, preview and expected
// cost, send. The conversation then waits in the inbox for the reply.
func (u *UI) routesNewConversation(m *http.ServeMux) {
	m.HandleFunc("GET /app/new", u.page(conversa.RoleAgent, "newconv.html", u.loadNewConversation))
	u.routesCompose(m)
}

type newConvData struct {
	Channels []apiChannel
	Picker   *pickerData
	Contacts []apiConversation // recent contacts, offered as the number is typed
}

func (u *UI) loadNewConversation(r *http.Request, v *view) error {
	var d newConvData
	var err error
	if d.Channels, err = u.connected(r, v); err != nil {
		return err
	}
	if d.Picker, err = u.picker(r, v, channelParam(r, d.Channels), r.URL.Query().Get("to")); err != nil {
		return err
	}
	if d.Contacts, err = u.conversations(r, v, "status=all&limit=50"); err != nil && !missing(err) {
		return err
	}
	v.Title, v.Nav, v.Data = v.T("new.title"), "new", d
	return nil
}

// connected lists the channels that can send now.
func (u *UI) connected(r *http.Request, v *view) ([]apiChannel, error) {
	all, err := u.channels(r, v)
	var out []apiChannel
	for _, c := range all {
		if c.Status == string(conversa.ChannelConnected) {
			out = append(out, c)
		}
	}
	return out, err
}
