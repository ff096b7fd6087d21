package report_test

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/report"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/store/storetest"
)

// BenchmarkReports fills 1,000,000 messages in 100,000 conversations over
// 90 days and times every report over 30 days and over the whole 90, on
// SQLite and (with CONVERSA_TEST_POSTGRES) PostgreSQL. Run with
//
//	go test -run '^$' -bench Reports -benchtime 20x ./internal/report/
//
// Each sub-benchmark reports its p95 in ms (target < 200). The fill only
// happens under -bench: benchmarks never run in the normal test run. The
// fill's INSERTs fire the same triggers as the store's writes, which keep
// the report rollup; checkRollup makes sure it says what the messages say.
func BenchmarkReports(b *testing.B) {
	b.Run("sqlite", func(b *testing.B) {
		// CONVERSA_BENCH_DIR keeps the filled SQLite file between runs.
		dir := os.Getenv("CONVERSA_BENCH_DIR")
		if dir == "" {
			dir = b.TempDir()
		}
		_, statErr := os.Stat(filepath.Join(dir, "conversa.db"))
		s := openBench(b, "", dir)
		raw, err := sql.Open("sqlite", "file:"+filepath.Join(dir, "conversa.db")+"?_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(OFF)")
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		benchReports(b, s, raw, false, statErr != nil)
	})
	b.Run("postgres", func(b *testing.B) {
		dsn := storetest.PostgresDSN(b)
		s := openBench(b, dsn, "")
		raw, err := sql.Open("pgx", dsn)
		if err != nil {
			b.Fatal(err)
		}
		defer raw.Close()
		benchReports(b, s, raw, true, true)
	})
}

func openBench(b *testing.B, dsn, dir string) *store.Store {
	s, err := store.Open(context.Background(), dsn, dir)
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { s.Close() })
	if _, err := s.Migrate(context.Background()); err != nil {
		b.Fatal(err)
	}
	return s
}

const (
	benchConversations = 100_000
	benchPerConv       = 10
	benchDays          = 90
)

var benchStart = time.Date(2026, 1, 1, 3, 0, 0, 0, time.UTC) // midnight in São Paulo

func benchReports(b *testing.B, s *store.Store, raw *sql.DB, pg, fill bool) {
	ctx := context.Background()
	clock := conversa.NewShiftClock()
	clock.Set(benchStart.AddDate(0, 0, benchDays+1))
	s.SetClock(clock)
	companyID, groupID, channels := int64(1), int64(1), []int64{1, 2}
	if fill {
		var users []int64
		companyID, groupID, users, channels = benchTenant(b, s)
		began := time.Now()
		l := loader{b: b, db: raw, pg: pg}
		l.fill(companyID, users, channels)
		if pg {
			l.exec("VACUUM ANALYZE") // what autovacuum would do: statistics and the visibility map for index-only scans
		}
		b.Logf("filled %d messages in %d conversations in %v", benchConversations*benchPerConv, benchConversations, time.Since(began).Round(time.Second))
	}
	checkRollup(b, s, companyID, groupID)
	svc := report.New(s, clock)
	for _, days := range []int{30, 90} {
		from := "2026-01-01"
		to := benchStart.AddDate(0, 0, days-1).Format(time.DateOnly)
		q, err := svc.ParseQuery(ctx, companyID, report.Params{From: from, To: to})
		if err != nil {
			b.Fatal(err)
		}
		run := map[string]func() error{
			"summary":   func() error { _, err := svc.Summary(ctx, companyID, q); return err },
			"daily":     func() error { _, err := svc.Daily(ctx, companyID, q); return err },
			"agents":    func() error { _, err := svc.Agents(ctx, companyID, q); return err },
			"templates": func() error { _, err := svc.Templates(ctx, companyID, q); return err },
			"summary-channel": func() error {
				q := q
				q.ChannelID = channels[0]
				_, err := svc.Summary(ctx, companyID, q)
				return err
			},
		}
		// The store calls behind them, to see where the time goes.
		f := store.ReportFilter{From: q.From.UTC(), To: q.To.AddDate(0, 0, 1).UTC()}
		now := clock.Now()
		var cuts []time.Time
		for d := q.From; !d.After(q.To.AddDate(0, 0, 1)); d = d.AddDate(0, 0, 1) {
			cuts = append(cuts, d.UTC())
		}
		run["q-messages"] = func() error { _, err := s.ReportMessages(ctx, companyID, f); return err }
		run["q-days"] = func() error { _, err := s.ReportMessagesBetween(ctx, companyID, f, cuts); return err }
		run["q-by-author"] = func() error { _, err := s.ReportMessagesByAuthor(ctx, companyID, f); return err }
		run["q-by-template"] = func() error { _, err := s.ReportMessagesByTemplate(ctx, companyID, f); return err }
		run["q-opened"] = func() error { _, err := s.ReportOpened(ctx, companyID, f, false); return err }
		run["q-opened-agents"] = func() error { _, err := s.ReportOpened(ctx, companyID, f, true); return err }
		run["q-opened-slots"] = func() error { _, err := s.ReportOpenedSlots(ctx, companyID, f); return err }
		run["q-resolved"] = func() error { _, err := s.ReportResolved(ctx, companyID, f, false); return err }
		run["q-expired"] = func() error { _, err := s.ReportExpiredWindows(ctx, companyID, f, now, false); return err }
		run["q-optouts"] = func() error { _, err := s.ReportOptOuts(ctx, companyID, f); return err }
		for _, name := range []string{"summary", "daily", "agents", "templates", "summary-channel",
			"q-messages", "q-days", "q-by-author", "q-by-template", "q-opened", "q-opened-agents", "q-opened-slots",
			"q-resolved", "q-expired", "q-optouts"} {
			b.Run(fmt.Sprintf("%s-%dd", name, days), func(b *testing.B) { timeIt(b, run[name]) })
		}
	}
}

// timeIt runs f b.N times and reports the 95th percentile.
func timeIt(b *testing.B, f func() error) {
	var took []time.Duration
	for b.Loop() {
		t0 := time.Now()
		if err := f(); err != nil {
			b.Fatal(err)
		}
		took = append(took, time.Since(t0))
	}
	slices.Sort(took)
	p95 := took[(95*len(took)+99)/100-1]
	b.ReportMetric(float64(p95.Microseconds())/1000, "p95-ms")
}

// checkRollup stops the benchmark when the rollup the reports read (kept
// by triggers during the fill, as during real writes) disagrees with the
// messages themselves: a group filter covering both channels makes the
// store sum the messages directly.
func checkRollup(b *testing.B, s *store.Store, companyID, groupID int64) {
	ctx := context.Background()
	f := store.ReportFilter{From: benchStart, To: benchStart.AddDate(0, 0, benchDays+1)} // every message
	direct := f
	direct.GroupID = groupID
	rolled, err := s.ReportMessages(ctx, companyID, f)
	if err != nil {
		b.Fatal(err)
	}
	summed, err := s.ReportMessages(ctx, companyID, direct)
	if err != nil {
		b.Fatal(err)
	}
	if rolled != summed || rolled.In+rolled.Out != benchConversations*benchPerConv {
		b.Fatalf("rollup %+v, messages %+v", rolled, summed)
	}
}

func benchTenant(b *testing.B, s *store.Store) (company, group int64, users, channels []int64) {
	ctx := context.Background()
	box, _ := secrets.New(make([]byte, 32))
	s.SetSealer(box)
	c, err := s.CreateCompany(ctx, conversa.Company{Domain: "bench", Name: "Bench", MaxChannels: 2, MaxAgents: 5})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 5 {
		u, err := s.CreateUser(ctx, conversa.User{CompanyID: c.ID, Email: fmt.Sprintf("a%d@b.com", i), Name: "Agente " + strconv.Itoa(i),
			Role: conversa.RoleAgent, Active: true}, "x")
		if err != nil {
			b.Fatal(err)
		}
		users = append(users, u.ID)
	}
	g, err := s.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: c.ID, Name: "G"})
	if err != nil {
		b.Fatal(err)
	}
	for i := range 2 {
		pn := fmt.Sprintf("bench-%d", i)
		ch, err := s.CreateChannel(ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: pn,
			Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: "w" + pn, PhoneNumberID: pn, AccessToken: "t",
				AppSecret: "s", VerifyToken: "v"}})
		if err != nil {
			b.Fatal(err)
		}
		channels = append(channels, ch.ID)
	}
	return c.ID, g.ID, users, channels
}

// loader bulk-inserts with multi-row INSERTs, 50,000 rows per transaction.
type loader struct {
	b    *testing.B
	db   *sql.DB
	pg   bool
	tx   *sql.Tx
	rows int
}

func (l *loader) exec(q string, args ...any) {
	var err error
	if l.tx != nil {
		_, err = l.tx.Exec(q, args...)
	} else {
		_, err = l.db.Exec(q, args...)
	}
	if err != nil {
		l.b.Fatalf("%.80s: %v", q, err)
	}
}

func (l *loader) t(t time.Time) any {
	if l.pg {
		return t
	}
	return t.UTC().Format("2006-01-02 15:04:05.000")
}

// insert writes rows (all of one width) into table in batches.
func (l *loader) insert(table, cols string, rows [][]any) {
	width := len(rows[0])
	for start := 0; start < len(rows); start += 500 {
		batch := rows[start:min(start+500, len(rows))]
		var sb strings.Builder
		args := make([]any, 0, len(batch)*width)
		sb.WriteString("INSERT INTO " + table + " (" + cols + ") ")
		if l.pg { // ids are GENERATED ALWAYS there; the fill picks its own
			sb.WriteString("OVERRIDING SYSTEM VALUE ")
		}
		sb.WriteString("VALUES ")
		for i, r := range batch {
			if i > 0 {
				sb.WriteByte(',')
			}
			sb.WriteByte('(')
			for j := range r {
				if j > 0 {
					sb.WriteByte(',')
				}
				if l.pg {
					sb.WriteString("$" + strconv.Itoa(len(args)+j+1))
				} else {
					sb.WriteByte('?')
				}
			}
			sb.WriteByte(')')
			args = append(args, r...)
		}
		l.exec(sb.String(), args...)
		l.commitEvery(len(batch))
	}
}

func (l *loader) commitEvery(n int) {
	if l.tx == nil {
		tx, err := l.db.Begin()
		if err != nil {
			l.b.Fatal(err)
		}
		l.tx = tx
	}
	if l.rows += n; l.rows >= 50_000 {
		l.flush()
	}
}

func (l *loader) flush() {
	if l.tx != nil {
		if err := l.tx.Commit(); err != nil {
			l.b.Fatal(err)
		}
		l.tx, l.rows = nil, 0
	}
}
