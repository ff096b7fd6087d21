package metasim

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"
)

// benchSim is a simulator with the throughput and pair limits off, so the
// benchmark measures the simulator, not the limits it enforces.
func benchSim(b *testing.B) (*Sim, Account) {
	b.Helper()
	sim, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = sim.Close() })
	acc := sim.TestAccount()
	_ = sim.SetThroughput(acc.PhoneNumberID, 0)
	_ = sim.SetPairRate(acc.PhoneNumberID, 0, 0)
	return sim, acc
}

var benchSeq atomic.Int64

// benchBody is a template send to one of 10,000 recipients.
func benchBody() []byte {
	n := benchSeq.Add(1) % 10000
	return fmt.Appendf(nil, `{"messaging_product":"whatsapp","to":"55119%08d","type":"template",`+
		`"template":{"name":"pedido_enviado","language":{"code":"pt_BR"},"components":[{"type":"body",`+
		`"parameters":[{"type":"text","text":"Ana"},{"type":"text","text":"#%d"}]}]}}`, n, n)
}

// BenchmarkSend: sends through the real handler, in parallel, in memory.
func BenchmarkSend(b *testing.B) {
	sim, acc := benchSim(b)
	sendInMemory(b, sim, acc)
}

func sendInMemory(b *testing.B, sim *Sim, acc Account) {
	h := sim.Handler()
	path := "/v23.0/" + acc.PhoneNumberID + "/messages"
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req := httptest.NewRequest("POST", path, bytes.NewReader(benchBody()))
			req.Header.Set("Authorization", "Bearer "+acc.AccessToken)
			w := httptest.NewRecorder()
			h.ServeHTTP(w, req)
			if w.Code != 200 {
				b.Fatalf("%d %s", w.Code, w.Body)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
}

// BenchmarkSendLoopback: the same over a real loopback listener with
// keep-alive connections, as the load tests hit it.
func BenchmarkSendLoopback(b *testing.B) {
	sim, acc := benchSim(b)
	srv := httptest.NewServer(sim.Handler())
	defer srv.Close()
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
	url := srv.URL + "/v23.0/" + acc.PhoneNumberID + "/messages"
	b.SetParallelism(8)
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			req, _ := http.NewRequest("POST", url, bytes.NewReader(benchBody()))
			req.Header.Set("Authorization", "Bearer "+acc.AccessToken)
			req.Header.Set("Content-Type", "application/json")
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sends/s")
}

// BenchmarkSendWebhooks: in-memory sends while every status (two per send)
// is POSTed, signed, to a subscribed loopback receiver: the full cost.
func BenchmarkSendWebhooks(b *testing.B) {
	sim, acc := benchSim(b)
	var got atomic.Int64
	sink := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet {
			_, _ = io.WriteString(w, r.URL.Query().Get("hub.challenge"))
			return
		}
		_, _ = io.Copy(io.Discard, r.Body)
		got.Add(1)
	}))
	defer sink.Close()
	if err := sim.SetCallback(sink.URL, "vt"); err != nil {
		b.Fatal(err)
	}
	sendInMemory(b, sim, acc)
	elapsed := b.Elapsed().Seconds()
	b.StopTimer()
	// Let the queue drain, then report delivered events per second of
	// sending and anything dropped.
	for i := 0; i < 500 && sim.WebhookStats().Delivered+sim.WebhookStats().Dropped < sim.WebhookStats().Queued; i++ {
		time.Sleep(10 * time.Millisecond)
	}
	st := sim.WebhookStats()
	b.ReportMetric(float64(got.Load())/elapsed, "posts/s")
	b.ReportMetric(float64(st.Delivered)/elapsed, "events/s")
	b.ReportMetric(float64(st.Dropped), "dropped")
}
