package store

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is everything that differs between SQLite and PostgreSQL, kept in
// this one file so the SQL elsewhere stays portable. Queries are written
// with "?" placeholders (never inside string literals), ON CONFLICT and
// RETURNING, which both databases understand; times always come from the
// injected clock as arguments, so no query needs a now() function.
type dialect struct {
	postgres bool
	goose    goose.Dialect
	dir      string // migrations folder
}

var (
	sqliteDialect   = dialect{postgres: false, goose: goose.DialectSQLite3, dir: "migrations/sqlite"}
	postgresDialect = dialect{postgres: true, goose: goose.DialectPostgres, dir: "migrations/postgres"}
)

// rebind turns "?" placeholders into PostgreSQL's "$1, $2, ...".
func (d dialect) rebind(q string) string {
	if !d.postgres || !strings.Contains(q, "?") {
		return q
	}
	var b strings.Builder
	n := 0
	for _, r := range q {
		if r == '?' {
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}

// sqliteTime is the layout SQLite's own date functions produce and compare:
// fixed width in UTC, so text comparison orders times correctly.
const sqliteTime = "2006-01-02 15:04:05.000"

// timeUnit is the precision every stored time is cut to.
const timeUnit = time.Millisecond

// dbTime is t as the database will give it back: UTC, cut to timeUnit.
// Times read from either database go through utc, so values compare equal
// with == as well as Equal.
func dbTime(t time.Time) time.Time { return t.UTC().Truncate(timeUnit) }

func utc(ts ...*time.Time) {
	for _, t := range ts {
		*t = t.UTC()
	}
}

// arg adapts a Go value to the dialect. Times are cut to milliseconds on
// both databases so round trips compare equal everywhere; SQLite gets them
// as fixed-width UTC text (modernc reads DATETIME columns back as time.Time).
func (d dialect) arg(v any) any {
	switch t := v.(type) {
	case time.Time:
		t = dbTime(t)
		if d.postgres {
			return t
		}
		return t.Format(sqliteTime)
	case *time.Time:
		if t == nil {
			return nil
		}
		return d.arg(*t)
	}
	return v
}

// forUpdate locks the selected rows until the transaction ends on
// PostgreSQL; SQLite needs nothing, its transactions already hold the one
// write lock (BEGIN IMMEDIATE).
func (d dialect) forUpdate() string {
	if d.postgres {
		return " FOR UPDATE"
	}
	return ""
}

// isUniqueViolation reports a unique-constraint failure on either database.
func isUniqueViolation(err error) bool {
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		return pgErr.Code == "23505"
	}
	var sqErr *sqlite.Error
	if errors.As(err, &sqErr) {
		return sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_UNIQUE || sqErr.Code() == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// conn runs portable SQL on a pool or transaction through the dialect.
type conn struct {
	q querier
	d dialect
}

func (c conn) args(args []any) []any {
	out := make([]any, len(args))
	for i, a := range args {
		out[i] = c.d.arg(a)
	}
	return out
}

func (c conn) exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	return c.q.ExecContext(ctx, c.d.rebind(query), c.args(args)...)
}

func (c conn) query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	return c.q.QueryContext(ctx, c.d.rebind(query), c.args(args)...)
}

func (c conn) queryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return c.q.QueryRowContext(ctx, c.d.rebind(query), c.args(args)...)
}

// insert runs an INSERT ... RETURNING id and returns the id.
func (c conn) insert(ctx context.Context, query string, args ...any) (int64, error) {
	var id int64
	err := c.queryRow(ctx, query+" RETURNING id", args...).Scan(&id)
	return id, err
}

// affected returns the rows a statement changed.
func affected(res sql.Result, err error) (int64, error) {
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// errNoRows is sql.ErrNoRows, for statements that found nothing to change.
var errNoRows = sql.ErrNoRows
