package main

import (
	"context"
	"fmt"
	"os"

	"github.com/conversa/conversa/internal/jobs"
	"github.com/conversa/conversa/internal/store"
)

// runMigrate applies pending migrations and exits; "migrate status" lists
// them. Serve migrates on start too; this is for deploy pipelines that
// migrate once before rolling out nodes.
func runMigrate(ctx context.Context, args []string) error {
	status := len(args) > 0 && args[0] == "status"
	if status {
		args = args[1:]
	}
	cfg, err := loadConfig("migrate", args, os.Stdout)
	if err != nil {
		return err
	}
	st, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return err
	}
	defer st.Close()
	if status {
		list, err := st.MigrationStatus(ctx)
		if err != nil {
			return err
		}
		for _, m := range list {
			state := "pending"
			if m.Applied {
				state = "applied"
			}
			fmt.Fprintf(cfg.Out, "%05d  %-8s %s\n", m.Version, state, m.Name)
		}
		return nil
	}
	n, err := st.Migrate(ctx)
	if err != nil {
		return err
	}
	rn, err := jobs.Migrate(ctx, st)
	if err != nil {
		return err
	}
	fmt.Fprintf(cfg.Out, "applied %d Conversa and %d job-queue migrations\n", n, rn)
	return nil
}
