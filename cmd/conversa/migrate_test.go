package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/store/storetest"
)

// `conversa migrate` applies every migration once, on either database, and
// `migrate status` says where a database stands.
func TestMigrateCommand(t *testing.T) {
	bin := buildBinary(t)
	files, err := filepath.Glob("../../internal/store/migrations/sqlite/*.sql")
	if err != nil || len(files) == 0 {
		t.Fatalf("migrations: %v %v", files, err)
	}
	for name, dsn := range map[string]func(*testing.T) string{
		"sqlite":   func(*testing.T) string { return "" },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	} {
		t.Run(name, func(t *testing.T) {
			env := append(os.Environ(), "CONVERSA_DATA_DIR="+t.TempDir(), "CONVERSA_DATABASE_URL="+dsn(t))
			status := func() (applied, pending int) {
				for _, line := range strings.Split(runCmd(t, bin, env, "migrate", "status"), "\n") {
					switch {
					case strings.Contains(line, " applied "):
						applied++
					case strings.Contains(line, " pending "):
						pending++
					}
				}
				return
			}
			if applied, pending := status(); applied != 0 || pending != len(files) {
				t.Fatalf("fresh database: %d applied, %d pending; want 0 and %d", applied, pending, len(files))
			}
			out := runCmd(t, bin, env, "migrate")
			if !strings.HasPrefix(out, fmt.Sprintf("applied %d Conversa and ", len(files))) || strings.Contains(out, "and 0 job-queue") {
				t.Fatalf("first migrate: %q", out)
			}
			if out := runCmd(t, bin, env, "migrate"); out != "applied 0 Conversa and 0 job-queue migrations" {
				t.Fatalf("second migrate: %q", out)
			}
			if applied, pending := status(); applied != len(files) || pending != 0 {
				t.Fatalf("after migrate: %d applied, %d pending", applied, pending)
			}
		})
	}
}
