package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
)

// apiError is an error answer of the JSON API, already in the user's
// language (the in-process request carries it in Accept-Language).
type apiError struct {
	Status        int
	Code, Message string
}

func (e *apiError) Error() string { return fmt.Sprintf("api %d %s: %s", e.Status, e.Code, e.Message) }

// missing reports an endpoint that isn't there: a feature whose backend
// hasn't shipped, or that this deployment lacks. Screens show "not
// available yet" instead of an error.
func missing(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Status == http.StatusNotFound && ae.Code == "not_found" &&
		(ae.Message == "No such endpoint." || ae.Message == "Endereço inexistente.")
}

func isUnauthorized(err error) bool {
	var ae *apiError
	return errors.As(err, &ae) && ae.Status == http.StatusUnauthorized
}

// apiGet reads path from the JSON API in-process, as the signed-in user:
// the same handler, cookie and language as a browser fetch, so the page
// shows exactly what the API allows and no rule is written twice.
func (u *UI) apiGet(r *http.Request, v *view, path string, out any) error {
	return u.apiDo(r, v, http.MethodGet, path, nil, out)
}

// apiPost is apiGet for the API's read-only POSTs (previews).
func (u *UI) apiPost(r *http.Request, v *view, path string, body, out any) error {
	return u.apiDo(r, v, http.MethodPost, path, body, out)
}

func (u *UI) apiDo(r *http.Request, v *view, method, path string, body, out any) error {
	h := u.api.Load()
	if h == nil {
		return errors.New("web: API handler not set")
	}
	var rd io.Reader
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return err
		}
		rd = bytes.NewReader(b)
	}
	req, err := http.NewRequestWithContext(r.Context(), method, path, rd)
	if err != nil {
		return err
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	req.Header.Set("Cookie", r.Header.Get("Cookie"))
	req.Header.Set("Accept-Language", v.Lang)
	req.Header.Set("Accept", "application/json")
	req.RemoteAddr = r.RemoteAddr
	rec := &recorder{header: http.Header{}}
	(*h).ServeHTTP(rec, req)
	if rec.status >= 300 {
		var body struct {
			Error struct{ Code, Message string }
		}
		_ = json.Unmarshal(rec.body.Bytes(), &body)
		return &apiError{Status: rec.status, Code: body.Error.Code, Message: body.Error.Message}
	}
	if out == nil {
		return nil
	}
	if err := json.Unmarshal(rec.body.Bytes(), out); err != nil {
		return fmt.Errorf("web: GET %s: %w", path, err)
	}
	return nil
}

// recorder is a minimal in-memory ResponseWriter for in-process calls.
type recorder struct {
	header http.Header
	status int
	body   bytes.Buffer
}

func (r *recorder) Header() http.Header { return r.header }

func (r *recorder) WriteHeader(code int) {
	if r.status == 0 {
		r.status = code
	}
}

func (r *recorder) Write(b []byte) (int, error) {
	if r.status == 0 {
		r.status = http.StatusOK
	}
	return r.body.Write(b)
}
