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

// queryIDs runs a query whose rows are single int64 ids.
func (c conn) queryIDs(ctx context.Context, query string, args ...any) ([]int64, error) {
	rows, err := c.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var ids []int64
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		ids = append(ids, id)
	}
	return ids, rows.Err()
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

// Date arithmetic for reports, the only SQL that can't be written the same
// way on both databases (migration 00010 has its own, per dialect).

// bucketSeconds is the width of the UTC slots report queries group by.
// Every real time zone offset is a multiple of 15 minutes, so Go can fold
// these slots into local days exactly, across DST changes too, without the
// database knowing any zone.
const bucketSeconds = 900

// bucket is the index of col's 15-minute slot since the Unix epoch, as the
// generated slot columns of conversations (migration 00010) store it.
func (d dialect) bucket(col string) string {
	if d.postgres {
		return "CAST(floor(extract(epoch FROM " + col + ") / 900) AS BIGINT)"
	}
	return "(unixepoch(" + col + ") / 900)"
}

// valuesTable is "(VALUES (?, ?), (?, ?)) AS v" for n rows of
// len(pgTypes) columns, which both databases name v.column1, v.column2...:
// an UPDATE ... FROM joins it by id to set a different value per row in
// one statement (a CASE per row would cost n² comparisons). PostgreSQL
// can't infer parameter types inside VALUES, so its first row casts them;
// SQLite stores values as bound (a cast would change how times compare).
func (d dialect) valuesTable(n int, pgTypes ...string) string {
	first := make([]string, len(pgTypes))
	for i, t := range pgTypes {
		first[i] = "?"
		if d.postgres {
			first[i] = "CAST(? AS " + t + ")"
		}
	}
	rows := "(" + strings.Join(first, ", ") + ")"
	if n > 1 {
		rows += ", " + valuesList(len(pgTypes), n-1)
	}
	return "(VALUES " + rows + ") AS v"
}

// valuesList is n tuples of width placeholders: "(?, ?), (?, ?)".
func valuesList(width, n int) string {
	tuple := "(" + placeholders(width) + ")"
	return strings.TrimSuffix(strings.Repeat(tuple+", ", n), ", ")
}
