package store

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

const messageColumns = `id, company_id, conversation_id, direction, type, text, payload, status, wamid, author_id,
	error_code, error, error_pt, category, expected_cost, billable, pricing_type, idempotency_key, reply_to,
	media_id, media_mime, media_path, send_state, send_attempts, attempted_at, sent_at, delivered_at, read_at, created_at, retried_by`

func scanMessage(row interface{ Scan(...any) error }) (conversa.Message, error) {
	var m conversa.Message
	var wamid, key sql.NullString
	var payload string
	err := row.Scan(&m.ID, &m.CompanyID, &m.ConversationID, &m.Direction, &m.Type, &m.Text, &payload, &m.Status, &wamid,
		&m.AuthorID, &m.ErrorCode, &m.Error, &m.ErrorPT, &m.Category, &m.ExpectedCost, &m.Billable, &m.PricingType, &key,
		&m.ReplyTo, &m.MediaID, &m.MediaMime, &m.MediaPath, &m.SendState, &m.SendAttempts, &m.AttemptedAt, &m.SentAt,
		&m.DeliveredAt, &m.ReadAt, &m.CreatedAt, &m.RetriedBy)
	m.WAMID, m.IdempotencyKey, m.Payload = wamid.String, key.String, []byte(payload)
	utc(&m.CreatedAt)
	utcOpt(m.AttemptedAt, m.SentAt, m.DeliveredAt, m.ReadAt)
	return m, err
}

// InsertMessage stores a message. When its wamid or idempotency key is
// already stored for the company, nothing is written and inserted is
// false: Meta redelivers webhooks and clients repeat requests.
func (s *Store) InsertMessage(ctx context.Context, m conversa.Message) (_ conversa.Message, inserted bool, err error) {
	now := dbTime(s.now())
	if m.CreatedAt.IsZero() {
		m.CreatedAt = now
	}
	m.CreatedAt = dbTime(m.CreatedAt)
	if len(m.Payload) == 0 {
		m.Payload = []byte("{}")
	}
	err = s.w.queryRow(ctx, `INSERT INTO messages (company_id, conversation_id, direction, type, text, payload, status, wamid,
		author_id, category, expected_cost, idempotency_key, reply_to, media_id, media_mime, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING RETURNING id`,
		m.CompanyID, m.ConversationID, string(m.Direction), m.Type, m.Text, string(m.Payload), string(m.Status),
		nullIfEmpty(m.WAMID), m.AuthorID, string(m.Category), int64(m.ExpectedCost), nullIfEmpty(m.IdempotencyKey),
		m.ReplyTo, m.MediaID, m.MediaMime, m.CreatedAt, now).Scan(&m.ID)
	if errors.Is(err, sql.ErrNoRows) {
		return m, false, nil
	}
	return m, err == nil, err
}

// SaveMessage writes an outbound message's delivery state (status, wamid,
// error, pricing, send bookkeeping, timestamps) and an inbound one's stored
// media file.
func (s *Store) SaveMessage(ctx context.Context, m conversa.Message) error {
	n, err := affected(s.w.exec(ctx, `UPDATE messages SET status = ?, wamid = ?, error_code = ?, error = ?, error_pt = ?,
		billable = ?, pricing_type = ?, media_mime = ?, media_path = ?, send_state = ?, send_attempts = ?, attempted_at = ?,
		sent_at = ?, delivered_at = ?, read_at = ?, updated_at = ? WHERE company_id = ? AND id = ?`,
		string(m.Status), nullIfEmpty(m.WAMID), m.ErrorCode, m.Error, m.ErrorPT, m.Billable, m.PricingType, m.MediaMime,
		m.MediaPath, string(m.SendState), m.SendAttempts, m.AttemptedAt, m.SentAt, m.DeliveredAt, m.ReadAt, s.now(),
		m.CompanyID, m.ID))
	if isUniqueViolation(err) {
		return conversa.Errorf(conversa.ECONFLICT, "Another message already has WhatsApp id %s.", m.WAMID).
			Pt("Outra mensagem já tem o id do WhatsApp %s.", m.WAMID)
	}
	if err == nil && n == 0 {
		return notFound(errNoRows, "Message")
	}
	return err
}

// SetMessageMedia records the attachment of a message stored before its
// file was: an agent's upload (Meta's media id and our copy). Only these
// columns are written, so it never undoes a delivery update made meanwhile.
func (s *Store) SetMessageMedia(ctx context.Context, companyID, id int64, mediaID, mimeType, path string) error {
	n, err := affected(s.w.exec(ctx, "UPDATE messages SET media_id = ?, media_mime = ?, media_path = ?, updated_at = ? WHERE company_id = ? AND id = ?",
		mediaID, mimeType, path, s.now(), companyID, id))
	if err == nil && n == 0 {
		return notFound(errNoRows, "Message")
	}
	return err
}

// Message returns one message of the company.
func (s *Store) Message(ctx context.Context, companyID, id int64) (conversa.Message, error) {
	return s.oneMessage(ctx, s.r, "company_id = ? AND id = ?", companyID, id)
}

// LockMessage is Message read for update, for delivery changes in InTx.
func (s *Store) LockMessage(ctx context.Context, companyID, id int64) (conversa.Message, error) {
	return s.oneMessage(ctx, s.w, "company_id = ? AND id = ?"+s.d.forUpdate(), companyID, id)
}

// LockMessageByWAMID finds a message by Meta's id, locked for update.
func (s *Store) LockMessageByWAMID(ctx context.Context, companyID int64, wamid string) (conversa.Message, error) {
	return s.oneMessage(ctx, s.w, "company_id = ? AND wamid = ?"+s.d.forUpdate(), companyID, wamid)
}

// MessageByIdempotencyKey finds the message a client created with key.
func (s *Store) MessageByIdempotencyKey(ctx context.Context, companyID int64, key string) (conversa.Message, error) {
	return s.oneMessage(ctx, s.r, "company_id = ? AND idempotency_key = ?", companyID, key)
}

func (s *Store) oneMessage(ctx context.Context, c conn, where string, args ...any) (conversa.Message, error) {
	m, err := scanMessage(c.queryRow(ctx, "SELECT "+messageColumns+" FROM messages WHERE "+where, args...))
	return m, notFound(err, "Message")
}

// Messages returns up to limit messages of a conversation older than the
// message beforeID (0 = the newest), oldest first, as a thread shows them.
// MarkRetried records that a failed message was sent again as resend; a
// message is sent again once: a second resend is a conflict.
func (s *Store) MarkRetried(ctx context.Context, companyID, id, resend int64) error {
	n, err := affected(s.w.exec(ctx, "UPDATE messages SET retried_by = ? WHERE company_id = ? AND id = ? AND retried_by IS NULL",
		resend, companyID, id))
	if err == nil && n == 0 {
		err = conversa.Errorf(conversa.ECONFLICT, "This message was already sent again.").Pt("Esta mensagem já foi enviada de novo.")
	}
	return err
}

// LatestInboundWAMID is Meta's id of the conversation's latest customer
// message, "" when the customer never wrote.
func (s *Store) LatestInboundWAMID(ctx context.Context, companyID, conversationID int64) (string, error) {
	var wamid string
	err := s.r.queryRow(ctx, "SELECT wamid FROM messages WHERE company_id = ? AND conversation_id = ? AND direction = ? "+
		"ORDER BY id DESC LIMIT 1", companyID, conversationID, string(conversa.Inbound)).Scan(&wamid)
	if errors.Is(err, errNoRows) {
		return "", nil
	}
	return wamid, err
}

func (s *Store) Messages(ctx context.Context, companyID, conversationID, beforeID int64, limit int) ([]conversa.Message, error) {
	if beforeID <= 0 {
		beforeID = 1<<63 - 1
	}
	out, err := s.queryMessages(ctx, "SELECT "+messageColumns+
		" FROM messages WHERE company_id = ? AND conversation_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
		companyID, conversationID, beforeID, max(1, min(limit, 500)))
	slices.Reverse(out)
	return out, err
}

// StuckSends lists outbound messages left in send state since before
// cutoff, across companies: the reconciliation sweep's system-wide work.
func (s *Store) StuckSends(ctx context.Context, state conversa.SendState, cutoff time.Time, limit int) ([]conversa.Message, error) {
	return s.queryMessages(ctx, "SELECT "+messageColumns+
		" FROM messages WHERE send_state = ? AND attempted_at < ? ORDER BY attempted_at LIMIT ?", string(state), cutoff, limit)
}

func (s *Store) queryMessages(ctx context.Context, q string, args ...any) ([]conversa.Message, error) {
	rows, err := s.r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.Message
	for rows.Next() {
		m, err := scanMessage(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// ParkStatus keeps a status webhook whose message is not known yet (its
// wamid is not recorded) until TakeParkedStatuses finds it.
func (s *Store) ParkStatus(ctx context.Context, companyID, channelID int64, wamid string, payload []byte) error {
	_, err := s.w.exec(ctx, "INSERT INTO parked_statuses (company_id, channel_id, wamid, payload, received_at) VALUES (?, ?, ?, ?, ?)",
		companyID, channelID, wamid, string(payload), s.now())
	return err
}

// TakeParkedStatuses removes and returns the statuses parked for wamid.
func (s *Store) TakeParkedStatuses(ctx context.Context, companyID int64, wamid string) ([][]byte, error) {
	rows, err := s.w.query(ctx, "DELETE FROM parked_statuses WHERE company_id = ? AND wamid = ? RETURNING payload", companyID, wamid)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out [][]byte
	for rows.Next() {
		var p string
		if err := rows.Scan(&p); err != nil {
			return nil, err
		}
		out = append(out, []byte(p))
	}
	return out, rows.Err()
}

// PurgeParkedStatuses drops statuses parked before cutoff whose message
// never appeared (sent by another tool on the same number), system-wide.
func (s *Store) PurgeParkedStatuses(ctx context.Context, cutoff time.Time) (int64, error) {
	return affected(s.w.exec(ctx, "DELETE FROM parked_statuses WHERE received_at < ?", cutoff))
}
