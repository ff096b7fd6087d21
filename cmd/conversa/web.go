package main

import (
	"net/http"

	"github.com/conversa/conversa/internal/auth"
	"github.com/conversa/conversa/internal/web"
)

// mountUI adds the browser UI to the server's mounts. It links the
// simulator's customer phone page when the simulator is mounted (sandbox).
// The caller hands the finished API handler to ui.SetAPI.
func mountUI(cfg config, authSvc *auth.Service, mounts map[string]http.Handler) (*web.UI, error) {
	simPath := ""
	if mounts["/sim/"] != nil {
		simPath = "/sim"
	}
	ui, err := web.New(web.Config{Auth: authSvc, Clock: cfg.Clock, Logger: cfg.Logger, SimPath: simPath})
	if err != nil {
		return nil, err
	}
	for _, p := range web.Paths {
		mounts[p] = ui
	}
	return ui, nil
}
