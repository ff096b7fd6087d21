package loadgen

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/conversa/conversa/internal/campaigns"
	"github.com/conversa/conversa/internal/campaigns/campaigntest"
	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/realtime"
	"github.com/conversa/conversa/internal/store"
	"github.com/conversa/conversa/internal/whatsapp"
)

// CampaignPlan is one `loadgen campaign` run: Recipients split over
// Numbers campaigns (one per number), each number at Rate msg/s.
type CampaignPlan struct {
	Recipients, Numbers, Rate int
	Batch, Workers            int           // engine tuning; 0 = defaults
	Timeout                   time.Duration // gives up after this long
}

// NumberResult is one number's campaign.
type NumberResult struct {
	Recipients int           `json:"recipients"`
	Duration   time.Duration `json:"duration_ns"`
	Rate       float64       `json:"rate"`      // achieved msg/s
	Ideal      time.Duration `json:"ideal_ns"`  // Recipients / Rate
	Ratio      float64       `json:"ratio"`     // Duration / Ideal
	Throttled  int64         `json:"throttled"` // 130429 answers
	Accepted   int64         `json:"accepted"`
	Status     string        `json:"status"`
}

// CampaignResult is the whole run.
type CampaignResult struct {
	Numbers   []NumberResult `json:"numbers"`
	Total     float64        `json:"total_rate"` // all accepted / slowest duration
	Duration  time.Duration  `json:"duration_ns"`
	Prepare   time.Duration  `json:"prepare_ns"` // list import + campaign creation, not timed above
	Throttled int64          `json:"throttled"`
}

// RunCampaign drives the real campaign engine (store + sender) against the
// simulator behind graphURL, which sim controls.
func RunCampaign(ctx context.Context, st *store.Store, sim *metasim.Sim, graphURL string, p CampaignPlan) (CampaignResult, error) {
	client, err := whatsapp.New(whatsapp.Config{BaseURL: graphURL})
	if err != nil {
		return CampaignResult{}, err
	}
	begin := time.Now()
	w, err := campaigntest.Setup(ctx, st, sim, client, "load"+RunID(), p.Numbers, p.Rate)
	if err != nil {
		return CampaignResult{}, err
	}
	events := &finalEvents{got: map[int64]campaigns.ProgressEvent{}}
	svc := campaigns.New(campaigns.Options{Store: st, Graph: client, Publisher: events, Logger: slog.New(slog.DiscardHandler)})
	ids, err := prepare(ctx, svc, w, p)
	if err != nil {
		return CampaignResult{}, err
	}
	res := CampaignResult{Prepare: time.Since(begin)}
	runCtx, stop := context.WithTimeout(ctx, p.Timeout)
	defer stop()
	start := time.Now()
	for _, id := range ids {
		if _, err := svc.Start(ctx, w.Company.ID, id); err != nil {
			return res, err
		}
	}
	engine := svc.NewEngine(campaigns.EngineOptions{Batch: p.Batch, Workers: p.Workers, Poll: 10 * time.Millisecond})
	done := make(chan struct{})
	go func() { defer close(done); _ = engine.Run(runCtx) }()
	finished := waitCampaigns(runCtx, st, w.Company.ID, ids, start)
	stop()
	<-done
	return summarise(ctx, st, w.Company.ID, ids, finished, events, p, res, start)
}

func prepare(ctx context.Context, svc *campaigns.Service, w *campaigntest.World, p CampaignPlan) ([]int64, error) {
	per := p.Recipients / p.Numbers
	var ids []int64
	for i, ch := range w.Channels {
		l, err := svc.ImportList(ctx, w.Company.ID, campaigns.ListImport{Name: fmt.Sprintf("Lista %d", i), CSV: campaigntest.CSV(20+i, per)})
		if err != nil {
			return nil, err
		}
		in := campaigns.NewCampaign{Name: fmt.Sprintf("Carga %d", i), ChannelID: ch.ID, ListID: l.ID, Variables: []string{"name", "desconto"}}
		in.Template.Name, in.Template.Language = campaigntest.Utility, "pt_BR"
		c, err := svc.Create(ctx, w.Company.ID, in)
		if err != nil {
			return nil, err
		}
		ids = append(ids, c.ID)
	}
	return ids, nil
}

// waitCampaigns polls until every campaign left "running" and returns when
// each did.
func waitCampaigns(ctx context.Context, st *store.Store, companyID int64, ids []int64, start time.Time) map[int64]time.Duration {
	out := map[int64]time.Duration{}
	for len(out) < len(ids) && ctx.Err() == nil {
		time.Sleep(25 * time.Millisecond) // finer polling costs the engine CPU and gains < 0.1 %
		for _, id := range ids {
			if _, ok := out[id]; ok {
				continue
			}
			c, err := st.Campaign(ctx, companyID, id)
			if err == nil && c.Status != conversa.CampaignRunning {
				out[id] = time.Since(start)
			}
		}
	}
	return out
}

func summarise(ctx context.Context, st *store.Store, companyID int64, ids []int64, finished map[int64]time.Duration,
	events *finalEvents, p CampaignPlan, res CampaignResult, start time.Time) (CampaignResult, error) {
	per := p.Recipients / p.Numbers
	var accepted int64
	for _, id := range ids {
		c, err := st.Campaign(ctx, companyID, id)
		if err != nil {
			return res, err
		}
		d, ok := finished[id]
		if !ok {
			d = time.Since(start)
		}
		ev := events.get(id)
		ideal := time.Duration(float64(per) / float64(p.Rate) * float64(time.Second))
		n := NumberResult{Recipients: per, Duration: d, Rate: float64(ev.Accepted) / d.Seconds(), Ideal: ideal,
			Ratio: d.Seconds() / ideal.Seconds(), Throttled: ev.Throttled, Accepted: ev.Accepted, Status: string(c.Status)}
		res.Numbers = append(res.Numbers, n)
		res.Throttled += ev.Throttled
		accepted += ev.Accepted
		res.Duration = max(res.Duration, d)
	}
	res.Total = float64(accepted) / res.Duration.Seconds()
	return res, nil
}

// finalEvents keeps each campaign's last progress event (the engine
// publishes a final one when a run ends).
type finalEvents struct {
	mu  sync.Mutex
	got map[int64]campaigns.ProgressEvent
}

func (f *finalEvents) Publish(_ context.Context, e realtime.Event) error {
	if e.Type != campaigns.EventProgress {
		return nil
	}
	var ev campaigns.ProgressEvent
	if err := json.Unmarshal(e.Data, &ev); err != nil {
		return err
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	prev := f.got[ev.ID]
	if ev.Final { // a campaign may run in several engine runs: add them up
		ev.Accepted += prev.Accepted
		ev.Throttled += prev.Throttled
		f.got[ev.ID] = ev
	}
	return nil
}

func (f *finalEvents) get(id int64) campaigns.ProgressEvent {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.got[id]
}

func (r CampaignResult) String() string {
	s := ""
	for i, n := range r.Numbers {
		s += fmt.Sprintf("number %d: %d recipients, %s accepted=%d in %s (ideal %s, %.1f%%) = %.0f msg/s, 130429=%d\n",
			i+1, n.Recipients, n.Status, n.Accepted, n.Duration.Round(time.Millisecond), n.Ideal, n.Ratio*100, n.Rate, n.Throttled)
	}
	return s + fmt.Sprintf("total: %.0f msg/s over %s, 130429=%d (prepare %s: import + create, not timed)",
		r.Total, r.Duration.Round(time.Millisecond), r.Throttled, r.Prepare.Round(time.Millisecond))
}
