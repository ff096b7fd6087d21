package main

import (
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/templates"
)

// newTemplates builds the message templates service: Graph calls through
// the shared client, live updates through the publisher, and the inbox's
// service windows for the free utility-inside-the-window price.
func newTemplates(st *store.Store, cfg config, graph templates.Graph, pub realtime.Publisher, windows templates.Windows) *templates.Service {
	return templates.New(templates.Config{Store: st, Graph: graph, Clock: cfg.Clock, Publisher: pub, Windows: windows, Logger: cfg.Logger})
}
