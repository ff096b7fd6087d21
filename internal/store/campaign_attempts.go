package store

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Recording attempts a batch at a time: a handful of multi-row statements
// per batch instead of four per recipient, because statement count (parse,
// round trip, SQLite's per-statement journal) is what bounds the send rate.
// Every statement keys its rows by something unique within the batch
// (contact wa_key, conversation contact_id, message conversation_id), so
// neither database has to return RETURNING rows in VALUES order.

// CampaignAttempt is what the engine records for one recipient before
// calling Meta: the contact, its conversation and the queued message.
type CampaignAttempt struct {
	Recipient   conversa.CampaignRecipient
	Message     conversa.Message // outbound, queued; ConversationID is filled in
	SkipOptedIn bool             // true: opted-out contacts are excluded (marketing)
}

// BeginCampaignAttempts records a batch of attempts (inside InTx, one
// campaign's recipients, so every wa_key is distinct): it upserts the
// contacts, finds or opens their conversations, stores the messages with
// send_state attempting (or re-arms the message of an earlier refused try)
// and marks the recipients sending. Opted-out contacts of a marketing
// campaign are marked excluded instead. It returns the recorded attempts
// (Recipient and Message filled in) and how many were excluded.
func (s *Store) BeginCampaignAttempts(ctx context.Context, as []CampaignAttempt) (recorded []CampaignAttempt, excluded int, err error) {
	for start := 0; start < len(as); start += insertChunk {
		chunk := as[start:min(start+insertChunk, len(as))]
		got, n, err := s.beginAttempts(ctx, chunk)
		if err != nil {
			return nil, 0, err
		}
		recorded, excluded = append(recorded, got...), excluded+n
	}
	return recorded, excluded, nil
}

func (s *Store) beginAttempts(ctx context.Context, as []CampaignAttempt) ([]CampaignAttempt, int, error) {
	now := s.now()
	contacts, err := s.upsertAttemptContacts(ctx, as, now)
	if err != nil {
		return nil, 0, err
	}
	var keep []CampaignAttempt
	var out []int64
	for _, a := range as {
		c := contacts[a.Recipient.WAKey]
		if c.optedOut && a.SkipOptedIn {
			out = append(out, a.Recipient.ID)
			continue
		}
		a.Message.ConversationID = c.id // contact id for now; the conversation replaces it
		keep = append(keep, a)
	}
	if err := s.excludeRecipients(ctx, out, "opted_out"); err != nil || len(keep) == 0 {
		return nil, len(out), err
	}
	if err := s.openAttemptConversations(ctx, keep, now); err != nil {
		return nil, 0, err
	}
	if err := s.storeAttemptMessages(ctx, keep, now); err != nil {
		return nil, 0, err
	}
	return keep, len(out), s.markRecipientsSending(ctx, keep, now)
}

type attemptContact struct {
	id       int64
	optedOut bool
}

// upsertAttemptContacts creates or touches the batch's contacts, by wa_key.
func (s *Store) upsertAttemptContacts(ctx context.Context, as []CampaignAttempt, now time.Time) (map[string]attemptContact, error) {
	args := make([]any, 0, len(as)*8)
	for _, a := range as {
		r := a.Recipient
		args = append(args, r.CompanyID, r.ChannelID, r.WAKey, r.WAID, "+"+r.WAID, r.Name, now, now)
	}
	rows, err := s.w.query(ctx, `INSERT INTO contacts (company_id, channel_id, wa_key, wa_id, phone, name, created_at, updated_at)
		VALUES `+valuesList(8, len(as))+` ON CONFLICT (channel_id, wa_key) DO UPDATE SET updated_at = excluded.updated_at
		RETURNING wa_key, id, opted_out_at`, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := make(map[string]attemptContact, len(as))
	for rows.Next() {
		var key string
		var c attemptContact
		var optedOut *time.Time
		if err := rows.Scan(&key, &c.id, &optedOut); err != nil {
			return nil, err
		}
		c.optedOut = optedOut != nil
		out[key] = c
	}
	return out, checkBatch(rows.Err(), len(out), len(as), "contacts")
}

// excludeRecipients marks recipients excluded for reason.
func (s *Store) excludeRecipients(ctx context.Context, ids []int64, reason string) error {
	if len(ids) == 0 {
		return nil
	}
	list, args := inList(ids)
	_, err := s.w.exec(ctx, "UPDATE campaign_recipients SET status = ?, error = ? WHERE id IN ("+list+")",
		append([]any{string(conversa.RecipientExcluded), reason}, args...)...)
	return err
}

// openAttemptConversations finds or opens each contact's active
// conversation; Message.ConversationID holds the contact id on the way in
// and the conversation id on the way out.
func (s *Store) openAttemptConversations(ctx context.Context, as []CampaignAttempt, now time.Time) error {
	args := make([]any, 0, len(as)*8)
	for _, a := range as {
		r := a.Recipient
		args = append(args, r.CompanyID, r.ChannelID, a.Message.ConversationID, string(conversa.ConversationPending),
			string(a.Message.Category), now, now, now)
	}
	byContact, err := s.idPairs(ctx, `INSERT INTO conversations (company_id, channel_id, contact_id, status, origin, last_message_at, created_at, updated_at)
		VALUES `+valuesList(8, len(as))+` ON CONFLICT (contact_id) WHERE status <> 'resolved'
		DO UPDATE SET last_message_at = excluded.last_message_at, updated_at = excluded.updated_at RETURNING contact_id, id`, args...)
	if err = checkBatch(err, len(byContact), len(as), "conversations"); err != nil {
		return err
	}
	for i := range as {
		as[i].Message.ConversationID = byContact[as[i].Message.ConversationID]
	}
	return nil
}

// storeAttemptMessages inserts the new messages and re-arms the ones of
// earlier refused tries (send_attempts counts every try).
func (s *Store) storeAttemptMessages(ctx context.Context, as []CampaignAttempt, now time.Time) error {
	var fresh, rearm []*CampaignAttempt
	for i := range as {
		if id := as[i].Recipient.MessageID; id != nil {
			as[i].Message.ID = *id
			rearm = append(rearm, &as[i])
		} else {
			fresh = append(fresh, &as[i])
		}
	}
	if err := s.rearmMessages(ctx, rearm, now); err != nil {
		return err
	}
	return s.insertAttemptMessages(ctx, fresh, now)
}

// rearmMessages marks the messages of earlier refused tries attempting again.
func (s *Store) rearmMessages(ctx context.Context, as []*CampaignAttempt, now time.Time) error {
	if len(as) == 0 {
		return nil
	}
	ids := make([]int64, len(as))
	for i, a := range as {
		ids[i] = a.Message.ID
	}
	list, args := inList(ids)
	_, err := s.w.exec(ctx, `UPDATE messages SET send_state = ?, send_attempts = send_attempts + 1, attempted_at = ?, updated_at = ?
		WHERE `+byIDOfCompany+` AND id IN (`+list+")", append([]any{string(conversa.SendAttempting), now, now, as[0].Message.CompanyID}, args...)...)
	return err
}

// insertAttemptMessages inserts queued/attempting messages, matched back
// by conversation (one per recipient).
func (s *Store) insertAttemptMessages(ctx context.Context, as []*CampaignAttempt, now time.Time) error {
	if len(as) == 0 {
		return nil
	}
	args := make([]any, 0, len(as)*13)
	for _, a := range as {
		m := a.Message
		args = append(args, m.CompanyID, m.ConversationID, string(conversa.Outbound), m.Type, m.Text, string(m.Payload),
			string(conversa.StatusQueued), string(m.Category), int64(m.ExpectedCost), string(conversa.SendAttempting), now, now, now)
	}
	tuple := "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?)"
	byConv, err := s.idPairs(ctx, `INSERT INTO messages (company_id, conversation_id, direction, type, text, payload, status,
		category, expected_cost, send_state, send_attempts, attempted_at, created_at, updated_at)
		VALUES `+strings.TrimSuffix(strings.Repeat(tuple+", ", len(as)), ", ")+" RETURNING conversation_id, id", args...)
	if err = checkBatch(err, len(byConv), len(as), "messages"); err != nil {
		return err
	}
	for _, a := range as {
		a.Message.ID = byConv[a.Message.ConversationID]
	}
	return nil
}

// markRecipientsSending links each recipient to its message and
// conversation and marks it sending, in one statement.
func (s *Store) markRecipientsSending(ctx context.Context, as []CampaignAttempt, now time.Time) error {
	args := make([]any, 0, 2+3*len(as))
	args = append(args, string(conversa.RecipientSending), now)
	for i := range as {
		a := &as[i]
		args = append(args, a.Recipient.ID, a.Message.ID, a.Message.ConversationID)
		a.Recipient.Status, a.Recipient.AttemptedAt = conversa.RecipientSending, &now
		a.Recipient.MessageID, a.Recipient.ConversationID = &a.Message.ID, &a.Message.ConversationID
	}
	_, err := s.w.exec(ctx, "UPDATE campaign_recipients SET status = ?, attempted_at = ?, message_id = v.column2, conversation_id = v.column3 FROM "+
		s.d.valuesTable(len(as), "BIGINT", "BIGINT", "BIGINT")+" WHERE campaign_recipients.id = v.column1", args...)
	return err
}

// idPairs runs a statement returning (key, id) rows.
func (s *Store) idPairs(ctx context.Context, q string, args ...any) (map[int64]int64, error) {
	rows, err := s.w.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[int64]int64{}
	for rows.Next() {
		var k, id int64
		if err := rows.Scan(&k, &id); err != nil {
			return nil, err
		}
		out[k] = id
	}
	return out, rows.Err()
}

// checkBatch refuses a batch whose rows did not come back one per input:
// linking them by key would otherwise go wrong silently. Rolling back the
// transaction leaves every recipient pending.
func checkBatch(err error, got, want int, what string) error {
	if err == nil && got != want {
		err = fmt.Errorf("store: campaign batch: %d %s for %d recipients", got, what, want)
	}
	return err
}
