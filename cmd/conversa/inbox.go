package main

import (
	"context"
	"os"
	"time"

	"github.com/conversa/conversa/internal/inbox"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// newGraph is the Cloud API client: CONVERSA_GRAPH_URL, or the embedded
// simulator mounted at /sim on our own address when that is unset.
func newGraph(cfg config) (*whatsapp.Client, error) {
	base := cfg.GraphURL
	if base == "" {
		base = "http://" + cfg.Addr + "/sim"
	}
	return whatsapp.New(whatsapp.Config{BaseURL: base})
}

// newEvents returns the node's hub (browsers subscribe to it) and the
// publisher use cases call: the hub itself on SQLite (one node), NOTIFY on
// PostgreSQL, with a listener feeding every node's hub until ctx ends.
func newEvents(ctx context.Context, st *store.Store, cfg config) (*realtime.Hub, realtime.Publisher) {
	hub := realtime.NewHub()
	if !st.Postgres() {
		return hub, hub
	}
	go realtime.Listen(ctx, st.PostgresDSN(), hub, cfg.Logger)
	return hub, realtime.PGPublisher{DB: st.WriterDB()}
}

// newInbox builds the conversations service. CONVERSA_SEND_CONFIRM_TIMEOUT
// (e.g. "15m") bounds how long a send with an unknown outcome waits for
// Meta's status webhook before it is failed for a person to check.
func newInbox(st *store.Store, cfg config, graph inbox.Graph, pub realtime.Publisher) *inbox.Service {
	confirm, _ := time.ParseDuration(os.Getenv("CONVERSA_SEND_CONFIRM_TIMEOUT"))
	return inbox.New(inbox.Options{Store: st, Graph: graph, Templates: st, Prices: st, Publisher: pub,
		Clock: cfg.Clock, Logger: cfg.Logger, DataDir: cfg.DataDir, ConfirmTimeout: confirm})
}
