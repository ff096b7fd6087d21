package httpapi

import (
	"net/http"
	"strconv"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

func (s *Server) routesAudit(m *router) {
	m.authed("GET /api/v1/audit", conversa.RoleAdmin, s.auditLog)
}

// auditLog pages newest first: ?limit=N (1..200, default 50) and
// ?before=<id> from the previous page's next_before.
func (s *Server) auditLog(w http.ResponseWriter, r *http.Request, p *auth.Principal) error {
	limit, err := queryInt(r, "limit", 50, 1, 200)
	if err != nil {
		return err
	}
	before, err := queryInt(r, "before", 0, 0, 1<<62)
	if err != nil {
		return err
	}
	entries, err := s.store.AuditLog(r.Context(), p.Company.ID, int64(before), limit)
	if err != nil {
		return err
	}
	var next *int64
	if len(entries) == limit {
		next = &entries[len(entries)-1].ID
	}
	writeJSON(w, http.StatusOK, struct {
		list[auditView]
		NextBefore *int64 `json:"next_before"`
	}{listOf(entries, viewAudit), next})
	return nil
}

func queryInt(r *http.Request, name string, def, min, max int) (int, error) {
	v := r.URL.Query().Get(name)
	if v == "" {
		return def, nil
	}
	n, err := strconv.Atoi(v)
	if err != nil || n < min || n > max {
		return 0, conversa.Errorf(conversa.EINVALID, "Parameter %q must be a number from %d to %d.", name, min, max).
			Pt("O parâmetro %q deve ser um número de %d a %d.", name, min, max)
	}
	return n, nil
}
