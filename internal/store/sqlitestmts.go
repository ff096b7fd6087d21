package store

import (
	"container/list"
	"context"
	"database/sql"
	"database/sql/driver"
	"sync/atomic"

	"modernc.org/sqlite"
)

// SQLite connections keep their prepared statements. modernc's driver
// otherwise parses and plans every query on every call: profiling showed
// that as ~40% of the CPU of webhook processing and most of the cost of
// River's job inserts and fetches. The cache sits in the driver, under
// database/sql, so it serves everything using the pools (the store, River,
// goose) and statements stay bound to the one connection they were
// prepared on. PostgreSQL needs none: pgx caches per connection itself.

// maxConnStmts bounds each connection's statements; the least recently
// used is closed beyond it (query shapes built per call, such as IN lists
// and multi-row VALUES, come and go).
const maxConnStmts = 256

// openSQLiteDB opens a pool whose connections cache their statements.
func openSQLiteDB(dsn string) (*sql.DB, error) {
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(stmtConnector{base}), nil
}

type stmtConnector struct{ driver.Connector }

func (c stmtConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &stmtConn{sqliteConn: conn.(sqliteConn), stmts: map[string]*list.Element{}, lru: list.New()}, nil
}

// sqliteConn is what every modernc connection implements; the wrapper
// forwards all of it (see sqlite.NewConnector).
type sqliteConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// stmtConn is one connection and its statements. database/sql never uses a
// connection from two goroutines at once, so the map needs no lock.
type stmtConn struct {
	sqliteConn
	stmts map[string]*list.Element // query text -> element of lru holding *connStmt
	lru   *list.List               // most recently used first
}

type connStmt struct {
	query string
	stmt  driver.Stmt
	busy  atomic.Bool // rows are still being read from it
}

// Unwrap gives modernc (sqlite.Limit) the connection itself.
func (c *stmtConn) Unwrap() driver.Conn { return c.sqliteConn }

// statement returns query's cached statement, prepared now if new, or nil
// when it is in use by rows not yet closed (a query run again while its own
// rows are open runs unprepared rather than disturb them).
func (c *stmtConn) statement(ctx context.Context, query string) (*connStmt, error) {
	if e, ok := c.stmts[query]; ok {
		c.lru.MoveToFront(e)
		if cs := e.Value.(*connStmt); !cs.busy.Load() {
			return cs, nil
		}
		return nil, nil
	}
	st, err := c.sqliteConn.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	cs := &connStmt{query: query, stmt: st}
	c.stmts[query] = c.lru.PushFront(cs)
	c.evict()
	return cs, nil
}

// evict closes the least recently used idle statements beyond the bound.
func (c *stmtConn) evict() {
	for e := c.lru.Back(); e != nil && c.lru.Len() > maxConnStmts; {
		prev, cs := e.Prev(), e.Value.(*connStmt)
		if !cs.busy.Load() {
			cs.stmt.Close()
			c.lru.Remove(e)
			delete(c.stmts, cs.query)
		}
		e = prev
	}
}

func (c *stmtConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	cs, err := c.statement(ctx, query)
	if err != nil || cs == nil {
		return c.sqliteConn.ExecContext(ctx, query, args)
	}
	return cs.stmt.(driver.StmtExecContext).ExecContext(ctx, args)
}

func (c *stmtConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	cs, err := c.statement(ctx, query)
	if err != nil || cs == nil {
		return c.sqliteConn.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.(driver.StmtQueryContext).QueryContext(ctx, args)
	if err != nil {
		return nil, err
	}
	cs.busy.Store(true)
	return &stmtRows{Rows: rows, cs: cs}, nil
}

// Close closes the statements, then the connection.
func (c *stmtConn) Close() error {
	for _, e := range c.stmts {
		e.Value.(*connStmt).stmt.Close()
	}
	clear(c.stmts)
	return c.sqliteConn.Close()
}

// stmtRows frees its statement for reuse when closed.
type stmtRows struct {
	driver.Rows
	cs *connStmt
}

func (r *stmtRows) Close() error {
	err := r.Rows.Close()
	r.cs.busy.Store(false)
	return err
}
