package campaigns_test

import (
	"context"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/campaigns/campaigntest"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// Attempts and outcomes are recorded a batch at a time with multi-row
// statements. Every batch here mixes outcomes (accepted, 130429 handed
// back and re-armed later, refused, ambiguous), and the first engine dies
// in the middle of a batch: its calls from then on reach Meta and never
// return. A second engine finishes. The batched writes must link every
// recipient to its own message and leave it where the one-by-one rules
// would: nobody twice, failed and ambiguous never resent.
func TestBatchedWritesKeepExactlyOnceAcrossCrashMidBatch(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, 1000)
		c := e.campaign(campaigntest.CSV(11, 300), campaigntest.Utility)
		if _, err := e.svc.Start(ctx, e.company(), c.ID); err != nil {
			t.Fatal(err)
		}
		frozen, crashed := make(chan struct{}), make(chan struct{})
		var once sync.Once
		e.graph.setHook(mixedOutcomes(frozen, crashed, &once))
		opts := campaigns.EngineOptions{Node: "a", Lease: time.Second, Poll: 20 * time.Millisecond, Workers: 8, Batch: 40, FailureRate: 0.9}
		runCtx, die := context.WithCancel(ctx)
		go e.svc.NewEngine(opts).Run(runCtx)
		<-crashed
		die()
		t.Cleanup(func() { close(frozen) })

		e.graph.setHook(nil)             // the new node's calls all succeed
		e.clock.Advance(2 * time.Second) // the dead node's lease runs out
		opts.Node = "b"
		if got := e.drive(c, opts); got.Status != conversa.CampaignCompleted {
			t.Fatalf("status = %s (%s)", got.Status, got.PauseReason)
		}
		byStatus := e.checkLinks(c.ID)
		if sent := e.assertOnce(c.ID); sent != byStatus[conversa.RecipientAccepted] {
			t.Fatalf("simulator has %d messages for %d accepted recipients", sent, byStatus[conversa.RecipientAccepted])
		}
		if byStatus[conversa.RecipientFailed] != 13 || byStatus[conversa.RecipientPending] != 0 || byStatus[conversa.RecipientSending] < 13 {
			t.Fatalf("recipients by status = %v", byStatus)
		}
	})
}

// mixedOutcomes answers call n: every tenth refused, ambiguous or (twice)
// throttled; from call 131 on the process is "dead".
func mixedOutcomes(frozen, crashed chan struct{}, once *sync.Once) func(n int) (bool, error) {
	return func(n int) (bool, error) {
		switch {
		case n > 130:
			once.Do(func() { close(crashed) })
			<-frozen
			return true, &whatsapp.TransportError{Method: http.MethodPost, Written: true}
		case n == 23 || n == 61:
			return true, &whatsapp.Error{HTTPStatus: 429, Code: whatsapp.CodeThroughput}
		case n%10 == 5:
			return true, &whatsapp.Error{HTTPStatus: 400, Code: 131026}
		case n%10 == 7:
			return true, &whatsapp.TransportError{Method: http.MethodPost, Written: true}
		}
		return false, nil
	}
}

// checkLinks checks that each attempted recipient has its own message, in
// a conversation with its own contact, in the state its status implies;
// it returns the recipients by status.
func (e *env) checkLinks(id int64) map[conversa.RecipientStatus]int {
	e.t.Helper()
	out := map[conversa.RecipientStatus]int{}
	seen := map[int64]bool{}
	for _, r := range e.recipients(id) {
		out[r.Status]++
		if r.MessageID == nil || r.ConversationID == nil {
			e.t.Fatalf("recipient %s (%s) has no message", r.WAID, r.Status)
		}
		if seen[*r.MessageID] {
			e.t.Fatalf("message %d linked to two recipients", *r.MessageID)
		}
		seen[*r.MessageID] = true
		m, err := e.st.Message(ctx, e.company(), *r.MessageID)
		if err != nil {
			e.t.Fatal(err)
		}
		conv, err := e.st.Conversation(ctx, e.company(), m.ConversationID)
		if err != nil {
			e.t.Fatal(err)
		}
		contact, err := e.st.Contact(ctx, e.company(), conv.ContactID)
		if err != nil {
			e.t.Fatal(err)
		}
		if m.ConversationID != *r.ConversationID || contact.WAID != r.WAID {
			e.t.Fatalf("recipient %s linked to %s's message", r.WAID, contact.WAID)
		}
		e.checkMessageState(r, m)
	}
	return out
}

func (e *env) checkMessageState(r conversa.CampaignRecipient, m conversa.Message) {
	e.t.Helper()
	ok := true
	switch r.Status {
	case conversa.RecipientAccepted:
		ok = m.WAMID != "" && m.Status == conversa.StatusAccepted
	case conversa.RecipientFailed:
		ok = m.Status == conversa.StatusFailed && r.ErrorCode == 131026
	case conversa.RecipientSending: // ambiguous, or claimed/called by the dead node
		ok = m.Status == conversa.StatusQueued && m.WAMID == ""
	}
	if !ok {
		e.t.Fatalf("recipient %s is %s but its message is %+v", r.WAID, r.Status, m)
	}
}
