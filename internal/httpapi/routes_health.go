package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

func (s *Server) routesHealth(m *router) {
	m.public("GET /healthz", func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
		return nil
	})
	m.public("GET /readyz", func(w http.ResponseWriter, r *http.Request) error {
		ctx, cancel := context.WithTimeout(r.Context(), 2*time.Second)
		defer cancel()
		if err := s.store.Ping(ctx); err != nil {
			s.log.WarnContext(r.Context(), "readiness: database does not answer", "err", err)
			return conversa.Errorf(conversa.EUNAVAILABLE, "The database does not answer.").Pt("O banco de dados não responde.")
		}
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
		return nil
	})
}
