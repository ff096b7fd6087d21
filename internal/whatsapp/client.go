package whatsapp

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptrace"
	"net/url"
	"strings"
	"sync/atomic"
	"time"
)

// Defaults. DefaultVersion is the Graph API version the client speaks unless
// Config.Version says otherwise; Meta keeps each version for about two years.
const (
	DefaultBaseURL       = "https://graph.facebook.com"
	DefaultVersion       = "v23.0"
	DefaultTimeout       = 30 * time.Second
	DefaultMaxRetries    = 2
	DefaultRetryDelay    = 500 * time.Millisecond
	DefaultMaxMediaBytes = 100 << 20 // Cloud API's largest media file (documents)

	maxJSONBody   = 16 << 20
	maxRetryDelay = 10 * time.Second
)

// Config configures a Client. The zero value talks to Meta's production
// Graph API with DefaultVersion.
type Config struct {
	BaseURL        string        // scheme://host[/prefix], no version; default DefaultBaseURL
	Version        string        // e.g. "v23.0"; default DefaultVersion
	HTTPClient     *http.Client  // default: a new client (its own Timeout is left alone)
	Timeout        time.Duration // per attempt, including reading the body; default DefaultTimeout
	MaxRetries     int           // extra attempts for safe (GET) calls; 0 = default, < 0 = none
	RetryBaseDelay time.Duration // first back-off step; doubles each retry; default DefaultRetryDelay
	MaxMediaBytes  int64         // download cap; default DefaultMaxMediaBytes
	UserAgent      string        // optional User-Agent header
}

// Client calls the Graph API. It is safe for concurrent use and holds no
// credentials: every call takes the access token of the channel it acts for.
type Client struct {
	base      string // without trailing slash
	version   string
	hc        *http.Client
	timeout   time.Duration
	retries   int
	retryBase time.Duration
	maxMedia  int64
	userAgent string
}

// New returns a Client for cfg.
func New(cfg Config) (*Client, error) {
	base := strings.TrimRight(cmp.Or(cfg.BaseURL, DefaultBaseURL), "/")
	u, err := url.Parse(base)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("whatsapp: invalid base URL %q", cfg.BaseURL)
	}
	c := &Client{
		base:      base,
		version:   strings.Trim(cmp.Or(cfg.Version, DefaultVersion), "/"),
		hc:        cfg.HTTPClient,
		timeout:   cmp.Or(cfg.Timeout, DefaultTimeout),
		retries:   cmp.Or(cfg.MaxRetries, DefaultMaxRetries),
		retryBase: cmp.Or(cfg.RetryBaseDelay, DefaultRetryDelay),
		maxMedia:  cmp.Or(cfg.MaxMediaBytes, DefaultMaxMediaBytes),
		userAgent: cfg.UserAgent,
	}
	if c.hc == nil {
		c.hc = &http.Client{Transport: newTransport()}
	}
	c.retries = max(c.retries, 0)
	return c, nil
}

// maxIdlePerHost is how many idle keep-alive connections to the Graph API
// the default client keeps. Campaigns keep dozens of sends in flight per
// number; with Go's default of 2 most calls would dial, and against Meta do
// a TLS handshake, anew.
const maxIdlePerHost = 256

func newTransport() *http.Transport {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns, t.MaxIdleConnsPerHost = maxIdlePerHost, maxIdlePerHost
	return t
}

// Version reports the Graph API version in use.
func (c *Client) Version() string { return c.version }

// request describes one Graph call.
type request struct {
	method  string
	path    []string   // unescaped segments after the version
	query   url.Values // optional
	token   string     // bearer token; empty for the OAuth exchange
	body    any        // JSON-encoded when non-nil
	raw     []byte     // pre-encoded body (multipart); wins over body
	ctype   string     // content type of raw
	noRetry bool       // a GET that must not be repeated (single-use OAuth code)
}

// safe reports whether the call may be repeated after a failure. Only reads
// are: a repeated POST could send a WhatsApp message twice.
func (r *request) safe() bool { return r.method == http.MethodGet && !r.noRetry }

// call performs r and decodes a 2xx JSON body into out (when non-nil).
func (c *Client) call(ctx context.Context, r request, out any) error {
	u, err := c.endpoint(r.path, r.query)
	if err != nil {
		return err
	}
	body, ctype, err := r.encode()
	if err != nil {
		return err
	}
	return c.withRetry(ctx, r.safe(), func() error {
		return c.once(ctx, r.method, u, r.token, body, ctype, func(resp *http.Response) error {
			return decodeJSON(resp, r.method, u, out)
		})
	})
}

// withRetry runs attempt once, or, for a safe call, up to 1+MaxRetries times
// while the failure is transient, backing off between attempts and giving
// up as soon as ctx is done.
func (c *Client) withRetry(ctx context.Context, safe bool, attempt func() error) error {
	tries := 1
	if safe {
		tries += c.retries
	}
	var last error
	for i := range tries {
		if i > 0 && sleep(ctx, c.backoff(i, last)) != nil {
			return last
		}
		last = attempt()
		if last == nil || !Retryable(last) {
			return last
		}
	}
	return last
}

func (r *request) encode() ([]byte, string, error) {
	switch {
	case r.raw != nil:
		return r.raw, r.ctype, nil
	case r.body != nil:
		b, err := json.Marshal(r.body)
		if err != nil {
			return nil, "", fmt.Errorf("whatsapp: encode request: %w", err)
		}
		return b, "application/json", nil
	}
	return nil, "", nil
}

// endpoint builds base/version/seg1/seg2?query, path-escaping every segment
// so an id can never change which resource is addressed.
func (c *Client) endpoint(segments []string, q url.Values) (string, error) {
	var b strings.Builder
	b.WriteString(c.base)
	b.WriteString("/")
	b.WriteString(c.version)
	for _, s := range segments {
		if s == "" || s == "." || s == ".." {
			return "", fmt.Errorf("whatsapp: invalid id %q in request path", s)
		}
		b.WriteString("/")
		b.WriteString(url.PathEscape(s))
	}
	if len(q) > 0 {
		b.WriteString("?")
		b.WriteString(q.Encode())
	}
	return b.String(), nil
}

// once performs a single HTTP exchange bounded by the per-attempt timeout and
// hands the response to handle. It records whether the request was fully
// written, which is what makes a failed POST ambiguous.
func (c *Client) once(ctx context.Context, method, u, token string, body []byte, ctype string, handle func(*http.Response) error) error {
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	var written atomic.Bool
	ctx = httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		WroteRequest: func(info httptrace.WroteRequestInfo) { written.Store(info.Err == nil) },
	})
	var rd io.Reader
	if body != nil {
		rd = bytes.NewReader(body)
	}
	req, err := http.NewRequestWithContext(ctx, method, u, rd)
	if err != nil {
		return fmt.Errorf("whatsapp: build request: %w", err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	if c.userAgent != "" {
		req.Header.Set("User-Agent", c.userAgent)
	}
	resp, err := c.hc.Do(req)
	if err != nil {
		return newTransportError(method, u, err, written.Load())
	}
	defer resp.Body.Close()
	return handle(resp)
}

// decodeJSON turns a response into nil (2xx decoded into out), *Error (a
// Graph error) or *TransportError (an unreadable body).
func decodeJSON(resp *http.Response, method, u string, out any) error {
	data, err := io.ReadAll(io.LimitReader(resp.Body, maxJSONBody))
	if err != nil {
		// The server answered, so the request was processed: ambiguous.
		return newTransportError(method, u, err, true)
	}
	if resp.StatusCode >= 300 {
		return decodeError(resp.StatusCode, resp.Header, method, data)
	}
	if out == nil || len(bytes.TrimSpace(data)) == 0 {
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return newTransportError(method, u, fmt.Errorf("decode response: %w", err), true)
	}
	return nil
}

// backoff is the wait before retry number i (1-based): exponential with
// jitter, never shorter than the server's Retry-After, capped so a read
// does not stall a request. (The catalog's longer hints are for senders
// pacing a number, not for one read.)
func (c *Client) backoff(i int, last error) time.Duration {
	d := c.retryBase << (i - 1)
	d += rand.N(c.retryBase/2 + 1)
	var e *Error
	if errors.As(last, &e) {
		d = max(d, e.RetryAfter)
	}
	return min(d, maxRetryDelay)
}

// sleep waits d or until ctx is done.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// newTransportError wraps a network failure. The URL loses its query string:
// the OAuth exchange carries the app secret there and errors end up in logs.
func newTransportError(method, u string, err error, written bool) *TransportError {
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	if i := strings.IndexByte(u, '?'); i >= 0 {
		u = u[:i]
	}
	return &TransportError{Method: method, URL: u, Err: err, Written: written}
}
