package web

import (
	"encoding/json"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata"
	"unicode" // Brazilian zones even on hosts without zoneinfo

	"github.com/conversa/conversa/internal/conversa"
)

// Languages: pt-BR is the default (most of our users are Brazilian).
const (
	langPT = "pt-BR"
	langEN = "en"
)

const (
	langCookie = "conversa_lang"
	tzCookie   = "conversa_tz" // set by app.js from the browser's zone
	// tzPinnedCookie says the user chose the zone in Settings: app.js then
	// leaves conversa_tz alone instead of following the browser.
	tzPinnedCookie = "conversa_tz_pinned"
)

// catalogs maps language → message key → text (fmt verbs for arguments).
// messages_pt.go and messages_en.go hold the common texts; each screen's
// messages_<screen>.go adds its own with addMessages, so the shared files
// don't collide (TestCatalogsMatch checks both languages have every key).
var catalogs = map[string]map[string]string{langPT: messagesPT, langEN: messagesEN}

// defaultZone shows times as São Paulo sees them until the browser tells
// us its zone.
const defaultZone = "America/Sao_Paulo"

// locale is the user's language and time zone for one request.
type locale struct {
	Lang string
	msgs map[string]string
	zone *time.Location
}

// addMessages merges texts given as {pt-BR, en} per key into both catalogs.
func addMessages(texts map[string][2]string) {
	for k, v := range texts {
		messagesPT[k], messagesEN[k] = v[0], v[1]
	}
}

// localeFor picks the language: the switch's cookie, else the browser's
// Accept-Language, else pt-BR.
func localeFor(r *http.Request) *locale {
	lang := ""
	if c, err := r.Cookie(langCookie); err == nil {
		lang = matchLang(c.Value)
	}
	if lang == "" {
		lang = acceptLang(r.Header.Get("Accept-Language"))
	}
	zone, err := time.LoadLocation(defaultZone)
	if c, cerr := r.Cookie(tzCookie); cerr == nil {
		if z, zerr := time.LoadLocation(c.Value); zerr == nil {
			zone, err = z, nil
		}
	}
	if err != nil {
		zone = time.UTC
	}
	return &locale{Lang: lang, msgs: catalogs[lang], zone: zone}
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
