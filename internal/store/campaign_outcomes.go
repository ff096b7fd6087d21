package store

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// CampaignOutcome is what Meta answered for one attempt.
type CampaignOutcome struct {
	CompanyID, RecipientID, MessageID int64
	WAMID                             string     // accepted
	Retry                             *time.Time // refused for now: pending again from then on
	Ambiguous                         bool       // outcome unknown: reconciling, never sent again blindly
	ErrorCode                         int        // failed (with Error) when WAMID is "" and Retry nil
	Error, ErrorPT                    string
}

// SettleCampaignAttempts records a batch of outcomes (inside InTx) with a
// few statements per company and kind of outcome. It never moves a message
// backwards: a status webhook may already have settled it.
func (s *Store) SettleCampaignAttempts(ctx context.Context, outs []CampaignOutcome) error {
	byCompany := map[int64][]CampaignOutcome{}
	for _, o := range outs {
		byCompany[o.CompanyID] = append(byCompany[o.CompanyID], o)
	}
	for _, outs := range byCompany {
		for start := 0; start < len(outs); start += insertChunk {
			if err := s.settleChunk(ctx, outs[start:min(start+insertChunk, len(outs))]); err != nil {
				return err
			}
		}
	}
	return nil
}

// settleChunk settles one company's outcomes.
func (s *Store) settleChunk(ctx context.Context, outs []CampaignOutcome) error {
	var accepted, retry, ambiguous []CampaignOutcome
	for _, o := range outs {
		var err error
		switch {
		case o.Ambiguous:
			ambiguous = append(ambiguous, o)
		case o.WAMID != "":
			accepted = append(accepted, o)
		case o.Retry != nil:
			retry = append(retry, o)
		default: // failures are rare (a burst of them pauses the campaign): one by one
			err = s.settleFailed(ctx, o)
		}
		if err != nil {
			return err
		}
	}
	if err := s.settleAccepted(ctx, accepted); err != nil {
		return err
	}
	if err := s.settleRetry(ctx, retry); err != nil {
		return err
	}
	// The recipient stays sending; a status webhook or the sweep settles the message.
	return s.releaseMessages(ctx, ambiguous, conversa.SendReconciling)
}

// settleAccepted records the wamids and moves queued messages to accepted.
func (s *Store) settleAccepted(ctx context.Context, outs []CampaignOutcome) error {
	if len(outs) == 0 {
		return nil
	}
	args := make([]any, 0, 2+2*len(outs))
	args = append(args, s.now())
	for _, o := range outs {
		args = append(args, o.MessageID, o.WAMID)
	}
	if _, err := s.w.exec(ctx, `UPDATE messages SET wamid = COALESCE(messages.wamid, v.column2), send_state = '', updated_at = ?,
		status = CASE WHEN messages.status = 'queued' THEN 'accepted' ELSE messages.status END
		FROM `+s.d.valuesTable(len(outs), "BIGINT", "TEXT")+" WHERE messages.id = v.column1 AND "+byIDOfCompany,
		append(args, outs[0].CompanyID)...); err != nil {
		return err
	}
	list, ids := outcomeIDs(outs, recipientID)
	_, err := s.w.exec(ctx, "UPDATE campaign_recipients SET status = ?, not_before = NULL, error_code = 0, error = '' WHERE company_id = ? AND id IN ("+list+")",
		append([]any{string(conversa.RecipientAccepted), outs[0].CompanyID}, ids...)...)
	return err
}

// settleRetry hands recipients back as pending from their own not_before.
func (s *Store) settleRetry(ctx context.Context, outs []CampaignOutcome) error {
	if err := s.releaseMessages(ctx, outs, ""); err != nil || len(outs) == 0 {
		return err
	}
	args := make([]any, 0, 2+2*len(outs))
	args = append(args, string(conversa.RecipientPending))
	for _, o := range outs {
		args = append(args, o.RecipientID, o.Retry)
	}
	_, err := s.w.exec(ctx, "UPDATE campaign_recipients SET status = ?, not_before = v.column2, error_code = 0, error = '' FROM "+
		s.d.valuesTable(len(outs), "BIGINT", "TIMESTAMPTZ")+" WHERE campaign_recipients.id = v.column1 AND "+byIDOfCompany,
		append(args, outs[0].CompanyID)...)
	return err
}

// releaseMessages ends the attempt of messages still attempting, leaving
// send_state to (empty: not in flight; reconciling: outcome unknown).
func (s *Store) releaseMessages(ctx context.Context, outs []CampaignOutcome, to conversa.SendState) error {
	if len(outs) == 0 {
		return nil
	}
	list, ids := outcomeIDs(outs, messageID)
	_, err := s.w.exec(ctx, "UPDATE messages SET send_state = ?, updated_at = ? WHERE "+byIDOfCompany+" AND send_state = ? AND id IN ("+list+")",
		append([]any{string(to), s.now(), outs[0].CompanyID, string(conversa.SendAttempting)}, ids...)...)
	return err
}

// settleFailed records Meta's refusal on the message (if still queued)
// and the recipient.
func (s *Store) settleFailed(ctx context.Context, o CampaignOutcome) error {
	_, err := s.w.exec(ctx, `UPDATE messages SET send_state = '', status = 'failed', error_code = ?, error = ?, error_pt = ?, updated_at = ?
		WHERE company_id = ? AND id = ? AND status = 'queued'`, o.ErrorCode, o.Error, o.ErrorPT, s.now(), o.CompanyID, o.MessageID)
	if err == nil {
		_, err = s.w.exec(ctx, "UPDATE campaign_recipients SET status = ?, not_before = NULL, error_code = ?, error = ? WHERE company_id = ? AND id = ?",
			string(conversa.RecipientFailed), o.ErrorCode, o.Error, o.CompanyID, o.RecipientID)
	}
	return err
}

// byIDOfCompany scopes an UPDATE of rows picked by id to a company. The
// unary + keeps SQLite (which has no statistics) from reading every row of
// the company through a company_id index instead of the listed ids by
// primary key; PostgreSQL reads it as the plain column.
const byIDOfCompany = "+company_id = ?"

func messageID(o CampaignOutcome) int64   { return o.MessageID }
func recipientID(o CampaignOutcome) int64 { return o.RecipientID }

// outcomeIDs is inList over one id of each outcome.
func outcomeIDs(outs []CampaignOutcome, id func(CampaignOutcome) int64) (string, []any) {
	ids := make([]int64, len(outs))
	for i, o := range outs {
		ids[i] = id(o)
	}
	return inList(ids)
}
