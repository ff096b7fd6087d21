package httpapi

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"

	"github.com/conversa/conversa/internal/conversa"
)

// WebhookIntake is the Meta webhook use case (internal/intake.Intake).
type WebhookIntake interface {
	// Challenge returns hub.challenge when hub.verify_token is a live
	// channel's, else a forbidden error.
	Challenge(ctx context.Context, q url.Values) (string, error)
	// Accept returns nil once the delivery is durably stored (or names no
	// live channel and is dropped on purpose).
	Accept(ctx context.Context, body []byte, signature string) error
}

// maxWebhookBody bounds a Meta delivery; real ones are a few KiB, batched
// ones rarely more than a few hundred.
const maxWebhookBody = 3 << 20

// retryAfter is what a 503 asks Meta to wait (Meta applies its own back-off
// too; the header is for other senders and for operators reading logs).
const retryAfter = "5"

func (s *Server) routesWebhooks(m *router) {
	if s.webhooks == nil {
		return
	}
	m.public("GET /webhooks/whatsapp", func(w http.ResponseWriter, r *http.Request) error {
		challenge, err := s.webhooks.Challenge(r.Context(), r.URL.Query())
		if err != nil {
			return err
		}
		w.Header().Set("Content-Type", "text/plain; charset=utf-8")
		_, err = io.WriteString(w, challenge)
		return err
	})
	m.public("POST /webhooks/whatsapp", func(w http.ResponseWriter, r *http.Request) error {
		body, err := readWebhookBody(w, r)
		if err != nil {
			return err
		}
		err = s.webhooks.Accept(r.Context(), body, r.Header.Get("X-Hub-Signature-256"))
		if conversa.ErrorCode(err) == conversa.EUNAVAILABLE {
			w.Header().Set("Retry-After", retryAfter)
		}
		if err != nil {
			return err
		}
		w.WriteHeader(http.StatusOK)
		return nil
	})
}

// readWebhookBody reads the raw body, which the signature covers byte for
// byte, refusing more than maxWebhookBody with 413.
func readWebhookBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	if r.ContentLength > maxWebhookBody {
		return nil, errTooLarge()
	}
	rd := http.MaxBytesReader(w, r.Body, maxWebhookBody)
	var body []byte
	var err error
	if r.ContentLength > 0 { // the usual case: one exact allocation
		body = make([]byte, r.ContentLength)
		_, err = io.ReadFull(rd, body)
	} else {
		body, err = io.ReadAll(rd)
	}
	var tooBig *http.MaxBytesError
	switch {
	case errors.As(err, &tooBig):
		return nil, errTooLarge()
	case err != nil:
		return nil, conversa.Errorf(conversa.EINVALID, "The request body could not be read.").
			Pt("Não foi possível ler o corpo da requisição.")
	}
	return body, nil
}

func errTooLarge() error {
	return conversa.Errorf(conversa.ETOOLARGE, "The body is larger than %d bytes.", maxWebhookBody).
		Pt("O corpo é maior que %d bytes.", maxWebhookBody)
}
