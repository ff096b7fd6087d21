package loadgen

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"time"
)

// WebhookTarget is where signed Meta-shaped webhooks are posted.
type WebhookTarget struct {
	URL           string // e.g. http://127.0.0.1:8080/webhooks/whatsapp
	AppSecret     string // the channel's app secret, to sign with
	PhoneNumberID string // routes the webhook to the channel
	WABAID        string
	RunID         string // makes message ids unique across runs
}

// Payload returns the i-th inbound text message webhook, as Meta sends it,
// with a unique message id and customer so every request is a new event.
func (t WebhookTarget) Payload(i int, at time.Time) []byte {
	from := 5511900000000 + i%1_000_000
	return fmt.Appendf(nil, `{"object":"whatsapp_business_account","entry":[{"id":%q,"changes":[{"value":{"messaging_product":"whatsapp","metadata":{"display_phone_number":"551130001000","phone_number_id":%q},"contacts":[{"profile":{"name":"Cliente %d"},"wa_id":"%d"}],"messages":[{"from":"%d","id":"wamid.load.%s.%d","timestamp":"%d","type":"text","text":{"body":"Oi, quero saber do pedido #%d"}}]},"field":"messages"}]}]}`,
		t.WABAID, t.PhoneNumberID, i, from, from, t.RunID, i, at.Unix(), i)
}

// Sign returns the X-Hub-Signature-256 value Meta sends with body.
func Sign(appSecret string, body []byte) string {
	mac := hmac.New(sha256.New, []byte(appSecret))
	mac.Write(body)
	return "sha256=" + hex.EncodeToString(mac.Sum(nil))
}

// Requests builds signed webhook POSTs for Run.
func (t WebhookTarget) Requests() Request {
	return func(ctx context.Context, i int) (*http.Request, error) {
		body := t.Payload(i, time.Now())
		req, err := http.NewRequestWithContext(ctx, http.MethodPost, t.URL, bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Hub-Signature-256", Sign(t.AppSecret, body))
		return req, nil
	}
}

// BareServer is the yardstick: a plain net/http handler that reads the body
// and answers 200, on a loopback port. Intake speed is reported as a ratio
// of what this serves under the same load in the same run.
func BareServer() (url string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusOK)
	})}
	go srv.Serve(ln)
	return "http://" + ln.Addr().String() + "/webhooks/whatsapp", func() { srv.Close() }, nil
}

// NewClient returns an HTTP client sized for concurrency keep-alive
// connections to one host.
func NewClient(concurrency int) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.MaxIdleConns = concurrency
	tr.MaxIdleConnsPerHost = concurrency
	tr.MaxConnsPerHost = concurrency
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// RunID is a short unique id for a run.
func RunID() string { return strconv.FormatInt(time.Now().UnixNano(), 36) }

func drain(resp *http.Response) {
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
}
