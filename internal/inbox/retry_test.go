package inbox_test

import (
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// A failed message is sent again as a new queued message, under the rules
// of a first send as they stand now; the failed one stays as it was.
func TestRetryFailedMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		u := newUnit(t, st)
		u.inbound("wamid.in", "Oi", u.clock.Now())
		u.graph.next = []error{&whatsapp.Error{HTTPStatus: 400, Code: 131026, Message: "Message undeliverable"}}
		failed, err := u.send(textOut("Seu pedido saiu"), "")
		must(t, err)
		u.svc.Deliver(ctx, failed.CompanyID, failed.ID)
		if m := u.msg(failed.ID); m.Status != conversa.StatusFailed {
			t.Fatalf("first send = %+v", m)
		}
		by := inbox.Sender{CompanyID: u.route.CompanyID, IdempotencyKey: "retry-1"}
		again, err := u.svc.Retry(ctx, by, failed.ID)
		if err != nil || again.ID == failed.ID || again.Status != conversa.StatusQueued || again.Text != "Seu pedido saiu" {
			t.Fatalf("retry = %+v, %v", again, err)
		}
		if same, err := u.svc.Retry(ctx, by, failed.ID); err != nil || same.ID != again.ID {
			t.Fatalf("same Idempotency-Key: %+v, %v", same, err)
		}
		// Sent again once: another retry, whatever its key, answers the resend.
		if same, err := u.svc.Retry(ctx, inbox.Sender{CompanyID: u.route.CompanyID}, failed.ID); err != nil || same.ID != again.ID {
			t.Fatalf("second retry: %+v, %v", same, err)
		}
		if m := u.msg(failed.ID); m.RetriedBy == nil || *m.RetriedBy != again.ID {
			t.Fatalf("the failed message does not point at its resend: %+v", m)
		}
		u.svc.Deliver(ctx, again.CompanyID, again.ID)
		if m := u.msg(again.ID); m.Status != conversa.StatusAccepted || u.msg(failed.ID).Status != conversa.StatusFailed {
			t.Fatalf("after the retry: %+v; the failed one: %+v", m, u.msg(failed.ID))
		}
		// Only a failed message of ours; and free-form only inside the window.
		if _, err := u.svc.Retry(ctx, inbox.Sender{CompanyID: u.route.CompanyID}, again.ID); conversa.ErrorCode(err) != conversa.EINVALID {
			t.Fatalf("retrying an accepted message: %v", err)
		}
		u.graph.next = []error{&whatsapp.Error{HTTPStatus: 400, Code: 131026, Message: "Message undeliverable"}}
		late, err := u.send(textOut("Ainda aí?"), "")
		must(t, err)
		u.svc.Deliver(ctx, late.CompanyID, late.ID)
		u.clock.Advance(25 * time.Hour)
		if _, err := u.svc.Retry(ctx, inbox.Sender{CompanyID: u.route.CompanyID}, late.ID); conversa.ErrorCode(err) != conversa.EWINDOWCLOSED {
			t.Fatalf("free-form retry outside the window: %v", err)
		}
	})
}
