package web

import (
	"net/http"

	"github.com/conversa/conversa/internal/conversa"
)

// Canned responses and labels (PRODUCT.md §8): the replies agents insert
// from the composer and the tags they put on conversations. Supervisors
// keep both lists here; agents use them in the inbox.
func (u *UI) routesCanned(m *http.ServeMux) {
	m.HandleFunc("GET /app/canned", u.page(conversa.RoleSupervisor, "canned.html", u.loadCanned))
	m.HandleFunc("GET /app/canned/lists", u.fragment(conversa.RoleSupervisor, "canned.html", "canned-lists", u.loadCanned))
}

type cannedData struct {
	Available bool
	Canned    []apiCanned
	Labels    []apiLabel
}

func (u *UI) loadCanned(r *http.Request, v *view) error {
	v.Title, v.Nav = v.T("canned.page"), "canned"
	d := &cannedData{Available: true}
	v.Data = d
	var list struct{ Data []apiCanned }
	if err := u.apiGet(r, v, "/api/v1/canned-responses", &list); err != nil {
		if missing(err) {
			d.Available = false
			return nil
		}
		return err
	}
	d.Canned = list.Data
	var err error
	d.Labels, err = u.labels(r, v, "/api/v1/labels")
	return err
}
