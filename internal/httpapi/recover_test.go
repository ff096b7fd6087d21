package httpapi

import (
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestPanicBecomesInternalError(t *testing.T) {
	s := New(Config{Logger: slog.New(slog.DiscardHandler)})
	h := s.recover(http.HandlerFunc(func(http.ResponseWriter, *http.Request) { panic("secret detail") }))
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("GET", "/x", nil))
	if rec.Code != 500 || !strings.Contains(rec.Body.String(), `"code":"internal"`) || strings.Contains(rec.Body.String(), "secret") {
		t.Fatalf("%d %s", rec.Code, rec.Body)
	}
}

func TestStatusOf(t *testing.T) {
	tests := map[string]int{"invalid": 400, "unauthorized": 401, "reauth_required": 403, "not_found": 404,
		"licence_exceeded": 422, "locked": 429, "window_closed": 422, "upstream_error": 502, "whatever": 500,
		// The contract's refusals of a send (API-CONTRACT.md) are all 422.
		"template_not_approved": 422, "template_params": 422, "opted_out": 422,
		// Uploads: a type WhatsApp doesn't take, a file over its size.
		"unsupported_media": 422, "too_large": 413}
	for code, want := range tests {
		if got := statusOf(code); got != want {
			t.Errorf("statusOf(%q) = %d, want %d", code, got, want)
		}
	}
}
