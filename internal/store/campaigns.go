package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

const campaignColumns = `id, company_id, channel_id, list_id, name, template_name, template_language, category, variable_map,
	status, pause_reason, pause_reason_pt, scheduled_at, hours_start, hours_end, time_zone, expected_cost, started_at,
	finished_at, created_at`

func scanCampaign(row interface{ Scan(...any) error }) (conversa.Campaign, error) {
	var c conversa.Campaign
	var vars string
	err := row.Scan(&c.ID, &c.CompanyID, &c.ChannelID, &c.ListID, &c.Name, &c.TemplateName, &c.TemplateLanguage, &c.Category,
		&vars, &c.Status, &c.PauseReason, &c.PauseReasonPT, &c.ScheduledAt, &c.Hours.Start, &c.Hours.End, &c.Hours.TimeZone,
		&c.ExpectedCost, &c.StartedAt, &c.FinishedAt, &c.CreatedAt)
	if err == nil {
		_ = json.Unmarshal([]byte(vars), &c.VariableMap)
		utc(&c.CreatedAt)
		utcOpt(c.ScheduledAt, c.StartedAt, c.FinishedAt)
	}
	return c, err
}

// CreateCampaign stores a draft campaign and its recipients in one
// transaction.
func (s *Store) CreateCampaign(ctx context.Context, c conversa.Campaign, recipients []conversa.CampaignRecipient) (conversa.Campaign, error) {
	vars, _ := json.Marshal(c.VariableMap)
	now := dbTime(s.now())
	c.CreatedAt, c.Status = now, conversa.CampaignDraft
	err := s.InTx(ctx, func(tx *Store) error {
		if err := tx.ownsChannel(ctx, c.CompanyID, c.ChannelID); err != nil {
			return err
		}
		var err error
		c.ID, err = tx.w.insert(ctx, `INSERT INTO campaigns (company_id, channel_id, list_id, name, template_name, template_language,
			category, variable_map, status, hours_start, hours_end, time_zone, expected_cost, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, c.CompanyID, c.ChannelID, c.ListID, c.Name, c.TemplateName,
			c.TemplateLanguage, string(c.Category), string(vars), string(c.Status), c.Hours.Start, c.Hours.End, c.Hours.TimeZone,
			int64(c.ExpectedCost), now, now)
		if err != nil {
			return err
		}
		return insertRows(ctx, tx.w, "campaign_recipients (company_id, campaign_id, channel_id, wa_key, wa_id, name, params, status, error)",
			9, len(recipients), func(i int) []any {
				r := recipients[i]
				params, _ := json.Marshal(r.Params)
				return []any{c.CompanyID, c.ID, c.ChannelID, r.WAKey, r.WAID, r.Name, string(params), string(r.Status), r.Error}
			})
	})
	return c, err
}

// Campaign returns one campaign of the company.
func (s *Store) Campaign(ctx context.Context, companyID, id int64) (conversa.Campaign, error) {
	c, err := scanCampaign(s.r.queryRow(ctx, "SELECT "+campaignColumns+" FROM campaigns WHERE company_id = ? AND id = ?", companyID, id))
	return c, notFound(err, "Campaign")
}

// Campaigns returns the company's campaigns, newest first.
func (s *Store) Campaigns(ctx context.Context, companyID int64) ([]conversa.Campaign, error) {
	return s.queryCampaigns(ctx, "SELECT "+campaignColumns+" FROM campaigns WHERE company_id = ? ORDER BY id DESC LIMIT 200", companyID)
}

// DueCampaigns lists, across companies, the campaigns an engine should be
// sending: running ones, and scheduled ones whose time has come.
func (s *Store) DueCampaigns(ctx context.Context, now time.Time) ([]conversa.Campaign, error) {
	return s.queryCampaigns(ctx, "SELECT "+campaignColumns+
		" FROM campaigns WHERE status = ? OR (status = ? AND scheduled_at <= ?) ORDER BY id",
		string(conversa.CampaignRunning), string(conversa.CampaignScheduled), now)
}

func (s *Store) queryCampaigns(ctx context.Context, q string, args ...any) ([]conversa.Campaign, error) {
	rows, err := s.r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.Campaign
	for rows.Next() {
		c, err := scanCampaign(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// CampaignChange moves a campaign between states.
type CampaignChange struct {
	From          []conversa.CampaignStatus // the states it may be in
	To            conversa.CampaignStatus
	Reason        *conversa.Error // pause reason; nil clears it
	ScheduledAt   *time.Time
	ExpectedCost  *conversa.Money
	Started, Done bool // stamp started_at (first time) / finished_at
}

// ChangeCampaign applies ch when the campaign is in one of ch.From and
// reports whether it did (false: it was in another state).
func (s *Store) ChangeCampaign(ctx context.Context, companyID, id int64, ch CampaignChange) (bool, error) {
	now := s.now()
	reason, reasonPT := "", ""
	if ch.Reason != nil {
		reason, reasonPT = ch.Reason.Message, ch.Reason.PT
	}
	q := "UPDATE campaigns SET status = ?, pause_reason = ?, pause_reason_pt = ?, updated_at = ?"
	args := []any{string(ch.To), reason, reasonPT, now}
	if ch.ScheduledAt != nil {
		q, args = q+", scheduled_at = ?", append(args, *ch.ScheduledAt)
	}
	if ch.ExpectedCost != nil {
		q, args = q+", expected_cost = ?", append(args, int64(*ch.ExpectedCost))
	}
	if ch.Started {
		q, args = q+", started_at = COALESCE(started_at, ?)", append(args, now)
	}
	if ch.Done {
		q, args = q+", finished_at = ?", append(args, now)
	}
	q += " WHERE company_id = ? AND id = ? AND status IN (" + placeholders(len(ch.From)) + ")"
	args = append(args, companyID, id)
	for _, f := range ch.From {
		args = append(args, string(f))
	}
	n, err := affected(s.w.exec(ctx, q, args...))
	return n == 1, err
}

func placeholders(n int) string {
	if n == 0 {
		return "NULL"
	}
	b := make([]byte, 0, n*3)
	for i := range n {
		if i > 0 {
			b = append(b, ", "...)
		}
		b = append(b, '?')
	}
	return string(b)
}

// LeaseCampaign gives owner the right to send the campaign until until,
// when nobody else holds an unexpired lease on it or on another campaign of
// the same number (one paced sender per number across nodes). Renewing
// one's own lease always works. Leases keep two nodes from sending one
// campaign; the recipient claim (SKIP LOCKED) keeps them from sending one
// recipient even if a lease holder stalls past its lease.
func (s *Store) LeaseCampaign(ctx context.Context, id int64, owner string, until time.Time) (bool, error) {
	now := s.now()
	n, err := affected(s.w.exec(ctx, `UPDATE campaigns SET lease_owner = ?, lease_until = ?
		WHERE id = ? AND (lease_owner = ? OR lease_until IS NULL OR lease_until < ?)
		AND NOT EXISTS (SELECT 1 FROM campaigns o WHERE o.channel_id = campaigns.channel_id AND o.id <> campaigns.id
			AND o.lease_owner <> '' AND o.lease_owner <> ? AND o.lease_until >= ?)`, owner, until, id, owner, now, owner, now))
	return n == 1, err
}

// ReleaseCampaign gives a lease back (graceful stop).
func (s *Store) ReleaseCampaign(ctx context.Context, id int64, owner string) error {
	_, err := s.w.exec(ctx, "UPDATE campaigns SET lease_owner = '', lease_until = NULL WHERE id = ? AND lease_owner = ?", id, owner)
	return err
}
