package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// The campaign engine's write path. Every method runs inside the engine's
// InTx so a whole batch of recipients costs one commit.

const recipientColumns = `r.id, r.company_id, r.campaign_id, r.channel_id, r.wa_key, r.wa_id, r.name, r.params, r.status,
	COALESCE(m.status, ''), r.not_before, r.message_id, r.conversation_id, r.error_code, r.error, r.attempted_at`

// repliedCond holds for a recipient (alias r) whose customer wrote back
// after the campaign's message: the reply links back to the campaign.
const repliedCond = `EXISTS (SELECT 1 FROM messages rm WHERE rm.company_id = r.company_id AND rm.conversation_id = r.conversation_id
	AND rm.direction = 'in' AND rm.id > r.message_id)`

func scanRecipient(row interface{ Scan(...any) error }, extra ...any) (conversa.CampaignRecipient, error) {
	var r conversa.CampaignRecipient
	var params string
	err := row.Scan(append([]any{&r.ID, &r.CompanyID, &r.CampaignID, &r.ChannelID, &r.WAKey, &r.WAID, &r.Name, &params, &r.Status,
		&r.MessageStatus, &r.NotBefore, &r.MessageID, &r.ConversationID, &r.ErrorCode, &r.Error, &r.AttemptedAt}, extra...)...)
	if err == nil {
		_ = json.Unmarshal([]byte(params), &r.Params)
		utcOpt(r.NotBefore, r.AttemptedAt)
	}
	return r, err
}

// ClaimRecipients locks up to limit pending recipients of a campaign that
// may be sent at now. On PostgreSQL other engines skip the locked rows
// (SKIP LOCKED), so two nodes never claim the same recipient; SQLite's one
// writer serialises claims. Call inside InTx and mark every claimed row.
func (s *Store) ClaimRecipients(ctx context.Context, companyID, campaignID int64, now time.Time, limit int) ([]conversa.CampaignRecipient, error) {
	lock := ""
	if s.d.postgres {
		lock = " FOR UPDATE OF r SKIP LOCKED"
	}
	return s.queryRecipients(ctx, s.w, false, "SELECT "+recipientColumns+
		" FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id"+
		" WHERE r.company_id = ? AND r.campaign_id = ? AND r.status = ? AND (r.not_before IS NULL OR r.not_before <= ?)"+
		" ORDER BY r.id LIMIT ?"+lock, companyID, campaignID, string(conversa.RecipientPending), now, limit)
}

// Recipients lists a campaign's recipients after afterID (paging), with
// the linked message's status and whether the customer replied; status
// filters on the effective status.
func (s *Store) Recipients(ctx context.Context, companyID, campaignID, afterID int64, limit int) ([]conversa.CampaignRecipient, error) {
	return s.queryRecipients(ctx, s.r, true, "SELECT "+recipientColumns+", CASE WHEN "+repliedCond+" THEN 1 ELSE 0 END"+
		" FROM campaign_recipients r LEFT JOIN messages m ON m.id = r.message_id"+
		" WHERE r.company_id = ? AND r.campaign_id = ? AND r.id > ? ORDER BY r.id LIMIT ?",
		companyID, campaignID, afterID, max(1, min(limit, 1000)))
}

// CampaignReplies counts the recipients who wrote back after the
// campaign's message.
func (s *Store) CampaignReplies(ctx context.Context, companyID, campaignID int64) (int, error) {
	var n int
	err := s.r.queryRow(ctx, "SELECT COUNT(*) FROM campaign_recipients r WHERE r.company_id = ? AND r.campaign_id = ? "+
		"AND r.message_id IS NOT NULL AND "+repliedCond, companyID, campaignID).Scan(&n)
	return n, err
}

// queryRecipients runs q, whose columns are recipientColumns and, with
// replied, a last 0/1 column for Replied.
func (s *Store) queryRecipients(ctx context.Context, c conn, replied bool, q string, args ...any) ([]conversa.CampaignRecipient, error) {
	rows, err := c.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.CampaignRecipient
	for rows.Next() {
		var flag int
		var extra []any
		if replied {
			extra = append(extra, &flag)
		}
		r, err := scanRecipient(rows, extra...)
		if err != nil {
			return nil, err
		}
		r.Replied = flag == 1
		out = append(out, r)
	}
	return out, rows.Err()
}

// CampaignCounts are a campaign's recipients by effective status.
type CampaignCounts map[string]int

// CampaignCounts counts a campaign's recipients by effective status
// (conversa.CampaignRecipient.Effective).
func (s *Store) CampaignCounts(ctx context.Context, companyID, campaignID int64) (CampaignCounts, error) {
	rows, err := s.r.query(ctx, `SELECT r.status, COALESCE(m.status, ''), COUNT(*) FROM campaign_recipients r
		LEFT JOIN messages m ON m.id = r.message_id WHERE r.company_id = ? AND r.campaign_id = ? GROUP BY r.status, m.status`,
		companyID, campaignID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := CampaignCounts{}
	for rows.Next() {
		var r conversa.CampaignRecipient
		var n int
		if err := rows.Scan(&r.Status, &r.MessageStatus, &n); err != nil {
			return nil, err
		}
		out[r.Effective()] += n
	}
	return out, rows.Err()
}

// RecentRecipients counts the unique people a channel's campaigns
// attempted since since (the messaging-limit tier's rolling 24 h).
func (s *Store) RecentRecipients(ctx context.Context, companyID, channelID int64, since time.Time) (int, error) {
	var n int
	err := s.r.queryRow(ctx, "SELECT COUNT(DISTINCT wa_key) FROM campaign_recipients WHERE company_id = ? AND channel_id = ? AND attempted_at >= ?",
		companyID, channelID, since).Scan(&n)
	return n, err
}

// PendingWAIDs returns the WhatsApp ids of a campaign's recipients still to
// be sent (the estimate prices them by country).
func (s *Store) PendingWAIDs(ctx context.Context, companyID, campaignID int64) ([]string, error) {
	rows, err := s.r.query(ctx, "SELECT wa_id FROM campaign_recipients WHERE company_id = ? AND campaign_id = ? AND status = ?",
		companyID, campaignID, string(conversa.RecipientPending))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var w string
		if err := rows.Scan(&w); err != nil {
			return nil, err
		}
		out = append(out, w)
	}
	return out, rows.Err()
}

// ExcludedCounts counts a campaign's excluded recipients by reason.
func (s *Store) ExcludedCounts(ctx context.Context, companyID, campaignID int64) (map[string]int, error) {
	rows, err := s.r.query(ctx, "SELECT error, COUNT(*) FROM campaign_recipients WHERE company_id = ? AND campaign_id = ? AND status = ? GROUP BY error",
		companyID, campaignID, string(conversa.RecipientExcluded))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var reason string
		var n int
		if err := rows.Scan(&reason, &n); err != nil {
			return nil, err
		}
		out[reason] = n
	}
	return out, rows.Err()
}

// CampaignInFlight counts recipients attempted since since whose outcome is
// not recorded yet: another node may still be calling Meta for them.
func (s *Store) CampaignInFlight(ctx context.Context, companyID, campaignID int64, since time.Time) (int, error) {
	var n int
	err := s.r.queryRow(ctx, "SELECT COUNT(*) FROM campaign_recipients WHERE company_id = ? AND campaign_id = ? AND status = ? AND attempted_at >= ?",
		companyID, campaignID, string(conversa.RecipientSending), since).Scan(&n)
	return n, err
}
