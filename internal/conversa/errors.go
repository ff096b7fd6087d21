package conversa

import (
	"errors"
	"fmt"
)

// Error codes. They are part of the public API contract (the "code" field of
// every error body), so they are snake_case and never renamed.
const (
	EINVALID             = "invalid"               // bad input
	EUNAUTHORIZED        = "unauthorized"          // no or wrong credentials
	EFORBIDDEN           = "forbidden"             // authenticated, but not allowed
	EREAUTH              = "reauth_required"       // step-up re-authentication needed
	ENOTFOUND            = "not_found"             // absent, or belongs to another company
	ECONFLICT            = "conflict"              // duplicate or state clash
	ELICENCE             = "licence_exceeded"      // contracted channels/agents used up
	ELOCKED              = "locked"                // too many failed logins
	ERATELIMIT           = "rate_limited"          // slow down
	EWINDOWCLOSED        = "window_closed"         // free-form send outside the 24-hour window
	ETEMPLATENOTAPPROVED = "template_not_approved" // template missing or not APPROVED
	ETEMPLATEPARAMS      = "template_params"       // parameter count/format mismatch
	EOPTEDOUT            = "opted_out"             // contact opted out of marketing
	ECHANNELUNAVAILABLE  = "channel_unavailable"   // the channel can't send now (disconnected, in error, billing)
	EUPSTREAM            = "upstream_error"        // the Graph API refused or failed
	EMETAREJECTED        = "meta_rejected"         // Meta refused what the admin entered (token, ids, code): fix it
	EUNAVAILABLE         = "unavailable"           // dependency down; try again
	ETOOLARGE            = "too_large"             // request body over the endpoint's limit
	EMEDIATYPE           = "unsupported_media"     // a file type WhatsApp doesn't take (for that message type)
	EINTERNAL            = "internal"              // a bug or an unexpected failure
)

// Error is a domain error: a stable code plus a human sentence in English
// and, when set, Brazilian Portuguese.
type Error struct {
	Code    string
	Message string // English
	PT      string // pt-BR; empty falls back to Message
}

func (e *Error) Error() string { return e.Code + ": " + e.Message }

// Errorf returns an *Error with an English message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// Pt sets the pt-BR sentence and returns e, so both languages sit together:
//
//	conversa.Errorf(EINVALID, "Name is required.").Pt("O nome é obrigatório.")
func (e *Error) Pt(format string, args ...any) *Error {
	e.PT = fmt.Sprintf(format, args...)
	return e
}

// Localize returns the message in lang (an Accept-Language value or a
// locale such as "pt-BR"): PT when Portuguese is preferred to English and
// PT is present, else the English message.
func (e *Error) Localize(lang string) string {
	if e.PT != "" && PreferredLanguage(lang, English) == Portuguese {
		return e.PT
	}
	return e.Message
}

// ErrorCode returns the code of the *Error in err's chain, or EINTERNAL.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the localized message of the *Error in err's chain;
// other errors get a generic sentence so internals never leak.
func ErrorMessage(err error, lang string) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Localize(lang)
	}
	return (&Error{Message: "Internal error.", PT: "Erro interno."}).Localize(lang)
}
