package store

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Failed logins are keyed by the identity typed at login (domain + e-mail),
// whether or not it exists, so lockout behaves the same for real and
// made-up accounts.

// RecordLoginFailure notes one failed login.
func (s *Store) RecordLoginFailure(ctx context.Context, domain, email, ip string, at time.Time) error {
	_, err := s.w.exec(ctx, "INSERT INTO login_failures (domain, email, ip, at) VALUES (?, ?, ?, ?)",
		conversa.NormalizeDomain(domain), conversa.NormalizeEmail(email), ip, at)
	return err
}

// RecentLoginFailures returns the times of the newest failures for an
// identity since a time, from ip ("" = from anywhere), newest first, at
// most limit.
func (s *Store) RecentLoginFailures(ctx context.Context, domain, email, ip string, since time.Time, limit int) ([]time.Time, error) {
	rows, err := s.r.query(ctx, "SELECT at FROM login_failures WHERE domain = ? AND email = ? AND (? = '' OR ip = ?) AND at > ? ORDER BY at DESC LIMIT ?",
		conversa.NormalizeDomain(domain), conversa.NormalizeEmail(email), ip, ip, since, limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []time.Time
	for rows.Next() {
		var t time.Time
		if err := rows.Scan(&t); err != nil {
			return nil, err
		}
		out = append(out, t.UTC())
	}
	return out, rows.Err()
}

// ClearLoginFailures forgets an identity's failures after a good login.
func (s *Store) ClearLoginFailures(ctx context.Context, domain, email string) error {
	_, err := s.w.exec(ctx, "DELETE FROM login_failures WHERE domain = ? AND email = ?",
		conversa.NormalizeDomain(domain), conversa.NormalizeEmail(email))
	return err
}

// PurgeLoginFailures deletes, across all companies, failures older than
// before (system maintenance run by the job queue).
func (s *Store) PurgeLoginFailures(ctx context.Context, before time.Time) (int64, error) {
	return affected(s.w.exec(ctx, "DELETE FROM login_failures WHERE at < ?", before))
}
