// Package auth owns who the caller is and what they may do: argon2id
// passwords, sessions (cookie for browsers, bearer token for scripts),
// lockout after repeated failures, step-up re-authentication, RBAC helpers,
// and the account use cases that must hash a password and write the audit
// log in one transaction.
package auth

import (
	"context"
	"fmt"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Config tunes sessions and lockout; zero fields take the defaults.
type Config struct {
	IdleTimeout     time.Duration // a session unused this long ends (default 12 h: a long shift)
	AbsoluteTimeout time.Duration // a session ends this long after login regardless (default 7 days)
	StepUp          time.Duration // how long a reauth stays fresh (default 5 min)
	LockoutFailures int           // failures from one address within LockoutWindow that lock it out (default 5)
	// LockoutAnyIP failures from anywhere lock the identity for everyone
	// (default 10 × LockoutFailures): one attacker cannot lock a known
	// admin out from elsewhere, a spread-out guessing campaign still stops.
	LockoutAnyIP  int
	LockoutWindow time.Duration // default 15 min
	LockoutFor    time.Duration // how long the lock lasts after the last failure (default 15 min)
	SecureCookies bool          // mark cookies Secure even without TLS here (TLS ends at a proxy)
	Params        Params        // argon2id cost for new hashes (default DefaultParams)
}

func (c Config) withDefaults() Config {
	def := func(d *time.Duration, v time.Duration) {
		if *d == 0 {
			*d = v
		}
	}
	def(&c.IdleTimeout, 12*time.Hour)
	def(&c.AbsoluteTimeout, 7*24*time.Hour)
	def(&c.StepUp, 5*time.Minute)
	def(&c.LockoutWindow, 15*time.Minute)
	def(&c.LockoutFor, 15*time.Minute)
	if c.LockoutFailures == 0 {
		c.LockoutFailures = 5
	}
	if c.LockoutAnyIP == 0 {
		c.LockoutAnyIP = 10 * c.LockoutFailures
	}
	if c.Params == (Params{}) {
		c.Params = DefaultParams
	}
	return c
}

// Service runs authentication against the store.
type Service struct {
	store *store.Store
	clock conversa.Clock
	cfg   Config
	decoy string // a hash verified when the user doesn't exist, so timing tells nothing
}

// New returns a Service.
func New(st *store.Store, clock conversa.Clock, cfg Config) (*Service, error) {
	cfg = cfg.withDefaults()
	decoy, err := HashPassword("decoy password", cfg.Params)
	if err != nil {
		return nil, err
	}
	return &Service{store: st, clock: clock, cfg: cfg, decoy: decoy}, nil
}

// WithStore returns the service working on st, typically the transaction's
// Store inside store.InTx, so several account use cases commit or roll
// back together (the demo seed creates a company and its users at once).
func (s *Service) WithStore(st *store.Store) *Service {
	c := *s
	c.store = st
	return &c
}

// Config returns the effective configuration.
func (s *Service) Config() Config { return s.cfg }

// Now is the service's clock.
func (s *Service) Now() time.Time { return s.clock.Now() }

// StepUpMaxAge is how long a reauth stays fresh.
func (s *Service) StepUpMaxAge() time.Duration { return s.cfg.StepUp }

func errBadCredentials() error {
	return conversa.Errorf(conversa.EUNAUTHORIZED, "Wrong domain, e-mail or password.").
		Pt("Domínio, e-mail ou senha incorretos.")
}

func errWrongPassword() error {
	return conversa.Errorf(conversa.EUNAUTHORIZED, "Wrong password.").Pt("Senha incorreta.")
}

func errSessionEnded() error {
	return conversa.Errorf(conversa.EUNAUTHORIZED, "Your session has ended. Log in again.").
		Pt("Sua sessão terminou. Entre novamente.")
}

// LoginInput is what a person types at login, plus where they come from.
type LoginInput struct {
	Domain, Email, Password string
	UserAgent, IP           string
}

// LoginResult is a new session and whom it belongs to. Token is shown once.
type LoginResult struct {
	Token   string
	Session conversa.Session
	User    conversa.User
	Company conversa.Company
}

// Login checks domain + e-mail + password and opens a session. Every
// failure looks the same to the caller (unauthorized), whichever part was
// wrong; a locked identity gets locked whether or not the account exists.
func (s *Service) Login(ctx context.Context, in LoginInput) (LoginResult, error) {
	in.Domain, in.Email = conversa.NormalizeDomain(in.Domain), conversa.NormalizeEmail(in.Email)
	if err := s.checkLock(ctx, in.Domain, in.Email, in.IP); err != nil {
		return LoginResult{}, err
	}
	company, user, ok, err := s.verifyLogin(ctx, in)
	if err != nil {
		return LoginResult{}, err
	}
	if !ok {
		var uid *int64
		if user.ID != 0 {
			uid = &user.ID
		}
		return LoginResult{}, s.fail(ctx, in.Domain, in.Email, in.IP, company.ID, uid)
	}
	if err := s.store.ClearLoginFailures(ctx, in.Domain, in.Email); err != nil {
		return LoginResult{}, err
	}
	now := s.clock.Now()
	token, hash, err := newToken()
	if err != nil {
		return LoginResult{}, err
	}
	sess := conversa.Session{CompanyID: company.ID, UserID: user.ID, CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(s.cfg.AbsoluteTimeout), UserAgent: truncate(in.UserAgent, 300), IP: in.IP}
	err = s.store.InTx(ctx, func(tx *store.Store) error {
		if sess, err = tx.CreateSession(ctx, sess, hash); err != nil {
			return err
		}
		return tx.Audit(ctx, conversa.AuditEntry{CompanyID: company.ID, ActorID: &user.ID, Action: "auth.login",
			Target: userTarget(user.ID), Detail: map[string]any{"ip": in.IP}})
	})
	return LoginResult{Token: token, Session: sess, User: user, Company: company}, err
}

// verifyLogin returns ok when the company, an active user and the password
// all match. It always spends one argon2 verification, so response time
// does not reveal which part was wrong.
func (s *Service) verifyLogin(ctx context.Context, in LoginInput) (conversa.Company, conversa.User, bool, error) {
	hash := s.decoy
	company, err := s.store.CompanyByDomain(ctx, in.Domain)
	var user conversa.User
	if err == nil {
		var h string
		user, h, err = s.store.UserCredentials(ctx, company.ID, in.Email)
		if err == nil {
			hash = h
		}
	}
	if err != nil && conversa.ErrorCode(err) != conversa.ENOTFOUND {
		return company, user, false, err
	}
	match, verr := VerifyPassword(hash, in.Password)
	if verr != nil {
		return company, user, false, fmt.Errorf("auth: user %d: %w", user.ID, verr)
	}
	return company, user, err == nil && match && user.Active, nil
}

// checkLock refuses an identity that failed too often recently from ip
// (LockoutFailures), or from anywhere (LockoutAnyIP): that many failures
// fell within LockoutWindow and the newest is less than LockoutFor ago.
// Attempts while locked are not recorded, so a lock ends LockoutFor after
// the last real failure.
func (s *Service) checkLock(ctx context.Context, domain, email, ip string) error {
	for _, by := range []struct {
		ip    string
		limit int
	}{{ip, s.cfg.LockoutFailures}, {"", s.cfg.LockoutAnyIP}} {
		if err := s.lockedBy(ctx, domain, email, by.ip, by.limit); err != nil {
			return err
		}
	}
	return nil
}

func (s *Service) lockedBy(ctx context.Context, domain, email, ip string, limit int) error {
	now := s.clock.Now()
	fails, err := s.store.RecentLoginFailures(ctx, domain, email, ip, now.Add(-s.cfg.LockoutWindow-s.cfg.LockoutFor), limit)
	if err != nil || len(fails) < limit {
		return err
	}
	newest, oldest := fails[0], fails[len(fails)-1]
	if newest.Sub(oldest) > s.cfg.LockoutWindow || !now.Before(newest.Add(s.cfg.LockoutFor)) {
		return nil
	}
	mins := int(newest.Add(s.cfg.LockoutFor).Sub(now).Minutes()) + 1
	return conversa.Errorf(conversa.ELOCKED, "Too many failed attempts. Try again in %d minute(s).", mins).
		Pt("Muitas tentativas sem sucesso. Tente novamente em %d minuto(s).", mins)
}

// fail records a failed attempt and returns the error to show. When this
// failure locks a real account, the lock is written to its company's
// audit log.
func (s *Service) fail(ctx context.Context, domain, email, ip string, companyID int64, userID *int64) error {
	if err := s.store.RecordLoginFailure(ctx, domain, email, ip, s.clock.Now()); err != nil {
		return err
	}
	switch err := s.checkLock(ctx, domain, email, ip); {
	case err == nil:
		return errBadCredentials()
	case conversa.ErrorCode(err) != conversa.ELOCKED:
		return err
	}
	// This failure locked the identity. It still answers "wrong
	// credentials"; the next attempt answers "locked".
	if userID != nil {
		if err := s.store.Audit(ctx, conversa.AuditEntry{CompanyID: companyID, Action: "auth.locked", Target: userTarget(*userID),
			Detail: map[string]any{"ip": ip, "failures": s.cfg.LockoutFailures}}); err != nil {
			return err
		}
	}
	return errBadCredentials()
}

func userTarget(id int64) string { return fmt.Sprintf("user:%d", id) }

func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n]
	}
	return s
}
