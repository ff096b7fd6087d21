package httpapi

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"runtime/debug"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// statusWriter remembers the status a handler wrote.
type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	return w.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach Flush (server-sent events).
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logIDs carries who made the request to the access log; authenticate
// fills it in.
type logIDs struct{ company, user int64 }

type logIDsKey struct{}

func setLogIDs(r *http.Request, company, user int64) {
	if ids, ok := r.Context().Value(logIDsKey{}).(*logIDs); ok {
		ids.company, ids.user = company, user
	}
}

// observe logs every request and records its metrics. It logs the path
// without the query string and no headers or bodies, so tokens, passwords
// and verify tokens never reach the log.
func (s *Server) observe(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ids := &logIDs{}
		r = r.WithContext(context.WithValue(r.Context(), logIDsKey{}, ids))
		sw := &statusWriter{ResponseWriter: w}
		next.ServeHTTP(sw, r)
		if sw.status == 0 {
			sw.status = http.StatusOK
		}
		elapsed := time.Since(start)
		s.metrics.observe(r, sw.status, elapsed)
		if !s.log.Enabled(r.Context(), slog.LevelInfo) {
			return // busy servers log at warn: no access line to build
		}
		attrs := []slog.Attr{slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", sw.status), slog.Duration("duration", elapsed)}
		if ids.company != 0 {
			attrs = append(attrs, slog.Int64("company_id", ids.company), slog.Int64("user_id", ids.user))
		}
		s.log.LogAttrs(r.Context(), slog.LevelInfo, "http", attrs...)
	})
}

// recover turns a panic into a logged 500 "internal" instead of a dropped
// connection.
func (s *Server) recover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			p := recover()
			if p == nil {
				return
			}
			if p == http.ErrAbortHandler {
				panic(p)
			}
			s.log.ErrorContext(r.Context(), "panic", "method", r.Method, "path", r.URL.Path,
				"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			s.writeError(w, r, fmt.Errorf("panic: %v", p))
		}()
		next.ServeHTTP(w, r)
	})
}

// csrf refuses cross-site unsafe requests. Go's CrossOriginProtection
// checks Sec-Fetch-Site (and Origin against Host) that every current
// browser sends; requests without them (curl, scripts with a bearer token)
// are not browser-driven and pass. Together with SameSite=Lax cookies,
// which browsers already withhold from cross-site POSTs, this closes CSRF
// without tokens in every form.
func (s *Server) csrf(next http.Handler) http.Handler {
	cop := http.NewCrossOriginProtection()
	cop.SetDenyHandler(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.writeError(w, r, conversa.Errorf(conversa.EFORBIDDEN, "Cross-origin request refused.").
			Pt("Requisição de outra origem recusada."))
	}))
	return cop.Handler(next)
}
