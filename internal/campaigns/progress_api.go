package campaigns

import (
	"context"

	"github.com/conversa/conversa/internal/conversa"
)

// Progress is GET /api/v1/campaigns/{id}: the campaign, its recipients by
// effective status, and the pace so far.
type Progress struct {
	Campaign   conversa.Campaign `json:"campaign"`
	Counts     map[string]int    `json:"counts"`
	Total      int               `json:"total"`
	Replied    int               `json:"replied"`     // recipients who wrote back after the message
	Done       int               `json:"done"`        // no longer pending
	Rate       float64           `json:"rate"`        // done per second since the start
	ETASeconds float64           `json:"eta_seconds"` // pending / rate; 0 when unknown
}

// Progress reads a campaign's progress from the database (any node).
func (s *Service) Progress(ctx context.Context, companyID, id int64) (Progress, error) {
	c, err := s.store.Campaign(ctx, companyID, id)
	if err != nil {
		return Progress{}, err
	}
	counts, err := s.store.CampaignCounts(ctx, companyID, id)
	if err != nil {
		return Progress{}, err
	}
	p := Progress{Campaign: c, Counts: counts}
	if p.Replied, err = s.store.CampaignReplies(ctx, companyID, id); err != nil {
		return Progress{}, err
	}
	for _, n := range counts {
		p.Total += n
	}
	pending := counts[string(conversa.RecipientPending)]
	p.Done = p.Total - pending
	if c.StartedAt != nil {
		end := s.clock.Now()
		if c.FinishedAt != nil {
			end = *c.FinishedAt
		}
		if secs := end.Sub(*c.StartedAt).Seconds(); secs > 0 {
			p.Rate = float64(p.Done-counts[string(conversa.RecipientExcluded)]) / secs
		}
	}
	if p.Rate > 0 && c.Status == conversa.CampaignRunning {
		p.ETASeconds = float64(pending) / p.Rate
	}
	return p, nil
}

// Recipients lists a campaign's recipients after afterID, optionally only
// those whose effective status is status.
func (s *Service) Recipients(ctx context.Context, companyID, id int64, status string, afterID int64, limit int) ([]conversa.CampaignRecipient, error) {
	if _, err := s.store.Campaign(ctx, companyID, id); err != nil {
		return nil, err
	}
	out := []conversa.CampaignRecipient{}
	for len(out) < limit {
		page, err := s.store.Recipients(ctx, companyID, id, afterID, 1000)
		if err != nil || len(page) == 0 {
			return out, err
		}
		for _, r := range page {
			if (status == "" || r.Effective() == status) && len(out) < limit {
				out = append(out, r)
			}
		}
		afterID = page[len(page)-1].ID
	}
	return out, nil
}
