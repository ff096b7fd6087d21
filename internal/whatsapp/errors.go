package whatsapp

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// Error is an error reported by the Graph API, synchronously (an HTTP error
// body) or later inside a failed status webhook (see WebhookError.Err).
type Error struct {
	HTTPStatus  int    // 0 when the error came from a webhook
	Code        int    // Meta's numeric code, e.g. 131047
	Subcode     int    // error_subcode; 0 when absent
	Type        string // e.g. "OAuthException"
	Message     string // Meta's message, e.g. "(#131047) Re-engagement message"
	Title       string // webhook errors carry a title
	Details     string // error_data.details: the most specific explanation
	UserTitle   string // error_user_title, when Meta explains the error to people
	UserMessage string // error_user_msg
	FBTraceID   string // quote it to Meta support
	Transient   bool   // is_transient
	RetryAfter  time.Duration

	// bare: the answer had no Graph error body (a proxy's page), so Code 0
	// means "unknown", not Meta's code 0.
	bare bool
	// ambiguous: a POST answered by a gateway error without a Graph body,
	// so Meta may or may not have acted on it.
	ambiguous bool
}

func (e *Error) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "whatsapp: meta error %d", e.Code)
	if e.Subcode != 0 {
		fmt.Fprintf(&b, "/%d", e.Subcode)
	}
	if msg := cmp.Or(e.Message, e.Title); msg != "" {
		b.WriteString(": " + msg)
	}
	if e.Details != "" && !strings.Contains(e.Message, e.Details) {
		b.WriteString(": " + e.Details)
	}
	if e.HTTPStatus != 0 {
		fmt.Fprintf(&b, " (http %d", e.HTTPStatus)
		if e.FBTraceID != "" {
			b.WriteString(", fbtrace_id " + e.FBTraceID)
		}
		b.WriteString(")")
	}
	return b.String()
}

// Info is the catalog entry for the error: sentences for agents, class.
func (e *Error) Info() CodeInfo {
	info, _ := e.lookup()
	return info
}

// lookup finds the catalog entry; ok is false for codes the catalog does
// not know and for bare HTTP errors.
func (e *Error) lookup() (CodeInfo, bool) {
	if e.bare {
		return Lookup(-1, 0), false
	}
	if info, ok := lookup(e.Code, e.Subcode); ok {
		return info, true
	}
	return Lookup(e.Code, e.Subcode), false
}

// graphBody is Meta's error envelope.
type graphBody struct {
	Error *struct {
		Message     string          `json:"message"`
		Type        string          `json:"type"`
		Code        int             `json:"code"`
		Subcode     int             `json:"error_subcode"`
		UserTitle   string          `json:"error_user_title"`
		UserMessage string          `json:"error_user_msg"`
		IsTransient bool            `json:"is_transient"`
		FBTraceID   string          `json:"fbtrace_id"`
		ErrorData   json.RawMessage `json:"error_data"`
	} `json:"error"`
}

// decodeError builds an *Error from a non-2xx response. A body that is not a
// Graph error (a proxy's HTML page) still yields an *Error with the status.
func decodeError(status int, h http.Header, method string, data []byte) *Error {
	e := &Error{HTTPStatus: status, RetryAfter: retryAfter(h)}
	var body graphBody
	if json.Unmarshal(data, &body) != nil || body.Error == nil {
		e.bare = true
		e.Message = strings.TrimSpace(http.StatusText(status) + ": " + truncate(string(data), 200))
		e.ambiguous = method != http.MethodGet && (status == 500 || status == 502 || status == 504)
		return e
	}
	g := body.Error
	e.Code, e.Subcode, e.Type, e.Message = g.Code, g.Subcode, g.Type, g.Message
	e.UserTitle, e.UserMessage, e.FBTraceID, e.Transient = g.UserTitle, g.UserMessage, g.FBTraceID, g.IsTransient
	e.Details = errorDetails(g.ErrorData)
	return e
}

// errorDetails reads error_data.details; Graph sometimes sends error_data as
// a string, which is kept whole.
func errorDetails(raw json.RawMessage) string {
	var d struct {
		Details string `json:"details"`
	}
	if json.Unmarshal(raw, &d) == nil {
		return d.Details
	}
	var s string
	_ = json.Unmarshal(raw, &s)
	return s
}

func retryAfter(h http.Header) time.Duration {
	if s, err := strconv.Atoi(strings.TrimSpace(h.Get("Retry-After"))); err == nil && s > 0 {
		return time.Duration(s) * time.Second
	}
	return 0
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// TransportError is a call that failed without a Graph error body: the
// network, a timeout, or an unreadable response.
type TransportError struct {
	Method string
	URL    string // without the query string
	Err    error
	// Written is true once the request may have reached the server (it was
	// written, or an answer started to arrive). For a POST this is the
	// ambiguous case: the message may have been sent.
	Written bool
}

func (e *TransportError) Error() string {
	return fmt.Sprintf("whatsapp: %s %s: %v", e.Method, e.URL, e.Err)
}

func (e *TransportError) Unwrap() error { return e.Err }

// Timeout reports whether the call ran out of time.
func (e *TransportError) Timeout() bool {
	var ne net.Error
	return errors.Is(e.Err, context.DeadlineExceeded) || (errors.As(e.Err, &ne) && ne.Timeout())
}

// canceled: the caller gave up; retrying would be wrong.
func (e *TransportError) canceled() bool { return errors.Is(e.Err, context.Canceled) }

// IsAmbiguous reports whether a failed POST (a send) may nevertheless have
// been carried out by Meta. The client never retries such a call; the caller
// must not re-send blindly either, but reconcile through the status webhooks
// (biz_opaque_callback_data carries its own id) or ask a person.
func IsAmbiguous(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return te.Written && te.Method != http.MethodGet
	}
	var e *Error
	return errors.As(err, &e) && e.ambiguous
}

// Retryable reports whether err is transient: the same call may succeed
// later (see BackoffHint for how long to wait). For a send, check
// IsAmbiguous first: an ambiguous send is retryable only after reconciling.
func Retryable(err error) bool {
	var te *TransportError
	if errors.As(err, &te) {
		return !te.canceled()
	}
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	if info, ok := e.lookup(); ok {
		return info.Retryable
	}
	return e.Transient || e.HTTPStatus >= 500 || e.HTTPStatus == http.StatusTooManyRequests
}

// Permanent reports whether Meta definitively refused the call: repeating it
// unchanged will fail the same way.
func Permanent(err error) bool {
	var e *Error
	return errors.As(err, &e) && !e.ambiguous && !Retryable(err)
}

// ChannelProblem reports whether the error is about the channel itself (token,
// account lock, payment, registration, policy block) rather than one message:
// the channel should turn red and stop sending until an admin fixes it.
func ChannelProblem(err error) bool {
	var e *Error
	return errors.As(err, &e) && e.Info().Channel
}

// IsWindowClosed reports Meta's 131047: the 24-hour customer-service window
// is closed and only a template may be sent.
func IsWindowClosed(err error) bool { return hasCode(err, CodeReengagement) }

// IsPaymentProblem reports Meta's 131042: the account has no valid payment
// method, so templates fail while free service messages still go.
func IsPaymentProblem(err error) bool { return hasCode(err, CodePayment) }

// IsRegisteredElsewhere reports that a phone number is still registered with
// another WhatsApp account or provider and must be removed there first.
func IsRegisteredElsewhere(err error) bool {
	var e *Error
	if !errors.As(err, &e) {
		return false
	}
	return e.Subcode == SubcodeNumberInUse ||
		strings.Contains(strings.ToLower(e.Details), "already registered")
}

// BackoffHint is how long a sender should wait before trying again: the
// server's Retry-After when given, else the catalog's hint for the code;
// 0 if none.
func BackoffHint(err error) time.Duration {
	var e *Error
	if !errors.As(err, &e) {
		return 0
	}
	if e.RetryAfter > 0 {
		return e.RetryAfter
	}
	return e.Info().Backoff
}

func hasCode(err error, code int) bool {
	var e *Error
	return errors.As(err, &e) && e.Code == code
}
