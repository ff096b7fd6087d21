package campaigns

import (
	"context"
	"sort"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Estimate is what a supervisor sees before starting.
type Estimate struct {
	Recipients    int               `json:"recipients"` // still to send
	Excluded      map[string]int    `json:"excluded"`   // by reason (opted_out, missing_variable)
	Rejected      map[string]int    `json:"rejected"`   // rows the list import left out, by reason
	Category      conversa.Category `json:"category"`
	Currency      string            `json:"currency"`
	ExpectedCost  conversa.Money    `json:"expected_cost"`
	ByCountry     []CountryCost     `json:"by_country"`
	TierLimit     int               `json:"tier_limit"`     // 0 = unlimited or unknown
	TierRemaining int               `json:"tier_remaining"` // unique recipients left in the rolling 24 h
}

// CountryCost is the expected spend in one country.
type CountryCost struct {
	Country    string         `json:"country"`
	Recipients int            `json:"recipients"`
	Cost       conversa.Money `json:"cost"`
}

// Estimate counts and prices what is left to send: templates are charged by
// category and the recipient's country (PriceTable.Cost); a campaign opens
// no window, so utility templates are priced as outside one.
func (s *Service) Estimate(ctx context.Context, companyID, id int64) (Estimate, error) {
	c, err := s.store.Campaign(ctx, companyID, id)
	if err != nil {
		return Estimate{}, err
	}
	e := Estimate{Category: c.Category, Excluded: map[string]int{}, Rejected: map[string]int{}}
	if err := s.exclusions(ctx, c, &e); err != nil {
		return e, err
	}
	table, err := s.store.PriceTable(ctx, companyID)
	if err != nil {
		return e, err
	}
	waIDs, err := s.store.PendingWAIDs(ctx, companyID, id)
	if err != nil {
		return e, err
	}
	e.Currency, e.Recipients = table.Currency, len(waIDs)
	by := map[string]*CountryCost{}
	for _, w := range waIDs {
		region := conversa.PhoneRegion(w)
		cc := by[region]
		if cc == nil {
			cc = &CountryCost{Country: region}
			by[region] = cc
		}
		cost := table.Cost(region, c.Category, false)
		cc.Recipients, cc.Cost, e.ExpectedCost = cc.Recipients+1, cc.Cost+cost, e.ExpectedCost+cost
	}
	for _, cc := range by {
		e.ByCountry = append(e.ByCountry, *cc)
	}
	sort.Slice(e.ByCountry, func(i, j int) bool { return e.ByCountry[i].Recipients > e.ByCountry[j].Recipients })
	e.TierLimit, e.TierRemaining, err = s.tierRemaining(ctx, c)
	return e, err
}

func (s *Service) exclusions(ctx context.Context, c conversa.Campaign, e *Estimate) error {
	l, err := s.store.ContactList(ctx, c.CompanyID, c.ListID)
	if err != nil {
		return err
	}
	for _, r := range l.Rejected {
		e.Rejected[r.Reason]++
	}
	counts, err := s.store.ExcludedCounts(ctx, c.CompanyID, c.ID)
	for k, v := range counts {
		e.Excluded[k] = v
	}
	return err
}

// tierRemaining is how many more unique people the number may start
// conversations with in the rolling 24 h (Meta's messaging-limit tier).
func (s *Service) tierRemaining(ctx context.Context, c conversa.Campaign) (limit, remaining int, err error) {
	ch, err := s.store.Channel(ctx, c.CompanyID, c.ChannelID)
	if err != nil || ch.WABA == nil {
		return 0, 0, err
	}
	limit = conversa.TierLimit(ch.WABA.Health.MessagingLimitTier)
	if limit == 0 {
		return 0, 0, nil
	}
	used, err := s.store.RecentRecipients(ctx, c.CompanyID, c.ChannelID, s.clock.Now().Add(-24*time.Hour))
	return limit, max(0, limit-used), err
}

// Start sends the campaign now, or at its scheduled time.
func (s *Service) Start(ctx context.Context, companyID, id int64) (conversa.Campaign, error) {
	c, err := s.store.Campaign(ctx, companyID, id)
	if err != nil {
		return c, err
	}
	if err := s.sendable(ctx, c); err != nil {
		return c, err
	}
	if _, err := s.template(ctx, c); err != nil {
		return c, err
	}
	e, err := s.Estimate(ctx, companyID, id)
	if err != nil {
		return c, err
	}
	to := conversa.CampaignRunning
	if c.ScheduledAt != nil && c.ScheduledAt.After(s.clock.Now()) {
		to = conversa.CampaignScheduled
	}
	return s.change(ctx, companyID, id, store.CampaignChange{From: []conversa.CampaignStatus{conversa.CampaignDraft},
		To: to, ExpectedCost: &e.ExpectedCost, Started: to == conversa.CampaignRunning})
}

// Pause stops sending until Resume; messages in flight finish.
func (s *Service) Pause(ctx context.Context, companyID, id int64) (conversa.Campaign, error) {
	reason := conversa.Errorf(conversa.ECONFLICT, "Paused by a supervisor.").Pt("Pausada por um supervisor.")
	return s.change(ctx, companyID, id, store.CampaignChange{From: []conversa.CampaignStatus{conversa.CampaignRunning, conversa.CampaignScheduled},
		To: conversa.CampaignPaused, Reason: reason})
}

// Resume continues a paused campaign where it stopped, once its channel
// can send templates again.
func (s *Service) Resume(ctx context.Context, companyID, id int64) (conversa.Campaign, error) {
	c, err := s.store.Campaign(ctx, companyID, id)
	if err != nil {
		return c, err
	}
	if err := s.sendable(ctx, c); err != nil {
		return c, err
	}
	return s.change(ctx, companyID, id, store.CampaignChange{From: []conversa.CampaignStatus{conversa.CampaignPaused},
		To: conversa.CampaignRunning, Started: true})
}

// Cancel ends the campaign for good; recipients not sent yet never are.
func (s *Service) Cancel(ctx context.Context, companyID, id int64) (conversa.Campaign, error) {
	return s.change(ctx, companyID, id, store.CampaignChange{From: []conversa.CampaignStatus{conversa.CampaignDraft,
		conversa.CampaignScheduled, conversa.CampaignRunning, conversa.CampaignPaused}, To: conversa.CampaignCancelled, Done: true})
}

func (s *Service) change(ctx context.Context, companyID, id int64, ch store.CampaignChange) (conversa.Campaign, error) {
	ok, err := s.store.ChangeCampaign(ctx, companyID, id, ch)
	if err != nil {
		return conversa.Campaign{}, err
	}
	c, err := s.store.Campaign(ctx, companyID, id)
	if err == nil && !ok {
		err = conversa.Errorf(conversa.ECONFLICT, "The campaign is %s; that is not possible now.", c.Status).
			Pt("A campanha está %s; isso não é possível agora.", statusPT[c.Status])
	}
	if err == nil {
		s.publish(ctx, companyID, EventUpdated, c)
	}
	return c, err
}

var statusPT = map[conversa.CampaignStatus]string{
	conversa.CampaignDraft: "em rascunho", conversa.CampaignScheduled: "agendada", conversa.CampaignRunning: "em andamento",
	conversa.CampaignPaused: "pausada", conversa.CampaignCompleted: "concluída", conversa.CampaignCancelled: "cancelada",
}
