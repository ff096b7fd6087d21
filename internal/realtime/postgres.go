package realtime

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"log/slog"
	"time"

	"github.com/jackc/pgx/v5"
)

// Channel is the PostgreSQL NOTIFY channel all nodes listen on.
const Channel = "conversa_events"

// PGPublisher publishes through NOTIFY; every node's Listen delivers to its
// own Hub, including the publishing node's.
type PGPublisher struct{ DB *sql.DB }

// Publish sends e with pg_notify. Payloads must stay under PostgreSQL's
// 8000-byte limit, which small events do.
func (p PGPublisher) Publish(ctx context.Context, e Event) error {
	b, err := json.Marshal(e)
	if err != nil {
		return err
	}
	if len(b) > 7900 {
		return fmt.Errorf("realtime: event %s too large for NOTIFY (%d bytes)", e.Type, len(b))
	}
	_, err = p.DB.ExecContext(ctx, "SELECT pg_notify($1, $2)", Channel, string(b))
	return err
}

// Listen keeps a dedicated connection LISTENing and feeds hub until ctx
// ends, reconnecting with back-off when the connection drops.
func Listen(ctx context.Context, dsn string, hub *Hub, log *slog.Logger) {
	backoff := 100 * time.Millisecond
	for ctx.Err() == nil {
		err := listenOnce(ctx, dsn, hub, func() { backoff = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return
		}
		log.Warn("realtime: listener lost, reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 10*time.Second)
	}
}

// listenOnce runs one LISTEN session; connected resets the back-off.
func listenOnce(ctx context.Context, dsn string, hub *Hub, connected func()) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	if _, err := conn.Exec(ctx, "LISTEN "+Channel); err != nil {
		return err
	}
	connected()
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			return err
		}
		var e Event
		if err := json.Unmarshal([]byte(n.Payload), &e); err != nil {
			continue // not ours; never let a stray NOTIFY kill the listener
		}
		hub.deliver(e)
	}
}
