package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"
	_ "time/tzdata" // Brazilian zones even on hosts without zoneinfo
	"unicode"

	"github.com/conversa/conversa/internal/conversa"
)

// Languages: pt-BR is the default (most of our users are Brazilian).
const (
	langPT = "pt-BR"
	langEN = "en"
)

const (
	langCookie = "conversa_lang"
	// tzCookie is a zone the user pinned in Settings for this browser,
	// honoured only with tzPinnedCookie (an older app.js set tzCookie on
	// its own from the browser's zone; those cookies are ignored now).
	tzCookie       = "conversa_tz"
	tzPinnedCookie = "conversa_tz_pinned"
)

// catalogs maps language → message key → text (fmt verbs for arguments).
// messages_pt.go and messages_en.go hold the common texts; each screen's
// messages_<screen>.go adds its own with addMessages, so the shared files
// don't collide (TestCatalogsMatch checks both languages have every key).
var catalogs = map[string]map[string]string{langPT: messagesPT, langEN: messagesEN}

// locale is the user's language and time zone for one request.
type locale struct {
	Lang string
	msgs map[string]string
	zone *time.Location
	// ownZone is true when the zone is one the user pinned in this
	// browser, not their company's.
	ownZone bool
}

// addMessages merges texts given as {pt-BR, en} per key into both catalogs.
func addMessages(texts map[string][2]string) {
	for k, v := range texts {
		messagesPT[k], messagesEN[k] = v[0], v[1]
	}
}

// localeFor picks the language and time zone. What the user chose comes
// first (the language switch's cookie, a zone pinned in Settings); then,
// once signed in, their company's defaults (co, nil before login), which an
// admin sets so a team sees one language and one calendar; then the
// browser's Accept-Language, pt-BR and São Paulo.
func localeFor(r *http.Request, co *conversa.Company) *locale {
	l := &locale{}
	if c, err := r.Cookie(langCookie); err == nil {
		l.Lang = matchLang(c.Value)
	}
	if l.Lang == "" && co != nil {
		l.Lang = matchLang(co.Locale)
	}
	if l.Lang == "" {
		l.Lang = acceptLang(r.Header.Get("Accept-Language"))
	}
	l.msgs = catalogs[l.Lang]
	l.zone = pinnedZone(r)
	l.ownZone = l.zone != nil
	if !l.ownZone {
		l.zone = companyZone(co)
	}
	return l
}

// pinnedZone is the zone the user chose in Settings for this browser, or
// nil when they follow their company's.
func pinnedZone(r *http.Request) *time.Location {
	if c, err := r.Cookie(tzPinnedCookie); err != nil || c.Value != "1" {
		return nil
	}
	c, err := r.Cookie(tzCookie)
	if err != nil {
		return nil
	}
	return loadZone(c.Value)
}

// companyZone is the company's zone (São Paulo's before login, or if the
// zone can't be loaded: the API validated it, but tzdata may age).
func companyZone(co *conversa.Company) *time.Location {
	if co != nil {
		if z := loadZone(co.TimeZone); z != nil {
			return z
		}
	}
	if z := loadZone(conversa.DefaultTimeZone); z != nil {
		return z
	}
	return time.UTC
}

// zones caches loaded zones: every request needs one, and the settings'
// pickers label dozens; time.LoadLocation parses the zone data each time.
// Only names that loaded are kept: at most the zone database's few hundred.
var zones sync.Map // IANA name → *time.Location

// loadZone is the IANA zone name, or nil for an unknown name, "" or
// "Local" (the server's zone, which means nothing to a user).
func loadZone(name string) *time.Location {
	if z, ok := zones.Load(name); ok {
		return z.(*time.Location)
	}
	if name == "" || name == "Local" {
		return nil
	}
	z, err := time.LoadLocation(name)
	if err != nil {
		return nil
	}
	zones.Store(name, z)
	return z
}

func matchLang(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case strings.HasPrefix(s, "pt"):
		return langPT
	case strings.HasPrefix(s, "en"):
		return langEN
	}
	return ""
}

// acceptLang returns the first supported language in an Accept-Language
// header (browsers list them by preference; q-values follow that order).
func acceptLang(h string) string {
	for _, part := range strings.Split(h, ",") {
		tag, _, _ := strings.Cut(part, ";")
		if l := matchLang(tag); l != "" {
			return l
		}
	}
	return langPT
}

// T translates key, formatting args into it. A missing key shows itself,
// which the catalog test catches before users do.
func (l *locale) T(key string, args ...any) string {
	s, ok := l.msgs[key]
	if !ok {
		return key
	}
	if len(args) > 0 {
		return fmt.Sprintf(s, args...)
	}
	return s
}

// Plural is key's "_one" text for a count of 1, else its "_other" text,
// with n in it ("1 mensagem não lida", "3 mensagens não lidas"); both our
// languages use the singular for exactly one.
func (l *locale) Plural(key string, n int) string {
	if n == 1 {
		return l.T(key+"_one", n)
	}
	return l.T(key+"_other", n)
}

// IsPT is true for Portuguese, for the few spots that differ in form.
func (l *locale) IsPT() bool { return l.Lang == langPT }

// DateTime formats t in the user's zone: 02/01/2026 15:04 or Jan 2, 2026 3:04 PM.
func (l *locale) DateTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(l.zone)
	if l.IsPT() {
		return t.Format("02/01/2006 15:04")
	}
	return t.Format("Jan 2, 2006 3:04 PM")
}

// Date formats t's day in the user's zone: 09/03/2026 or Mar 9, 2026.
func (l *locale) Date(t time.Time) string {
	t = t.In(l.zone)
	if l.IsPT() {
		return t.Format("02/01/2006")
	}
	return t.Format("Jan 2, 2006")
}

// Clock formats only the time of day, for message bubbles.
func (l *locale) Clock(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	t = t.In(l.zone)
	if l.IsPT() {
		return t.Format("15:04")
	}
	return t.Format("3:04 PM")
}

// Money formats micro-USD in the user's convention, grouped by thousands:
// US$ 12.345,00 or $12,345.00. Whole cents show two decimals; a sub-cent
// amount shows four, as Meta's rate cards do (US$ 0,0625), or up to six
// when the micro-dollars need them, so no price is rounded away.
func (l *locale) Money(m conversa.Money) string {
	sign := ""
	if m < 0 {
		sign, m = "-", -m
	}
	frac := fmt.Sprintf("%06d", int64(m%conversa.Micro))
	switch {
	case strings.HasSuffix(frac, "0000"):
		frac = frac[:2]
	case strings.HasSuffix(frac, "00"):
		frac = frac[:4]
	default:
		frac = strings.TrimRight(frac, "0")
	}
	if l.IsPT() {
		return sign + "US$ " + grouped(int64(m/conversa.Micro), ".") + "," + frac
	}
	return sign + "$" + grouped(int64(m/conversa.Micro), ",") + "." + frac
}

// grouped writes n (≥ 0) with sep between groups of three digits.
func grouped(n int64, sep string) string {
	s := strconv.FormatInt(n, 10)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + sep + s[i:]
	}
	return s
}

// JSMessages are the strings app.js needs, as JSON for a data attribute.
func (l *locale) JSMessages() string {
	out := map[string]string{}
	for k, v := range l.msgs {
		if strings.HasPrefix(k, "js.") {
			out[strings.TrimPrefix(k, "js.")] = v
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// switchLang sets the language cookie and returns to where the user was.
// It is a plain link (GET), so it works before any script has loaded.
func (u *UI) switchLang(w http.ResponseWriter, r *http.Request) {
	lang := matchLang(r.URL.Query().Get("l"))
	if lang == "" {
		lang = langPT
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: lang, Path: "/", MaxAge: 365 * 24 * 3600,
		SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, safeNext(r.URL.Query().Get("next"), "/"), http.StatusSeeOther)
}

// safeNext allows only same-site absolute paths as a redirect target, so a
// crafted link can't bounce a user to another site after login or a
// language switch. Browsers read a backslash as "/" and drop tabs and
// newlines, so "/<backslash>evil.example" and "/<tab>/evil.example" are
// "//evil.example" to them. The target must start with exactly one "/"
// followed by neither "/" nor a backslash, hold no control characters or
// backslashes at all, and parse as a path without scheme or host; the same
// holds once it is percent-decoded, for anything that decodes it again.
func safeNext(next, fallback string) string {
	if !samePath(next) {
		return fallback
	}
	if dec, err := url.PathUnescape(next); err != nil || !samePath(dec) {
		return fallback
	}
	return next
}

// samePath is safeNext's test of one spelling of the target.
func samePath(p string) bool {
	if len(p) == 0 || p[0] != '/' || (len(p) > 1 && (p[1] == '/' || p[1] == '\\')) {
		return false
	}
	if strings.ContainsFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f || r == '\\' || unicode.IsSpace(r) && r != ' ' }) {
		return false
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == "" && u.User == nil && strings.HasPrefix(u.Path, "/") && !strings.HasPrefix(u.Path, "//")
}

// funcs are the template helpers that need no locale.
var funcs = template.FuncMap{
	"json": func(v any) (string, error) {
		b, err := json.Marshal(v)
		return string(b), err
	},
	"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
	"lower": strings.ToLower,
	"upper": strings.ToUpper,
	"add":   func(a, b int) int { return a + b },
	"query": url.QueryEscape,
	"eq2":   func(a, b any) bool { return fmt.Sprint(a) == fmt.Sprint(b) },
}

// Translate is the catalog's text for lang ("pt-BR" or "en"), for callers
// outside a request, such as the browser tests checking what users read.
func Translate(lang, key string, args ...any) string {
	l := &locale{Lang: matchLang(lang), msgs: catalogs[matchLang(lang)]}
	if l.msgs == nil {
		l.Lang, l.msgs = langPT, messagesPT
	}
	return l.T(key, args...)
}
