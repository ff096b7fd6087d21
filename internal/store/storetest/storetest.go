// Package storetest runs a test against every database Conversa supports:
// always a fresh SQLite file, and PostgreSQL when CONVERSA_TEST_POSTGRES
// holds a DSN, each test in a schema of its own that is dropped afterwards,
// so parallel packages and repeated runs never collide.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"testing"

	"github.com/conversa/conversa/internal/store"
)

// EnvPostgres names the environment variable with the PostgreSQL test DSN.
const EnvPostgres = "CONVERSA_TEST_POSTGRES"

// Each runs fn as subtests "sqlite" and "postgres" (skipped with a message
// when CONVERSA_TEST_POSTGRES is unset), each with a fresh, migrated store.
func Each(t *testing.T, fn func(t *testing.T, s *store.Store)) {
	t.Helper()
	t.Run("sqlite", func(t *testing.T) { fn(t, SQLite(t)) })
	t.Run("postgres", func(t *testing.T) { fn(t, Postgres(t)) })
}

// SQLite returns a migrated store on a new SQLite file in a temp dir.
func SQLite(t testing.TB) *store.Store {
	t.Helper()
	return open(t, "", t.TempDir())
}

// Postgres returns a migrated store in a new schema of the database named by
// CONVERSA_TEST_POSTGRES, or skips the test when that is unset.
func Postgres(t testing.TB) *store.Store {
	t.Helper()
	return open(t, PostgresDSN(t), "")
}

// PostgresDSN creates a fresh schema and returns a DSN whose search_path
// points at it; the schema is dropped when the test ends. It skips the test
// when CONVERSA_TEST_POSTGRES is unset.
func PostgresDSN(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgres)
	if base == "" {
		t.Skip("PostgreSQL tests skipped: set " + EnvPostgres + "=postgres://... to run them")
	}
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { admin.Close() })
	schema := "conversa_test_" + randomHex(8)
	if _, err := admin.ExecContext(context.Background(), "CREATE SCHEMA "+schema); err != nil {
		t.Fatalf("storetest: create schema: %v", err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), "DROP SCHEMA "+schema+" CASCADE"); err != nil {
			t.Errorf("storetest: drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("storetest: %s: %v", EnvPostgres, err)
	}
	q := u.Query()
	q.Set("search_path", schema) // pgx sends it as a run-time parameter on every connection
	u.RawQuery = q.Encode()
	return u.String()
}

func open(t testing.TB, dsn, dir string) *store.Store {
	t.Helper()
	ctx := context.Background()
	s, err := store.Open(ctx, dsn, dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() }) // runs before the schema drop (cleanups are LIFO)
	if _, err := s.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	return s
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}
