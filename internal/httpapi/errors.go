package httpapi

import (
	"errors"
	"net/http"

	"github.com/conversa/conversa/internal/conversa"
)

// statusOf maps a domain error code to its HTTP status. It is the only
// place that does.
func statusOf(code string) int {
	switch code {
	case conversa.EINVALID:
		return http.StatusBadRequest
	case conversa.EUNAUTHORIZED:
		return http.StatusUnauthorized
	case conversa.EFORBIDDEN, conversa.EREAUTH:
		return http.StatusForbidden
	case conversa.ENOTFOUND:
		return http.StatusNotFound
	case conversa.ECONFLICT:
		return http.StatusConflict
	case conversa.ELICENCE, conversa.EWINDOWCLOSED, conversa.ETEMPLATENOTAPPROVED, conversa.ETEMPLATEPARAMS, conversa.EOPTEDOUT,
		conversa.EMETAREJECTED, conversa.ECHANNELUNAVAILABLE, conversa.EMEDIATYPE:
		return http.StatusUnprocessableEntity
	case conversa.ELOCKED, conversa.ERATELIMIT:
		return http.StatusTooManyRequests
	case conversa.EUPSTREAM:
		return http.StatusBadGateway
	case conversa.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case conversa.ETOOLARGE:
		return http.StatusRequestEntityTooLarge
	}
	return http.StatusInternalServerError
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError writes {"error":{"code","message"}} in the caller's language.
// Errors without a domain code are bugs or outages: they are logged with
// their detail and answered with a generic "internal" sentence.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	code := conversa.ErrorCode(err)
	var de *conversa.Error
	if !errors.As(err, &de) {
		s.log.ErrorContext(r.Context(), "request failed", "method", r.Method, "path", r.URL.Path, "err", err)
	}
	var body errorBody
	body.Error.Code = code
	body.Error.Message = conversa.ErrorMessage(err, r.Header.Get("Accept-Language"))
	if code == conversa.EUNAUTHORIZED {
		w.Header().Set("WWW-Authenticate", `Bearer realm="conversa"`)
	}
	writeJSON(w, statusOf(code), body)
}

func errNoRoute() error {
	return conversa.Errorf(conversa.ENOTFOUND, "No such endpoint.").Pt("Endereço inexistente.")
}
