package web

import (
	"net/http"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// The admin screens: users and licence (this file), channels and the
// onboarding wizard (admin_channels.go, onboarding.go), prices (prices.go).
func (u *UI) routesAdmin(m *http.ServeMux) {
	m.HandleFunc("GET /app/admin/users", u.page(conversa.RoleAdmin, "users.html", u.loadUsers))
	m.HandleFunc("GET /app/admin/users/list", u.fragment(conversa.RoleAdmin, "users.html", "users-list", u.loadUsers))
	u.routesChannels(m)
	u.routesOnboarding(m)
	u.routesPrices(m)
	u.routesCanned(m)
}

type apiUser struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email"`
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

type usage struct{ Used, Max int }

// Percent is the meter's fill, capped so a past-licence count still draws.
func (x usage) Percent() int {
	if x.Max <= 0 {
		return 100
	}
	return min(100, x.Used*100/x.Max)
}

// apiCompany is GET /api/v1/company, for the users' licence meters and
// the settings' company section.
type apiCompany struct {
	Name     string           `json:"name"`
	Domain   string           `json:"domain"`
	Locale   string           `json:"locale"`    // new users' language
	TimeZone string           `json:"time_zone"` // the company's calendar
	Licence  map[string]usage `json:"licence"`
}

type usersData struct {
	Users   []apiUser
	Company apiCompany
	Roles   []string
}

func (u *UI) loadUsers(r *http.Request, v *view) error {
	var d usersData
	var list struct{ Data []apiUser }
	if err := u.apiGet(r, v, "/api/v1/users", &list); err != nil {
		return err
	}
	if err := u.apiGet(r, v, "/api/v1/company", &d.Company); err != nil {
		return err
	}
	d.Users, d.Roles = list.Data, []string{"agent", "supervisor", "admin"}
	v.Title, v.Nav, v.Data = v.T("users.title"), "users", d
	return nil
}
