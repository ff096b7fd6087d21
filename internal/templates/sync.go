package templates

import (
	"bytes"
	"context"
	"encoding/json"
	"time"

	"github.com/riverqueue/river"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// SyncResult counts what a sync changed.
type SyncResult struct {
	Total   int `json:"total"`   // templates Meta listed
	Created int `json:"created"` // new here
	Updated int `json:"updated"` // changed here
	Deleted int `json:"deleted"` // gone from Meta, marked DELETED
}

// syncFields are the template fields a sync asks Meta for.
var syncFields = []string{"id", "name", "language", "category", "status", "rejected_reason", "parameter_format", "components", "quality_score"}

// Sync reads every template of the channel's account from Meta (all pages)
// and brings the channel's rows in line: new ones inserted, changed ones
// updated, and ones Meta no longer lists marked DELETED.
func (s *Service) Sync(ctx context.Context, companyID, channelID int64) (SyncResult, error) {
	var res SyncResult
	ch, err := s.channel(ctx, companyID, channelID)
	if err != nil {
		return res, err
	}
	start := s.clock.Now()
	listed, err := s.graph.AllTemplates(ctx, ch.WABA.AccessToken, ch.WABA.WABAID, whatsapp.TemplateQuery{Limit: s.pageSize, Fields: syncFields})
	if err != nil {
		return res, graphError(err)
	}
	seen := map[[2]string]bool{}
	for _, m := range listed {
		t, err := fromMeta(m, ch, s.observedAt(start))
		if err != nil {
			s.log.WarnContext(ctx, "template sync: skipping a template Meta listed", "channel_id", ch.ID, "err", err)
			continue
		}
		seen[[2]string{t.Name, t.Language}] = true
		res.Total++
		before, _ := s.store.TemplateByName(ctx, companyID, ch.ID, t.Name, t.Language)
		after, err := s.observe(ctx, t)
		if err != nil {
			return res, err
		}
		res.count(before, after)
	}
	res.Deleted, err = s.markGone(ctx, ch, seen, start)
	return res, err
}

func (r *SyncResult) count(before, after conversa.Template) {
	switch {
	case before.ID == 0:
		r.Created++
	case !after.UpdatedAt.Equal(before.UpdatedAt):
		r.Updated++
	}
}

// observe stores a template as seen on Meta: content as listed, status and
// category unless the row already holds newer ones. A row that does not
// exist yet is inserted as seen.
func (s *Service) observe(ctx context.Context, seen conversa.Template) (conversa.Template, error) {
	t, wrote, err := s.store.SaveTemplate(ctx, seen, func(stored conversa.Template) (conversa.Template, bool) {
		changed := mergeSeen(&stored, seen)
		return stored, changed
	})
	if err == nil && wrote {
		s.publish(ctx, t)
	}
	return t, err
}

// mergeSeen folds what Meta lists into the stored row and reports whether
// anything changed.
func mergeSeen(stored *conversa.Template, seen conversa.Template) bool {
	changed := stored.MetaID != seen.MetaID || stored.ParameterFormat != seen.ParameterFormat ||
		stored.Quality != seen.Quality || !sameComponents(stored.Components, seen.Components)
	stored.MetaID, stored.ParameterFormat, stored.Quality, stored.Components = seen.MetaID, seen.ParameterFormat, seen.Quality, seen.Components
	if stored.ApplyCategory(seen.Category, seen.CategoryAt) {
		changed = true
	}
	if stored.ApplyStatus(conversa.TemplateStatusChange{Status: seen.Status, Reason: seen.RejectedReason, Info: seen.StatusInfo,
		At: seen.StatusAt, Observed: true}) {
		changed = true
	}
	return changed
}

func sameComponents(a, b []conversa.TemplateComponent) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return bytes.Equal(ja, jb)
}

// markGone marks DELETED the channel's templates Meta did not list. Rows
// written since the listing started (a template created meanwhile) are
// left for the next sync.
func (s *Service) markGone(ctx context.Context, ch conversa.Channel, seen map[[2]string]bool, start time.Time) (int, error) {
	local, err := s.store.Templates(ctx, ch.CompanyID, store.TemplateFilter{ChannelID: ch.ID})
	if err != nil {
		return 0, err
	}
	gone := conversa.TemplateStatusChange{Status: conversa.TemplateDeleted, At: s.observedAt(start), Observed: true}
	n := 0
	for _, t := range local {
		if seen[[2]string{t.Name, t.Language}] {
			continue
		}
		got, changed, err := s.store.UpdateTemplate(ctx, ch.CompanyID, t.ID, func(t *conversa.Template) bool {
			return t.UpdatedAt.Before(start) && t.ApplyStatus(gone)
		})
		if err != nil {
			return n, err
		}
		if changed {
			n++
			s.publish(ctx, got)
		}
	}
	return n, nil
}

// SyncAll syncs every connected WhatsApp channel. One channel's failure
// (an expired token, Meta down) is logged and does not stop the others.
func (s *Service) SyncAll(ctx context.Context) error {
	channels, err := s.store.TemplateSyncChannels(ctx)
	if err != nil {
		return err
	}
	for _, ch := range channels {
		if res, err := s.Sync(ctx, ch.CompanyID, ch.ID); err != nil {
			s.log.WarnContext(ctx, "template sync failed", "company_id", ch.CompanyID, "channel_id", ch.ID, "err", err)
		} else if res.Created+res.Updated+res.Deleted > 0 {
			s.log.InfoContext(ctx, "templates synced", "channel_id", ch.ID, "created", res.Created, "updated", res.Updated, "deleted", res.Deleted)
		}
	}
	return ctx.Err()
}

// SyncArgs is the periodic job that syncs every channel's templates, so a
// missed webhook or a template made in Meta's manager shows up here.
type SyncArgs struct{}

func (SyncArgs) Kind() string { return "templates_sync" }

// SyncEvery is how often templates are synced (on the leader node only).
const SyncEvery = 15 * time.Minute

type syncWorker struct {
	river.WorkerDefaults[SyncArgs]
	s *Service
}

func (w *syncWorker) Work(ctx context.Context, _ *river.Job[SyncArgs]) error { return w.s.SyncAll(ctx) }

// Timeout leaves room for many channels, each a few Graph pages.
func (w *syncWorker) Timeout(*river.Job[SyncArgs]) time.Duration { return 10 * time.Minute }

// Register adds the sync worker (jobs.Options.Register).
func (s *Service) Register(w *river.Workers) { river.AddWorker(w, &syncWorker{s: s}) }

// Periodic is the 15-minute sync (jobs.Options.Periodic); it also runs at
// start so a restart catches up at once.
func (s *Service) Periodic() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(SyncEvery),
		func() (river.JobArgs, *river.InsertOpts) { return SyncArgs{}, nil },
		&river.PeriodicJobOpts{RunOnStart: true, ID: "templates_sync"})
}
