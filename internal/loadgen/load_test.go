package loadgen

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"
)

func TestRunStopsAtRequestCountAndCountsFailures(t *testing.T) {
	var mu sync.Mutex
	seen := map[string]bool{}
	target := WebhookTarget{AppSecret: "s3cret", PhoneNumberID: "123", WABAID: "9", RunID: "t"}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mac := hmac.New(sha256.New, []byte("s3cret"))
		mac.Write(body)
		if r.Header.Get("X-Hub-Signature-256") != "sha256="+hex.EncodeToString(mac.Sum(nil)) {
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		var env struct {
			Entry []struct {
				Changes []struct {
					Value struct {
						Messages []struct{ ID string }
					}
				}
			}
		}
		if err := json.Unmarshal(body, &env); err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		id := env.Entry[0].Changes[0].Value.Messages[0].ID
		mu.Lock()
		dup := seen[id]
		seen[id] = true
		mu.Unlock()
		if dup {
			w.WriteHeader(http.StatusConflict)
		}
	}))
	defer srv.Close()
	target.URL = srv.URL
	res := Run(context.Background(), NewClient(8), Plan{Duration: 30 * time.Second, Requests: 300, Concurrency: 8}, target.Requests())
	if res.Sent != 300 || res.OK != 300 || res.Failed != 0 {
		t.Fatalf("result %v (first error %q)", res, res.FirstError)
	}
	if len(seen) != 300 {
		t.Errorf("distinct message ids = %d, want 300", len(seen))
	}

	target.AppSecret = "wrong"
	res = Run(context.Background(), NewClient(4), Plan{Duration: 30 * time.Second, Requests: 10, Rate: 1000}, target.Requests())
	if res.OK != 0 || res.Failed != 10 || res.FirstError != "401 Unauthorized" {
		t.Errorf("bad signatures: %v first=%q", res, res.FirstError)
	}
}

func TestPercentile(t *testing.T) {
	r := Result{Latencies: []time.Duration{1, 2, 3, 4, 5, 6, 7, 8, 9, 10}}
	for p, want := range map[float64]time.Duration{50: 5, 90: 9, 99: 10, 100: 10} {
		if got := r.Percentile(p); got != want {
			t.Errorf("p%v = %v, want %v", p, got, want)
		}
	}
}

func TestBareServerAnswers(t *testing.T) {
	url, stop, err := BareServer()
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	target := WebhookTarget{URL: url, AppSecret: "x", PhoneNumberID: "1", RunID: "b"}
	res := Run(context.Background(), NewClient(4), Plan{Duration: 30 * time.Second, Requests: 50, Concurrency: 4}, target.Requests())
	if res.OK != 50 {
		t.Fatalf("bare server: %v %q", res, res.FirstError)
	}
}
