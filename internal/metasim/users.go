package metasim

import "net/http"

// The token's user (a system user at Meta): GET /me and the business
// portfolios it can act for, GET /me/businesses (also /{user-id}/...), as
// Graph API's User reference documents the businesses edge. A token
// scoped to one business (Embedded Signup) sees that one; an app admin
// token sees all.

func (s *Sim) routeUser(c *graphCall) bool {
	if c.r.Method != http.MethodGet {
		return false
	}
	switch c.edge {
	case "":
		writeJSON(c.w, http.StatusOK, pick(map[string]any{"id": c.tok.UserID, "name": appName + " System User"},
			fields(c.r, []string{"name"})))
	case "businesses":
		keep := func(b *business) (string, bool) {
			return b.ID, c.tok.BusinessID == "" || b.ID == c.tok.BusinessID
		}
		writeList(s, c, s.businesses, keep, businessJSON, []string{"name"})
	default:
		return false
	}
	return true
}

// businessJSON is a Business node; permitted_roles is what the businesses
// edge adds (the system user administers the business it was made for).
func businessJSON(b *business) map[string]any {
	return map[string]any{"id": b.ID, "name": b.Name, "permitted_roles": []string{"ADMIN"}}
}
