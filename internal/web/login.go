package web

import (
	"net/http"
)

// loginPage is the domain + e-mail + password form. The form posts to
// /api/v1/auth/login from app.js, so the API's answer, localized, is what
// the user reads: "wrong domain, e-mail or password" without saying which,
// or the lockout sentence.
func (u *UI) loginPage(w http.ResponseWriter, r *http.Request) {
	next := safeNext(r.URL.Query().Get("next"), "/app/inbox")
	if _, err := u.principal(r); err == nil {
		http.Redirect(w, r, next, http.StatusSeeOther)
		return
	}
	v := u.newView(r)
	v.Title = v.T("login.title")
	v.Data = struct{ Next, Domain string }{next, r.URL.Query().Get("domain")}
	u.render(w, http.StatusOK, "login.html", "layout", v)
}
