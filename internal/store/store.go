// Package store owns Conversa's persistence: one Store over database/sql that
// speaks SQLite (the embedded default) and PostgreSQL (production) with the
// same portable SQL. Each entity has its own file; dialect differences live
// in dialect.go; schema changes are append-only goose migrations under
// migrations/{sqlite,postgres}.
//
// Conventions for every method: ctx first, then the company id, and every
// query filters by company_id, so a caller can never reach another tenant's
// rows by guessing an id. A row of another company is reported as
// conversa.ENOTFOUND, exactly like a missing one. The only unscoped methods
// are named for what they are: login lookups by domain and system-wide
// maintenance (Purge...).
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"
)

// Store is the database. Outside a transaction reads go to the reader pool
// and writes to the writer; inside InTx both go to the transaction.
type Store struct {
	d      dialect
	dsn    string  // the PostgreSQL DSN; empty on SQLite
	rdb    *sql.DB // reader pool (the same pool as wdb on PostgreSQL)
	wdb    *sql.DB
	r, w   conn
	tx     *sql.Tx // set on the Store handed to an InTx callback
	owned  bool    // Close closes the pools (false on a transaction's Store)
	clock  conversa.Clock
	sealer Sealer // seals channel credentials (SetSealer)
}

// Open connects to databaseURL when it is a postgres:// DSN, otherwise to
// the SQLite file conversa.db in dataDir (created when missing). It does
// not migrate; call Migrate.
func Open(ctx context.Context, databaseURL, dataDir string) (*Store, error) {
	if IsPostgresURL(databaseURL) {
		return openPostgres(ctx, databaseURL)
	}
	if databaseURL != "" {
		return nil, fmt.Errorf("store: CONVERSA_DATABASE_URL must start with postgres:// or postgresql://")
	}
	if err := os.MkdirAll(dataDir, 0o700); err != nil {
		return nil, fmt.Errorf("store: data dir: %w", err)
	}
	return openSQLite(ctx, filepath.Join(dataDir, "conversa.db"))
}

// IsPostgresURL reports whether u selects PostgreSQL.
func IsPostgresURL(u string) bool {
	return strings.HasPrefix(u, "postgres://") || strings.HasPrefix(u, "postgresql://")
}

func openSQLite(ctx context.Context, path string) (*Store, error) {
	// WAL lets readers run beside the one writer; busy_timeout makes a second
	// process (e.g. `conversa admin` while the server runs) wait instead of
	// failing; _txlock=immediate takes the write lock at BEGIN, so a
	// transaction never fails halfway when it upgrades from read to write.
	pragmas := "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=foreign_keys(1)&_pragma=synchronous(NORMAL)"
	// temp_store(MEMORY): statements inside a transaction keep their undo
	// (statement journal) in memory, not in a temp file written page by page.
	wdb, err := openSQLiteDB("file:" + path + "?" + pragmas + "&_pragma=temp_store(MEMORY)&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	// SQLite has a single writer: one connection serialises writes in-process
	// instead of spinning on SQLITE_BUSY.
	wdb.SetMaxOpenConns(1)
	wdb.SetConnMaxIdleTime(0)
	// Readers map the file (mmap_size) so reports' index scans read pages
	// from the OS cache directly instead of one pread per page.
	rdb, err := openSQLiteDB("file:" + path + "?" + pragmas + "&_pragma=query_only(1)&_pragma=mmap_size(1073741824)")
	if err != nil {
		wdb.Close()
		return nil, err
	}
	rdb.SetMaxOpenConns(4)
	// The writer must exist (and set WAL) before readers open the file.
	if err := wdb.PingContext(ctx); err != nil {
		wdb.Close()
		rdb.Close()
		return nil, fmt.Errorf("store: open sqlite %s: %w", path, err)
	}
	return newStore(sqliteDialect, "", rdb, wdb), nil
}

func openPostgres(ctx context.Context, dsn string) (*Store, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(20)
	db.SetMaxIdleConns(10)
	db.SetConnMaxIdleTime(5 * time.Minute)
	if err := db.PingContext(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("store: connect postgres: %w", err)
	}
	return newStore(postgresDialect, dsn, db, db), nil
}

func newStore(d dialect, dsn string, rdb, wdb *sql.DB) *Store {
	return &Store{d: d, dsn: dsn, rdb: rdb, wdb: wdb, r: conn{rdb, d}, w: conn{wdb, d}, owned: true,
		clock: conversa.SystemClock{}}
}

// SetClock makes the store stamp created_at and audit times from c. Call it
// once, before use.
func (s *Store) SetClock(c conversa.Clock) { s.clock = c }

func (s *Store) now() time.Time { return s.clock.Now() }

// Close closes the pools.
func (s *Store) Close() error {
	if !s.owned {
		return nil
	}
	err := s.wdb.Close()
	if s.rdb != s.wdb {
		err = errors.Join(err, s.rdb.Close())
	}
	return err
}

// Postgres reports whether the store runs on PostgreSQL.
func (s *Store) Postgres() bool { return s.d.postgres }

// PostgresDSN is the DSN the store was opened with, for components that need
// their own PostgreSQL connections (the job workers). Empty on SQLite.
func (s *Store) PostgresDSN() string { return s.dsn }

// WriterDB is the pool transactions run on; the job queue inserts through it.
func (s *Store) WriterDB() *sql.DB { return s.wdb }

// SQLTx is the transaction behind a Store handed to an InTx callback (nil
// otherwise), so the job queue can insert jobs in the same transaction.
func (s *Store) SQLTx() *sql.Tx { return s.tx }

// Ping checks that the database answers (readiness).
func (s *Store) Ping(ctx context.Context) error {
	var one int
	return s.r.queryRow(ctx, "SELECT 1").Scan(&one)
}

// InTx runs fn in one transaction: committed when fn returns nil, rolled
// back otherwise, so bad input never leaves anything half-written. The
// Store passed to fn runs every method inside the transaction; calling InTx
// on it again joins the same transaction.
func (s *Store) InTx(ctx context.Context, fn func(tx *Store) error) (err error) {
	if s.tx != nil {
		return fn(s)
	}
	sqlTx, err := s.wdb.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer func() {
		if p := recover(); p != nil {
			sqlTx.Rollback()
			panic(p)
		}
		if err != nil {
			sqlTx.Rollback()
			return
		}
		err = sqlTx.Commit()
	}()
	c := conn{sqlTx, s.d}
	return fn(&Store{d: s.d, dsn: s.dsn, rdb: s.rdb, wdb: s.wdb, r: c, w: c, tx: sqlTx, clock: s.clock, sealer: s.sealer})
}

// notFound turns sql.ErrNoRows into the domain's not_found error.
func notFound(err error, what string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return conversa.Errorf(conversa.ENOTFOUND, "%s not found.", what).Pt("%s não encontrado(a).", ptName(what))
	}
	return err
}

// ptNames translates entity names for not_found messages; add yours here.
var ptNames = map[string]string{
	"Company": "Empresa", "User": "Usuário", "Session": "Sessão", "Channel": "Canal", "Group": "Grupo",
	"Contact": "Contato", "Conversation": "Conversa", "Message": "Mensagem", "Template": "Modelo",
	"Onboarding": "Conexão guiada", "Label": "Etiqueta", "Note": "Nota", "Canned response": "Resposta rápida",
	"Contact list": "Lista de contatos", "Campaign": "Campanha",
}

func ptName(what string) string {
	if pt, ok := ptNames[what]; ok {
		return pt
	}
	return what
}
