package intake

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// ProcessArgs is the job that processes one stored batch: the ids of its
// rows (not a range: batches from concurrent writers interleave ids).
type ProcessArgs struct {
	IDs []int64 `json:"ids"`
}

func (ProcessArgs) Kind() string { return "process_webhooks" }

// Queue is the River queue webhook processing runs on, and QueueWorkers the
// workers per node it should get (jobs.Options.Queues). A queue of its own
// keeps a flood of webhooks from taking every worker from sends and
// campaigns, and bounds how much of the machine (and, on SQLite, of the
// one writer) processing takes while the intake is acknowledging a burst:
// the stored backlog drains afterwards.
const (
	Queue        = "webhooks"
	QueueWorkers = 2
)

func (ProcessArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: Queue} }

// jobRows is how many stored rows one processing job takes at most. Few,
// full jobs keep the job queue's own cost per delivery small; a job of
// jobRows slowed down by a burst (stepAside) stays well inside jobTimeout.
const (
	jobRows    = 1024
	jobTimeout = 10 * time.Minute
)

type processWorker struct {
	river.WorkerDefaults[ProcessArgs]
	in *Intake
}

// Timeout replaces River's default minute: a full job during a burst runs
// at a sixteenth of its speed. Rows done before a timeout stay done.
func (w *processWorker) Timeout(*river.Job[ProcessArgs]) time.Duration { return jobTimeout }

func (w *processWorker) Work(ctx context.Context, j *river.Job[ProcessArgs]) error {
	return w.in.process(ctx, j.Args.IDs)
}

// Register adds the processing and sweep workers to the job queue
// (jobs.Options.Register).
func (in *Intake) Register(w *river.Workers) {
	river.AddWorker(w, &processWorker{in: in})
	river.AddWorker(w, &sweepWorker{in: in})
}

// SweepArgs is the periodic job that enqueues processing for rows left
// unprocessed for sweepAge: rows whose node crashed between their commit and
// their job's insert, while the other nodes keep running. Younger rows are
// left alone: their job is normally just waiting its turn in a backlog. It
// also deletes processed rows past Options.Retention (the raw copies are
// for recovery and support, not an archive: messages keep what matters).
type SweepArgs struct{}

func (SweepArgs) Kind() string { return "sweep_webhooks" }

const (
	sweepEvery = time.Minute
	sweepAge   = 5 * time.Minute
	purgeBatch = 5000 // rows per DELETE, so no statement holds the writer long
)

type sweepWorker struct {
	river.WorkerDefaults[SweepArgs]
	in *Intake
}

func (w *sweepWorker) Work(ctx context.Context, _ *river.Job[SweepArgs]) error {
	return w.in.Sweep(ctx)
}

// Sweep enqueues processing for the rows unprocessed for sweepAge and
// deletes the processed rows older than the retention.
func (in *Intake) Sweep(ctx context.Context) error {
	now := in.opts.Clock.Now()
	if err := in.requeue(ctx, now.Add(-sweepAge)); err != nil {
		return err
	}
	for {
		n, err := in.st.PurgeWebhookEvents(ctx, now.Add(-in.opts.Retention), purgeBatch)
		if err != nil || n < purgeBatch {
			return err
		}
	}
}

// Periodic is the sweep's schedule (jobs.Options.Periodic).
func (in *Intake) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(sweepEvery),
		func() (river.JobArgs, *river.InsertOpts) { return SweepArgs{}, nil },
		&river.PeriodicJobOpts{ID: "intake_sweep"})
}

// templateFields and accountFields are the account-level change fields and
// the sink each goes to; they route by WABA id to every live channel of
// the account. Other fields are stored and ignored.
var (
	templateFields = map[string]bool{"message_template_status_update": true, "template_category_update": true}
	accountFields  = map[string]bool{"phone_number_quality_update": true, "phone_number_name_update": true,
		"account_update": true, "account_review_update": true, "business_capability_update": true}
)

// process hands every event of the still-unprocessed rows among ids to its
// sink. A row is marked processed when all its events succeeded; a row
// with a failing sink keeps its error and makes the job fail, so River
// retries it later with back-off — only the failed rows, since processed
// ones are skipped. Within a failed row every event is handed over again on
// retry, so sinks must be idempotent (they are, by contract).
func (in *Intake) process(ctx context.Context, ids []int64) error {
	rows, err := in.st.UnprocessedWebhookEvents(ctx, ids)
	if err != nil {
		return err
	}
	var failed []error
	done := make([]int64, 0, len(rows))
	for _, row := range rows {
		if err := in.processRow(ctx, row); err != nil {
			failed = append(failed, fmt.Errorf("webhook %d: %w", row.ID, err))
			if err := in.st.RecordWebhookEventFailure(ctx, row.ID, err.Error()); err != nil {
				return err
			}
			continue
		}
		done = append(done, row.ID)
	}
	in.gate.lockSecond()
	err = in.st.MarkWebhookEventsProcessed(ctx, done, in.opts.Clock.Now())
	in.gate.unlockSecond()
	if err != nil {
		return err
	}
	return errors.Join(failed...)
}

func (in *Intake) processRow(ctx context.Context, row store.WebhookEvent) error {
	n, err := whatsapp.ParseWebhook(row.Body)
	if err != nil {
		// Signed by Meta but not in a shape we read: retrying cannot help.
		// Keep the reason on the row and count it processed.
		in.log.WarnContext(ctx, "stored webhook cannot be parsed; skipped", "webhook_id", row.ID, "err", err)
		return in.st.RecordWebhookEventFailure(ctx, row.ID, err.Error())
	}
	var failed []error
	for ev := range n.Events() {
		if err := in.dispatch(ctx, row, ev); err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

// dispatch hands one event to its sink, once per channel it concerns.
func (in *Intake) dispatch(ctx context.Context, row store.WebhookEvent, ev whatsapp.Event) error {
	sink, key := in.sinkFor(ev)
	if sink == nil {
		return nil
	}
	ts, err := in.cache.lookup(ctx, key, false)
	if err != nil {
		return err
	}
	routed := false
	for _, t := range ts {
		if t.companyID != row.CompanyID {
			continue // another company's channel: its own row carries the event
		}
		routed = true
		r := Route{CompanyID: t.companyID, ChannelID: t.channelID, ReceivedAt: row.ReceivedAt, WebhookID: row.ID}
		if err := in.handle(ctx, sink, r, ev); err != nil {
			return fmt.Errorf("%s event: %w", ev.Field, err)
		}
	}
	if !routed {
		in.log.WarnContext(ctx, "webhook event for no live channel of its company; dropped",
			"webhook_id", row.ID, "company_id", row.CompanyID, "field", ev.Field, "key", key)
	}
	return nil
}

// handle calls the sink behind the intake's batch commits (writerGate),
// and leaves the CPU to bursts of deliveries (stepAside).
func (in *Intake) handle(ctx context.Context, sink Sink, r Route, ev whatsapp.Event) error {
	in.gate.lockSecond()
	began := time.Now()
	err := sink.HandleEvent(ctx, r, ev)
	in.gate.unlockSecond()
	in.stepAside(ctx, time.Since(began))
	return err
}

// sinkFor picks the sink of an event and the channel-cache key routing it:
// the business number for message-level events, the account otherwise.
func (in *Intake) sinkFor(ev whatsapp.Event) (Sink, string) {
	s := in.opts.Sinks
	switch {
	case ev.Message != nil || ev.Status != nil:
		return s.Messages, "p:" + ev.PhoneNumberID
	case ev.Error != nil:
		return s.Account, "p:" + ev.PhoneNumberID
	case templateFields[ev.Field]:
		return s.Templates, "w:" + ev.WABAID
	case accountFields[ev.Field]:
		return s.Account, "w:" + ev.WABAID
	}
	return nil, ""
}
