package intake_test

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

// goldenKind is the sink each documented payload must reach ("" = none).
func goldenKind(file string) string {
	switch name := filepath.Base(file); {
	case strings.HasPrefix(name, "template_"):
		return "templates"
	case strings.HasPrefix(name, "account_"), strings.HasPrefix(name, "phone_number_"), strings.HasPrefix(name, "business_capability_"),
		name == "webhook_errors.json":
		return "account"
	case name == "unknown_field.json":
		return ""
	}
	return "messages"
}

// Every documented Meta payload, signed and posted through the real
// handler, is stored raw and reaches the right sink with the right route.
func TestGoldenPayloads(t *testing.T) {
	files, _ := filepath.Glob("../whatsapp/testdata/webhooks/*.json")
	capability, _ := filepath.Glob("../whatsapp/testdata/capability/*.json")
	files = append(append(files, capability...), "../whatsapp/testdata/errors/webhook_errors.json")
	if len(files) < 30 {
		t.Fatalf("golden payloads missing: %d files", len(files))
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, envOptions{})
		for i, f := range files {
			body, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			// Meta's capability example names another account: make it ours.
			body = bytes.ReplaceAll(body, []byte(`"524126980791429"`), []byte(`"`+goldenWABA+`"`))
			before, _ := e.sink.snapshot()
			if rec := e.post(body, appSecret); rec.Code != http.StatusOK {
				t.Fatalf("%s: %d %s", f, rec.Code, rec.Body)
			}
			rows := e.waitProcessed(e.alpha.ID, i+1)
			row := rows[i]
			if string(row.Body) != string(body) || row.ChannelID != e.channel.ID || row.LastError != "" {
				t.Fatalf("%s: stored row %+v", f, row)
			}
			calls, _ := e.sink.snapshot()
			checkCalls(t, f, calls[len(before):], row)
		}
	})
}

func checkCalls(t *testing.T, file string, calls []call, row store.WebhookEvent) {
	t.Helper()
	want := goldenKind(file)
	if want == "" {
		if len(calls) != 0 {
			t.Errorf("%s: unknown field reached a sink: %+v", file, calls)
		}
		return
	}
	if len(calls) == 0 {
		t.Errorf("%s: no sink call, want %s", file, want)
	}
	wantRoute := intake.Route{CompanyID: row.CompanyID, ChannelID: row.ChannelID, ReceivedAt: row.ReceivedAt, WebhookID: row.ID}
	for _, c := range calls {
		if c.kind != want || c.route != wantRoute {
			t.Errorf("%s: %s sink with %+v, want %s with %+v", file, c.kind, c.route, want, wantRoute)
		}
	}
}

// Refusals: nothing is stored for a bad, missing or foreign signature,
// malformed JSON, an oversize body or an unknown number.
func TestRefusals(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, envOptions{})
		good := textPayload(goldenWABA, goldenPhone, "wamid.refusals")
		big := append(textPayload(goldenWABA, goldenPhone, "wamid.big"), make([]byte, 3<<20)...)
		tests := []struct {
			name   string
			body   []byte
			secret string
			want   int
		}{
			{"wrong signature", good, "not-the-secret", http.StatusUnauthorized},
			{"missing signature", good, "", http.StatusUnauthorized},
			{"malformed JSON", []byte(`{"object":"whatsapp_business_account","entry":[`), appSecret, http.StatusBadRequest},
			{"not an object", []byte(`[1,2,3]`), appSecret, http.StatusBadRequest},
			{"metadata of the wrong shape", []byte(`{"entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":7}}]}]}`), appSecret, http.StatusBadRequest},
			{"unknown number", textPayload("999", "555000111", "wamid.unknown"), appSecret, http.StatusOK},
			{"another product", []byte(`{"object":"page","entry":[]}`), appSecret, http.StatusOK},
			{"oversize", big, appSecret, http.StatusRequestEntityTooLarge},
		}
		for _, tt := range tests {
			rec := e.post(tt.body, tt.secret)
			if rec.Code != tt.want {
				t.Errorf("%s: %d %s, want %d", tt.name, rec.Code, rec.Body, tt.want)
			}
			if tt.want != http.StatusOK && !strings.Contains(rec.Body.String(), `"code"`) {
				t.Errorf("%s: body %s lacks the error shape", tt.name, rec.Body)
			}
		}
		if rows := e.rows(e.alpha.ID); len(rows) != 0 {
			t.Fatalf("refused deliveries were stored: %d rows", len(rows))
		}
	})
}

func TestVerificationHandshake(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, envOptions{})
		get := func(mode, token, challenge string) *httptest.ResponseRecorder {
			req := httptest.NewRequest(http.MethodGet, "/webhooks/whatsapp?hub.mode="+mode+"&hub.verify_token="+token+"&hub.challenge="+challenge, nil)
			rec := httptest.NewRecorder()
			e.h.ServeHTTP(rec, req)
			return rec
		}
		rec := get("subscribe", verifyToken, "1158201444")
		if rec.Code != 200 || rec.Body.String() != "1158201444" || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
			t.Fatalf("good handshake: %d %q %q", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
		}
		for _, bad := range [][3]string{{"subscribe", "wrong", "1"}, {"unsubscribe", verifyToken, "1"}, {"subscribe", "", "1"}, {"subscribe", verifyToken, ""}} {
			if rec := get(bad[0], bad[1], bad[2]); rec.Code != http.StatusForbidden {
				t.Errorf("handshake %v: %d, want 403", bad, rec.Code)
			}
		}
	})
}

// Meta redelivers: five concurrent copies of one delivery are stored five
// times raw and handed to the sink five times; the sink (here a recording
// one that keeps one message per id, as TestRedeliveryRealInbox shows the
// inbox does) ends with one message.
func TestRedeliveryIsOneMessage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, envOptions{})
		body := textPayload(goldenWABA, goldenPhone, "wamid.redelivered")
		var wg sync.WaitGroup
		for range 5 {
			wg.Go(func() {
				if rec := e.post(body, appSecret); rec.Code != 200 {
					t.Errorf("redelivery: %d %s", rec.Code, rec.Body)
				}
			})
		}
		wg.Wait()
		e.waitProcessed(e.alpha.ID, 5)
		calls, messages := e.sink.snapshot()
		if len(calls) != 5 || messages != 1 {
			t.Fatalf("5 redeliveries: %d sink calls, %d messages; want 5 calls, 1 message", len(calls), messages)
		}
	})
}

// A tenant cannot inject events into another company's number by signing
// with its own app secret; a delivery naming numbers of two companies that
// share one Meta app is stored once per company and each row reaches only
// its own company's channel.
func TestTenantIsolation(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, envOptions{})
		beta, betaCh := createChannel(t, st, "beta", "200200200", "300300300", "app-secret-beta", "verify-beta")
		if rec := e.post(textPayload("300300300", "200200200", "wamid.forged"), appSecret); rec.Code != http.StatusUnauthorized {
			t.Fatalf("beta's number signed with alpha's secret: %d", rec.Code)
		}
		// Both numbers in one delivery, signed with alpha's secret: only alpha's part is taken.
		both := mixedPayload(goldenPhone, "200200200")
		if rec := e.post(both, appSecret); rec.Code != 200 {
			t.Fatalf("mixed delivery: %d", rec.Code)
		}
		e.waitProcessed(e.alpha.ID, 1)
		if rows := e.rows(beta.ID); len(rows) != 0 {
			t.Fatalf("beta got rows from alpha's signature: %+v", rows)
		}
		// Now beta shares alpha's Meta app: the delivery concerns both companies.
		gamma, gammaCh := createChannel(t, st, "gamma", "400400400", "500500500", appSecret, "verify-gamma")
		if rec := e.post(mixedPayload(goldenPhone, "400400400"), appSecret); rec.Code != 200 {
			t.Fatalf("shared-app delivery: %d", rec.Code)
		}
		e.waitProcessed(e.alpha.ID, 2)
		e.waitProcessed(gamma.ID, 1)
		calls, _ := e.sink.snapshot()
		for _, c := range calls {
			ch := map[int64]int64{e.alpha.ID: e.channel.ID, gamma.ID: gammaCh.ID}[c.route.CompanyID]
			if c.route.ChannelID != ch || c.route.ChannelID == betaCh.ID {
				t.Errorf("event for %s routed to %+v", c.ev.PhoneNumberID, c.route)
			}
			if (c.ev.PhoneNumberID == goldenPhone) != (c.route.CompanyID == e.alpha.ID) {
				t.Errorf("event for %s routed to company %d", c.ev.PhoneNumberID, c.route.CompanyID)
			}
		}
		if len(calls) != 3 { // alpha's twice, gamma's once
			t.Fatalf("%d sink calls, want 3: %+v", len(calls), calls)
		}
	})
}

func mixedPayload(phoneA, phoneB string) []byte {
	change := func(phone string) string {
		return fmt.Sprintf(`{"field":"messages","value":{"metadata":{"phone_number_id":%q},"messages":[{"from":"5511987654321","id":"wamid.mixed.%s","timestamp":"1739321024","type":"text","text":{"body":"Oi"}}]}}`, phone, phone)
	}
	return fmt.Appendf(nil, `{"object":"whatsapp_business_account","entry":[{"id":"x","changes":[%s,%s]}]}`, change(phoneA), change(phoneB))
}

// A disconnected channel stops being accepted within the cache lifetime.
func TestDisconnectedChannelStopsBeingAccepted(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, envOptions{opts: intake.Options{CacheTTL: 100 * time.Millisecond}})
		if rec := e.post(textPayload(goldenWABA, goldenPhone, "wamid.before"), appSecret); rec.Code != 200 {
			t.Fatalf("before: %d", rec.Code)
		}
		ch := e.channel
		ch.Status = conversa.ChannelDisconnected
		if err := st.UpdateChannel(ctx, ch); err != nil {
			t.Fatal(err)
		}
		time.Sleep(150 * time.Millisecond)
		if rec := e.post(textPayload(goldenWABA, goldenPhone, "wamid.after"), appSecret); rec.Code != 200 {
			t.Fatalf("after: %d", rec.Code)
		}
		if rows := e.rows(e.alpha.ID); len(rows) != 1 {
			t.Fatalf("%d rows; the disconnected channel's webhook was stored", len(rows))
		}
	})
}

// A failing sink leaves the row unprocessed with its error; the job's retry
// processes it later.
func TestSinkFailureIsRetried(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, envOptions{})
		var mu sync.Mutex
		failures := 1
		e.sink.mu.Lock()
		e.sink.fail = func(whatsapp.Event) error {
			mu.Lock()
			defer mu.Unlock()
			if failures > 0 {
				failures--
				return errors.New("inbox is down")
			}
			return nil
		}
		e.sink.mu.Unlock()
		if rec := e.post(textPayload(goldenWABA, goldenPhone, "wamid.retry"), appSecret); rec.Code != 200 {
			t.Fatalf("post: %d", rec.Code)
		}
		rows := e.waitProcessed(e.alpha.ID, 1) // River retries after about a second
		if rows[0].Attempts != 2 || !strings.Contains(rows[0].LastError, "inbox is down") {
			t.Fatalf("row after retry: attempts %d, last error %q", rows[0].Attempts, rows[0].LastError)
		}
		if calls, messages := e.sink.snapshot(); len(calls) != 1 || messages != 1 {
			t.Fatalf("%d calls, %d messages", len(calls), messages)
		}
	})
}

// A full queue answers 503 with Retry-After instead of growing memory, and
// shutdown stores everything still queued.
func TestBackpressureAndDrain(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, envOptions{opts: intake.Options{QueueSize: 2}, noStart: true})
		var wg sync.WaitGroup
		codes := make(chan int, 2)
		for i := range 2 {
			wg.Go(func() {
				codes <- e.post(textPayload(goldenWABA, goldenPhone, fmt.Sprint("wamid.q", i)), appSecret).Code
			})
		}
		waitFor(t, func() bool { return e.in.Queued() == 2 })
		rec := e.post(textPayload(goldenWABA, goldenPhone, "wamid.overflow"), appSecret)
		if rec.Code != http.StatusServiceUnavailable || rec.Header().Get("Retry-After") == "" {
			t.Fatalf("full queue: %d, Retry-After %q", rec.Code, rec.Header().Get("Retry-After"))
		}
		if err := e.in.Start(ctx, e.q); err != nil {
			t.Fatal(err)
		}
		if err := e.in.Stop(ctx); err != nil {
			t.Fatal(err)
		}
		wg.Wait()
		close(codes)
		for c := range codes {
			if c != 200 {
				t.Errorf("queued delivery answered %d", c)
			}
		}
		if rows := e.rows(e.alpha.ID); len(rows) != 2 {
			t.Fatalf("after drain: %d rows, want 2", len(rows))
		}
		if rec := e.post(textPayload(goldenWABA, goldenPhone, "wamid.late"), appSecret); rec.Code != http.StatusServiceUnavailable {
			t.Fatalf("after stop: %d, want 503", rec.Code)
		}
	})
}

func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !cond(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatal("condition not met in 5s")
		}
	}
}

// The same with the real inbox sink: five deliveries of one message id
// make one message in one conversation.
func TestRedeliveryRealInbox(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		box := inbox.New(inbox.Options{Store: st, Logger: slog.New(slog.DiscardHandler), DataDir: t.TempDir()})
		e := newEnv(t, st, envOptions{opts: intake.Options{Sinks: intake.Sinks{Messages: box}}})
		body := textPayload(goldenWABA, goldenPhone, "wamid.inbox.redelivered")
		for range 5 {
			if rec := e.post(body, appSecret); rec.Code != 200 {
				t.Fatalf("redelivery: %d %s", rec.Code, rec.Body)
			}
		}
		e.waitProcessed(e.alpha.ID, 5)
		m, err := st.LockMessageByWAMID(ctx, e.alpha.ID, "wamid.inbox.redelivered")
		if err != nil {
			t.Fatalf("the message was not received: %v", err)
		}
		msgs, err := st.Messages(ctx, e.alpha.ID, m.ConversationID, 0, 100)
		if err != nil || len(msgs) != 1 {
			t.Fatalf("conversation has %d messages (%v), want 1", len(msgs), err)
		}
	})
}

// A row stored without its job (the process died between the rows' commit
// and the job's insert) is processed after a restart, and, while the node
// that stored it stays down, by another node's sweep once it is old enough.
func TestRowsWithoutJobAreProcessed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := conversa.NewShiftClock()
		st.SetClock(clock)
		e := newEnv(t, st, envOptions{opts: intake.Options{Clock: clock}, noStart: true})
		orphan := func(id string) {
			row := store.NewWebhookEvent{CompanyID: e.alpha.ID, ChannelID: e.channel.ID, Body: textPayload(goldenWABA, goldenPhone, id)}
			if _, err := st.InsertWebhookEvents(ctx, []store.NewWebhookEvent{row}); err != nil {
				t.Fatal(err)
			}
		}
		orphan("wamid.before.restart")
		clock.Advance(time.Second) // the restart comes later
		if err := e.in.Start(ctx, e.q); err != nil {
			t.Fatal(err)
		}
		defer e.in.Stop(ctx)
		e.waitProcessed(e.alpha.ID, 1)

		clock.Advance(-10 * time.Minute)
		orphan("wamid.old")
		clock.Advance(10 * time.Minute)
		orphan("wamid.young")
		if err := e.in.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		waitFor(t, func() bool { return e.processed("wamid.old") })
		time.Sleep(100 * time.Millisecond) // what a wrongly enqueued young row would need
		if e.processed("wamid.young") {
			t.Fatal("the sweep took a row younger than its age limit")
		}
	})
}

// The sweep deletes processed webhooks past the retention (the store test
// TestPurgeWebhookEvents shows unprocessed ones are kept).
func TestSweepPurgesProcessedRowsPastRetention(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := conversa.NewShiftClock()
		st.SetClock(clock)
		e := newEnv(t, st, envOptions{opts: intake.Options{Clock: clock, Retention: 24 * time.Hour}})
		clock.Advance(-48 * time.Hour)
		if rec := e.post(textPayload(goldenWABA, goldenPhone, "wamid.old"), appSecret); rec.Code != 200 {
			t.Fatal(rec.Code)
		}
		clock.Advance(47 * time.Hour)
		if rec := e.post(textPayload(goldenWABA, goldenPhone, "wamid.recent"), appSecret); rec.Code != 200 {
			t.Fatal(rec.Code)
		}
		clock.Advance(time.Hour)
		e.waitProcessed(e.alpha.ID, 2)
		if err := e.in.Sweep(ctx); err != nil {
			t.Fatal(err)
		}
		if rows := e.rows(e.alpha.ID); len(rows) != 1 || !strings.Contains(string(rows[0].Body), "wamid.recent") {
			t.Fatalf("after the sweep %d rows are left, want only the recent one", len(rows))
		}
	})
}
