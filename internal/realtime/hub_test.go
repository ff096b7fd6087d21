package realtime

import (
	"bufio"
	"context"
	"database/sql"
	"encoding/json"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib"
)

func ev(company int64, typ string) Event {
	return Event{CompanyID: company, Type: typ, Data: json.RawMessage(`{"id":1}`)}
}

func TestHubDeliversOnlyToTheCompany(t *testing.T) {
	h := NewHub()
	a, b := h.Subscribe(1, 4), h.Subscribe(2, 4)
	defer a.Close()
	defer b.Close()
	h.Publish(context.Background(), ev(1, "message.created"))
	select {
	case e := <-a.C:
		if e.Type != "message.created" {
			t.Errorf("got %v", e)
		}
	case <-time.After(time.Second):
		t.Fatal("company 1 subscriber got nothing")
	}
	select {
	case e := <-b.C:
		t.Fatalf("company 2 received company 1's event: %v", e)
	default:
	}
}

func TestSlowSubscriberIsMarkedLaggedNotBlocking(t *testing.T) {
	h := NewHub()
	s := h.Subscribe(1, 1)
	defer s.Close()
	for range 3 {
		h.Publish(context.Background(), ev(1, "x")) // must not block
	}
	select {
	case <-s.Lagged():
	default:
		t.Fatal("overflowing subscriber not marked lagged")
	}
	s.Close()
	if n := h.Subscribers(1); n != 0 {
		t.Errorf("subscribers after close = %d", n)
	}
}

func TestServeSSE(t *testing.T) {
	h := NewHub()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { h.ServeSSE(w, r, 7) }))
	defer srv.Close()
	resp, err := http.Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "text/event-stream" {
		t.Fatalf("content type %q", ct)
	}
	r := bufio.NewReader(resp.Body)
	waitLine(t, r, ": connected")
	h.Publish(context.Background(), ev(7, "message.status"))
	waitLine(t, r, "event: message.status")
	waitLine(t, r, `data: {"id":1}`)
}

func waitLine(t *testing.T, r *bufio.Reader, want string) {
	t.Helper()
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended before %q: %v", want, err)
		}
		if strings.TrimRight(line, "\n") == want {
			return
		}
	}
}

// Two hubs stand for two nodes: an event published through PostgreSQL by
// one reaches the other's subscriber.
func TestPostgresFanOutAcrossNodes(t *testing.T) {
	dsn := os.Getenv("CONVERSA_TEST_POSTGRES")
	if dsn == "" {
		t.Skip("CONVERSA_TEST_POSTGRES not set: skipping the LISTEN/NOTIFY test")
	}
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	nodeB := NewHub()
	sub := nodeB.Subscribe(42, 8)
	defer sub.Close()
	go Listen(ctx, dsn, nodeB, slog.New(slog.DiscardHandler))
	pub := PGPublisher{DB: db}
	// LISTEN starts asynchronously: publish until the first event arrives.
	deadline := time.After(10 * time.Second)
	for {
		if err := pub.Publish(ctx, ev(42, "message.created")); err != nil {
			t.Fatal(err)
		}
		select {
		case e := <-sub.C:
			if e.CompanyID != 42 || e.Type != "message.created" {
				t.Fatalf("got %+v", e)
			}
			return
		case <-time.After(100 * time.Millisecond):
		case <-deadline:
			t.Fatal("node B never received the event")
		}
	}
}
