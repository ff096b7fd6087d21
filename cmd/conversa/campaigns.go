package main

import (
	"context"

	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/store"
)

// startCampaigns builds the campaign service and runs its sending engine
// until stop is called (every node runs one; leases share the work).
func startCampaigns(ctx context.Context, st *store.Store, cfg config, graph campaigns.Graph, pub realtime.Publisher) (*campaigns.Service, func()) {
	svc := campaigns.New(campaigns.Options{Store: st, Graph: graph, Publisher: pub, Clock: cfg.Clock, Logger: cfg.Logger})
	runCtx, cancel := context.WithCancel(ctx)
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = svc.NewEngine(campaigns.EngineOptions{}).Run(runCtx)
	}()
	return svc, func() { cancel(); <-done }
}
