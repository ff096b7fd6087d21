package auth

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// touchEvery limits last-seen writes to one a minute per session: idle
// expiry is measured in hours, and a write per request would serialise
// every read on SQLite's single writer.
const touchEvery = time.Minute

// Authenticate resolves a session token to its principal. Expired sessions
// (idle or absolute) are deleted and refused; so are deactivated users.
func (s *Service) Authenticate(ctx context.Context, token string) (*Principal, error) {
	if token == "" {
		return nil, errLoginRequired()
	}
	sess, err := s.store.SessionByTokenHash(ctx, hashToken(token))
	if conversa.ErrorCode(err) == conversa.ENOTFOUND {
		return nil, errSessionEnded()
	} else if err != nil {
		return nil, err
	}
	now := s.clock.Now()
	if !now.Before(sess.ExpiresAt) || now.Sub(sess.LastSeenAt) >= s.cfg.IdleTimeout {
		if err := s.store.DeleteSession(ctx, sess.CompanyID, sess.ID); err != nil {
			return nil, err
		}
		return nil, errSessionEnded()
	}
	user, err := s.store.User(ctx, sess.CompanyID, sess.UserID)
	if err != nil {
		return nil, err
	}
	if !user.Active {
		return nil, errSessionEnded()
	}
	company, err := s.store.Company(ctx, sess.CompanyID)
	if err != nil {
		return nil, err
	}
	if now.Sub(sess.LastSeenAt) >= touchEvery {
		if err := s.store.TouchSession(ctx, sess.CompanyID, sess.ID, now); err != nil {
			return nil, err
		}
		sess.LastSeenAt = now
	}
	return &Principal{User: user, Company: company, Session: sess}, nil
}

// Logout ends the principal's session (the cookie and the bearer token are
// the same session, so both stop working).
func (s *Service) Logout(ctx context.Context, p *Principal) error {
	return s.store.DeleteSession(ctx, p.Company.ID, p.Session.ID)
}

// Reauth checks the password again and marks the session fresh for
// step-up; failures count toward the lockout like login failures.
func (s *Service) Reauth(ctx context.Context, p *Principal, password string) error {
	if err := s.confirmPassword(ctx, p, password); err != nil {
		return err
	}
	now := s.clock.Now()
	if err := s.store.SetSessionReauth(ctx, p.Company.ID, p.Session.ID, now); err != nil {
		return err
	}
	p.Session.ReauthAt = &now
	return nil
}

// ChangePassword replaces the principal's password after checking the
// current one, and ends every other session of the user (a stolen session
// dies with the old password).
func (s *Service) ChangePassword(ctx context.Context, p *Principal, current, next string) error {
	if err := conversa.ValidatePassword(next); err != nil {
		return err
	}
	if err := s.confirmPassword(ctx, p, current); err != nil {
		return err
	}
	hash, err := HashPassword(next, s.cfg.Params)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetPasswordHash(ctx, p.Company.ID, p.User.ID, hash); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, p.Company.ID, p.User.ID, p.Session.ID); err != nil {
			return err
		}
		return tx.Audit(ctx, conversa.AuditEntry{CompanyID: p.Company.ID, ActorID: &p.User.ID,
			Action: "user.password_change", Target: userTarget(p.User.ID)})
	})
}

// confirmPassword checks a signed-in user's password under the lockout
// rules of their login identity, so a stolen session can't guess it.
func (s *Service) confirmPassword(ctx context.Context, p *Principal, password string) error {
	if err := s.checkLock(ctx, p.Company.Domain, p.User.Email, p.Session.IP); err != nil {
		return err
	}
	_, hash, err := s.store.UserCredentials(ctx, p.Company.ID, p.User.Email)
	if err != nil {
		return err
	}
	ok, err := VerifyPassword(hash, password)
	if err != nil {
		return err
	}
	if ok {
		return nil
	}
	if err := s.fail(ctx, p.Company.Domain, p.User.Email, p.Session.IP, p.Company.ID, &p.User.ID); conversa.ErrorCode(err) != conversa.EUNAUTHORIZED {
		return err
	}
	return errWrongPassword()
}
