package store

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

const sessionColumns = "id, company_id, user_id, created_at, last_seen_at, expires_at, reauth_at, user_agent, ip"

func scanSession(row interface{ Scan(...any) error }) (conversa.Session, error) {
	var s conversa.Session
	err := row.Scan(&s.ID, &s.CompanyID, &s.UserID, &s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt, &s.ReauthAt, &s.UserAgent, &s.IP)
	utc(&s.CreatedAt, &s.LastSeenAt, &s.ExpiresAt)
	if s.ReauthAt != nil {
		utc(s.ReauthAt)
	}
	return s, err
}

// CreateSession stores a session under the hash of its token (the token
// itself is never stored, so a database leak yields no usable session).
func (s *Store) CreateSession(ctx context.Context, sess conversa.Session, tokenHash string) (conversa.Session, error) {
	sess.CreatedAt, sess.LastSeenAt, sess.ExpiresAt = dbTime(sess.CreatedAt), dbTime(sess.LastSeenAt), dbTime(sess.ExpiresAt)
	if sess.ReauthAt != nil {
		t := dbTime(*sess.ReauthAt)
		sess.ReauthAt = &t
	}
	id, err := s.w.insert(ctx, `INSERT INTO sessions (token_hash, company_id, user_id, created_at, last_seen_at, expires_at, reauth_at, user_agent, ip)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, tokenHash, sess.CompanyID, sess.UserID, sess.CreatedAt, sess.LastSeenAt,
		sess.ExpiresAt, sess.ReauthAt, sess.UserAgent, sess.IP)
	sess.ID = id
	return sess, err
}

// SessionByTokenHash finds a session by its token hash. Unscoped by
// design: the token is what tells which company the caller belongs to.
func (s *Store) SessionByTokenHash(ctx context.Context, tokenHash string) (conversa.Session, error) {
	sess, err := scanSession(s.r.queryRow(ctx, "SELECT "+sessionColumns+" FROM sessions WHERE token_hash = ?", tokenHash))
	return sess, notFound(err, "Session")
}

// TouchSession records activity on a session (idle expiry counts from it).
func (s *Store) TouchSession(ctx context.Context, companyID, id int64, at time.Time) error {
	_, err := s.w.exec(ctx, "UPDATE sessions SET last_seen_at = ? WHERE company_id = ? AND id = ?", at, companyID, id)
	return err
}

// SetSessionReauth records a successful step-up password check.
func (s *Store) SetSessionReauth(ctx context.Context, companyID, id int64, at time.Time) error {
	n, err := affected(s.w.exec(ctx, "UPDATE sessions SET reauth_at = ?, last_seen_at = ? WHERE company_id = ? AND id = ?", at, at, companyID, id))
	if err == nil && n == 0 {
		err = notFound(errNoRows, "Session")
	}
	return err
}

// DeleteSession ends one session (logout).
func (s *Store) DeleteSession(ctx context.Context, companyID, id int64) error {
	_, err := s.w.exec(ctx, "DELETE FROM sessions WHERE company_id = ? AND id = ?", companyID, id)
	return err
}

// DeleteUserSessions ends every session of a user except keepID (0 keeps
// none): after a password change or deactivation.
func (s *Store) DeleteUserSessions(ctx context.Context, companyID, userID, keepID int64) error {
	_, err := s.w.exec(ctx, "DELETE FROM sessions WHERE company_id = ? AND user_id = ? AND id <> ?", companyID, userID, keepID)
	return err
}

// PurgeExpiredSessions deletes, across all companies, sessions past their
// absolute expiry or idle longer than idle. It is system maintenance run by
// the job queue, hence unscoped.
func (s *Store) PurgeExpiredSessions(ctx context.Context, now time.Time, idle time.Duration) (int64, error) {
	return affected(s.w.exec(ctx, "DELETE FROM sessions WHERE expires_at <= ? OR last_seen_at <= ?", now, now.Add(-idle)))
}
