package metasim

import (
	_ "embed"
	htmltemplate "html/template"
	"net/http"
)

// The customer phone page (GET /_sim/phone): one self-contained HTML file
// (inline CSS and JS, no CDN) that acts as a customer through the control
// API and polls it for new messages.

//go:embed phone.html
var phoneHTML string

var phonePage = htmltemplate.Must(htmltemplate.New("phone").Parse(phoneHTML))

func (s *Sim) servePhonePage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Content-Security-Policy", "default-src 'self'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src 'self' data:")
	if err := phonePage.Execute(w, struct{ Base string }{s.opts.BasePath}); err != nil {
		s.log.Warn("metasim: phone page", "err", err)
	}
}
