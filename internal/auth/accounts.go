package auth

import (
	"context"
	"fmt"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// The account use cases below hash a password and write the audit log in
// the same transaction as the change, so the HTTP API and the command line
// share one path and nothing is half-written.

// CreateCompany creates a company and its first admin.
func (s *Service) CreateCompany(ctx context.Context, c conversa.Company, admin conversa.User, password string) (conversa.Company, conversa.User, error) {
	admin.Role, admin.Active = conversa.RoleAdmin, true
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if c, err = tx.CreateCompany(ctx, c); err != nil {
			return err
		}
		admin.CompanyID = c.ID
		if admin, err = s.createUser(ctx, tx, admin, password); err != nil {
			return err
		}
		return tx.Audit(ctx, conversa.AuditEntry{CompanyID: c.ID, Action: "company.create", Target: fmt.Sprintf("company:%d", c.ID),
			Detail: map[string]any{"domain": c.Domain, "max_channels": c.MaxChannels, "max_agents": c.MaxAgents}})
	})
	return c, admin, err
}

// CreateUser adds a user to u.CompanyID; actor is nil for the command line.
func (s *Service) CreateUser(ctx context.Context, actor *int64, u conversa.User, password string) (conversa.User, error) {
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if u, err = s.createUser(ctx, tx, u, password); err != nil {
			return err
		}
		return tx.Audit(ctx, conversa.AuditEntry{CompanyID: u.CompanyID, ActorID: actor, Action: "user.create",
			Target: userTarget(u.ID), Detail: map[string]any{"email": u.Email, "role": string(u.Role), "active": u.Active}})
	})
	return u, err
}

func (s *Service) createUser(ctx context.Context, tx *store.Store, u conversa.User, password string) (conversa.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	if err := conversa.ValidatePassword(password); err != nil {
		return u, err
	}
	hash, err := HashPassword(password, s.cfg.Params)
	if err != nil {
		return u, err
	}
	return tx.CreateUser(ctx, u, hash)
}

// UpdateUser applies an admin's change to a user and audits it.
func (s *Service) UpdateUser(ctx context.Context, actor *int64, companyID, id int64, p store.UserPatch) (conversa.User, error) {
	var u conversa.User
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if u, err = tx.UpdateUser(ctx, companyID, id, p); err != nil {
			return err
		}
		return tx.Audit(ctx, conversa.AuditEntry{CompanyID: companyID, ActorID: actor, Action: "user.update",
			Target: userTarget(id), Detail: map[string]any{"name": u.Name, "role": string(u.Role), "active": u.Active}})
	})
	return u, err
}

// ResetPassword sets a user's password without the current one (admin or
// command line) and ends all their sessions.
func (s *Service) ResetPassword(ctx context.Context, actor *int64, companyID, userID int64, password string) error {
	if err := conversa.ValidatePassword(password); err != nil {
		return err
	}
	hash, err := HashPassword(password, s.cfg.Params)
	if err != nil {
		return err
	}
	return s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetPasswordHash(ctx, companyID, userID, hash); err != nil {
			return err
		}
		if err := tx.DeleteUserSessions(ctx, companyID, userID, 0); err != nil {
			return err
		}
		return tx.Audit(ctx, conversa.AuditEntry{CompanyID: companyID, ActorID: actor, Action: "user.password_reset", Target: userTarget(userID)})
	})
}
