package web

import (
	"bytes"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/conversa"
)

// pages holds one template set per screen file: the layout and shared
// partials plus that screen's own templates, so screens can each define
// "content" (and their fragments) without clashing. A screen too big for
// one file continues in parts named after it: inbox.thread.html belongs to
// inbox.html.
type pages struct{ sets map[string]*template.Template }

// shared are parsed into every set.
var shared = []string{"templates/layout.html", "templates/partials.html", "templates/compose.html"}

func parsePages() (*pages, error) {
	files, err := fs.Glob(templateFS, "templates/*.html")
	if err != nil {
		return nil, err
	}
	p := &pages{sets: map[string]*template.Template{}}
	for _, f := range files {
		name := strings.TrimPrefix(f, "templates/")
		if isShared(f) || strings.Count(name, ".") > 1 {
			continue
		}
		parts, err := fs.Glob(templateFS, "templates/"+strings.TrimSuffix(name, ".html")+".*.html")
		if err != nil {
			return nil, err
		}
		t, err := template.New(name).Funcs(funcs).ParseFS(templateFS, append(append(shared, f), parts...)...)
		if err != nil {
			return nil, fmt.Errorf("web: %s: %w", name, err)
		}
		p.sets[name] = t
	}
	return p, nil
}

func isShared(f string) bool {
	for _, s := range shared {
		if s == f {
			return true
		}
	}
	return false
}

// view is what every template gets: who is looking, in which language,
// the server's clock (the sandbox can move it), and the screen's data.
type view struct {
	*locale
	P        *auth.Principal
	Title    string
	Nav      string // the highlighted navigation entry
	Path     string // the request path, for the language switch's return
	Now      time.Time
	SimPhone string // the customer phone page, in sandbox mode
	SimBase  string // where the simulator is mounted, in sandbox mode
	// Available is the user's availability for the top bar's switch
	// (full pages only; nil hides it).
	Available *availabilityState
	Data      any
	r         *http.Request
}

// Role helpers for the navigation and for hiding actions a role can't take
// (the API refuses them anyway).
func (v *view) IsAdmin() bool { return v.P != nil && v.P.User.Role.AtLeast(conversa.RoleAdmin) }
func (v *view) IsSupervisor() bool {
	return v.P != nil && v.P.User.Role.AtLeast(conversa.RoleSupervisor)
}

// Day names t's day for the thread's dividers: today, yesterday, or the
// date, in the user's zone and language.
func (v *view) Day(t time.Time) string {
	day := func(t time.Time) time.Time {
		y, m, d := t.In(v.zone).Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	switch day(v.Now).Sub(day(t)) {
	case 0:
		return v.T("day.today")
	case 24 * time.Hour:
		return v.T("day.yesterday")
	}
	return v.Date(t)
}

// With is v showing other data, for partials shared between screens.
func (v *view) With(data any) *view {
	c := *v
	c.Data = data
	return &c
}

// loader fills v.Data (and the title) for one screen or fragment.
type loader func(r *http.Request, v *view) error

// page serves a full screen for users with at least role min.
func (u *UI) page(min conversa.Role, file string, load loader) http.HandlerFunc {
	return u.serve(min, file, "layout", load)
}

// fragment serves one named template of a screen, for htmx refreshes.
func (u *UI) fragment(min conversa.Role, file, name string, load loader) http.HandlerFunc {
	return u.serve(min, file, name, load)
}

func (u *UI) serve(min conversa.Role, file, name string, load loader) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		v := u.newView(r)
		p, err := u.principal(r)
		if err != nil {
			u.toLogin(w, r)
			return
		}
		v.P, v.locale = p, localeFor(r, &p.Company)
		if err := p.RequireRole(min); err != nil {
			u.renderError(w, v, err)
			return
		}
		if err := load(r, v); err != nil {
			if isUnauthorized(err) {
				u.toLogin(w, r)
				return
			}
			u.renderError(w, v, err)
			return
		}
		if name == "layout" {
			u.loadAvailability(r, v)
		}
		u.render(w, http.StatusOK, file, name, v)
	}
}

func (u *UI) newView(r *http.Request) *view {
	v := &view{locale: localeFor(r, nil), Now: u.cfg.Clock.Now(), Path: r.URL.RequestURI(), r: r}
	if u.cfg.SimPath != "" {
		v.SimPhone, v.SimBase = u.cfg.SimPath+"/_sim/phone", u.cfg.SimPath
	}
	return v
}

// principal authenticates the request's session cookie.
func (u *UI) principal(r *http.Request) (*auth.Principal, error) {
	token, _ := auth.TokenFromRequest(r)
	return u.cfg.Auth.Authenticate(r.Context(), token)
}

// toLogin sends an anonymous (or expired) visitor to the login page and
// back here afterwards. htmx requests get HX-Redirect, so a fragment
// refresh doesn't paint the login page inside the inbox; it returns to the
// page the fragment was on (htmx's HX-Current-URL), not to the fragment.
func (u *UI) toLogin(w http.ResponseWriter, r *http.Request) {
	target := "/login?next=" + url.QueryEscape(r.URL.RequestURI())
	if r.Header.Get("HX-Request") != "" {
		target = "/login"
		if page, err := url.Parse(r.Header.Get("HX-Current-URL")); err == nil && page.Path != "" {
			target += "?next=" + url.QueryEscape(safeNext(page.RequestURI(), "/"))
		}
		w.Header().Set("HX-Redirect", target)
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// render executes into a buffer first, so a template error becomes a clean
// 500 instead of half a page.
func (u *UI) render(w http.ResponseWriter, status int, file, name string, v *view) {
	t, ok := u.pages.sets[file]
	if !ok {
		u.cfg.Logger.Error("web: no such template file", "file", file)
		http.Error(w, "template missing", http.StatusInternalServerError)
		return
	}
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, name, v); err != nil {
		u.cfg.Logger.Error("web: render", "file", file, "template", name, "err", err)
		http.Error(w, "render failed", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Language", v.Lang)
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

var errPageNotFound = conversa.Errorf(conversa.ENOTFOUND, "Page not found.").Pt("Página não encontrada.")

// renderError shows an error inside the layout, in the user's language.
func (u *UI) renderError(w http.ResponseWriter, v *view, err error) {
	status := http.StatusInternalServerError
	msg := v.T("error.generic")
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		status, msg = ae.Status, ae.Message
	case conversa.ErrorCode(err) != conversa.EINTERNAL:
		status, msg = statusOfCode(conversa.ErrorCode(err)), conversa.ErrorMessage(err, v.Lang)
	default:
		u.cfg.Logger.Error("web: page failed", "path", v.Path, "err", err)
	}
	v.Title, v.Data = v.T("error.title"), msg
	name := "layout"
	if v.r.Header.Get("HX-Request") != "" {
		name = "content"
	}
	u.render(w, status, "error.html", name, v)
}

func statusOfCode(code string) int {
	switch code {
	case conversa.ENOTFOUND:
		return http.StatusNotFound
	case conversa.EFORBIDDEN:
		return http.StatusForbidden
	case conversa.EUNAUTHORIZED:
		return http.StatusUnauthorized
	}
	return http.StatusBadRequest
}
