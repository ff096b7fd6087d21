package intake_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/conversa/conversa/internal/intake"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
	"github.com/conversa/conversa/internal/whatsapp"
)

type nopSink struct{}

func (nopSink) HandleEvent(context.Context, intake.Route, whatsapp.Event) error { return nil }

// BenchmarkIntake posts signed inbound-message webhooks in parallel through
// the real HTTP handler into the real store (group commit, job insert) with
// the processing worker running, on SQLite and PostgreSQL; "bare" is the
// same requests against a handler that only reads the body, for the ratio.
// Run: go test -run - -bench Intake -benchtime 20000x ./internal/intake
func BenchmarkIntake(b *testing.B) {
	b.Run("bare", func(b *testing.B) {
		bare := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.Copy(io.Discard, r.Body) })
		benchPosts(b, bare)
	})
	for _, db := range []struct {
		name string
		open func(testing.TB) *store.Store
	}{{"sqlite", storetest.SQLite}, {"postgres", storetest.Postgres}} {
		b.Run(db.name, func(b *testing.B) {
			e := newEnv(b, db.open(b), envOptions{opts: intake.Options{Sinks: intake.Sinks{Messages: nopSink{}}}})
			benchPosts(b, e.h)
		})
	}
}

func benchPosts(b *testing.B, h http.Handler) {
	var seq atomic.Int64
	b.SetParallelism(32) // concurrent deliveries, as Meta's do
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body := textPayload(goldenWABA, goldenPhone, fmt.Sprint("wamid.bench.", seq.Add(1)))
			req := httptest.NewRequest(http.MethodPost, "/webhooks/whatsapp", strings.NewReader(string(body)))
			req.Header.Set(whatsapp.SignatureHeader, whatsapp.Signature(appSecret, body))
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusOK {
				b.Errorf("status %d: %s", rec.Code, rec.Body)
				return
			}
		}
	})
}
