package store

import (
	"context"
	"fmt"

	"github.com/conversa/conversa/internal/conversa"
)

const userColumns = "id, company_id, email, name, role, active, created_at"

func scanUser(row interface{ Scan(...any) error }, extra ...any) (conversa.User, error) {
	var u conversa.User
	dest := append([]any{&u.ID, &u.CompanyID, &u.Email, &u.Name, &u.Role, &u.Active, &u.CreatedAt}, extra...)
	err := row.Scan(dest...)
	utc(&u.CreatedAt)
	return u, err
}

// CreateUser validates and inserts a user with an already hashed password.
// An active agent past the company's licence is refused with
// licence_exceeded; a duplicate e-mail in the company is a conflict.
func (s *Store) CreateUser(ctx context.Context, u conversa.User, passwordHash string) (conversa.User, error) {
	if err := u.Validate(); err != nil {
		return u, err
	}
	err := s.InTx(ctx, func(tx *Store) error {
		if err := tx.checkAgentSeat(ctx, u.CompanyID, u); err != nil {
			return err
		}
		u.CreatedAt = dbTime(tx.now())
		id, err := tx.w.insert(ctx, `INSERT INTO users (company_id, email, name, role, password_hash, active, created_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, u.CompanyID, u.Email, u.Name, string(u.Role), passwordHash, u.Active, u.CreatedAt)
		if isUniqueViolation(err) {
			return conversa.Errorf(conversa.ECONFLICT, "A user with e-mail %s already exists.", u.Email).
				Pt("Já existe um usuário com o e-mail %s.", u.Email)
		}
		u.ID = id
		return err
	})
	return u, err
}

// checkAgentSeat refuses u when it would take an agent seat the licence
// lacks. It locks the company row, so call it inside a transaction.
func (s *Store) checkAgentSeat(ctx context.Context, companyID int64, u conversa.User) error {
	if !conversa.CountsAsAgent(u) {
		return nil
	}
	c, err := s.lockCompany(ctx, companyID)
	if err != nil {
		return err
	}
	used, err := s.countAgents(ctx, companyID)
	if err != nil {
		return err
	}
	return conversa.CheckLicence(conversa.LicenceAgents, used, c.MaxAgents)
}

// countAgents counts the users that take an agent seat (see
// conversa.CountsAsAgent; keep the two in step).
func (s *Store) countAgents(ctx context.Context, companyID int64) (int, error) {
	var n int
	err := s.r.queryRow(ctx, "SELECT COUNT(*) FROM users WHERE company_id = ? AND active = ? AND role = ?",
		companyID, true, string(conversa.RoleAgent)).Scan(&n)
	return n, err
}

// User returns one user of the company.
func (s *Store) User(ctx context.Context, companyID, id int64) (conversa.User, error) {
	u, err := scanUser(s.r.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE company_id = ? AND id = ?", companyID, id))
	return u, notFound(err, "User")
}

// UserCredentials returns a user by e-mail with the password hash, for
// login and password checks.
func (s *Store) UserCredentials(ctx context.Context, companyID int64, email string) (conversa.User, string, error) {
	var hash string
	u, err := scanUser(s.r.queryRow(ctx, "SELECT "+userColumns+", password_hash FROM users WHERE company_id = ? AND email = ?",
		companyID, conversa.NormalizeEmail(email)), &hash)
	return u, hash, notFound(err, "User")
}

// Users lists the company's users by name.
func (s *Store) Users(ctx context.Context, companyID int64) ([]conversa.User, error) {
	rows, err := s.r.query(ctx, "SELECT "+userColumns+" FROM users WHERE company_id = ? ORDER BY name, id", companyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.User
	for rows.Next() {
		u, err := scanUser(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, u)
	}
	return out, rows.Err()
}

// UserPatch holds the fields an admin may change; nil leaves one as it is.
type UserPatch struct {
	Name   *string
	Role   *conversa.Role
	Active *bool
}

// UpdateUser applies p to a user of the company. It keeps the licence (a
// user who starts taking an agent seat needs a free one) and keeps at least
// one active admin, so a company can't lock itself out. A deactivated user's
// sessions end at once.
func (s *Store) UpdateUser(ctx context.Context, companyID, id int64, p UserPatch) (conversa.User, error) {
	var u conversa.User
	err := s.InTx(ctx, func(tx *Store) error {
		before, err := scanUser(tx.w.queryRow(ctx, "SELECT "+userColumns+" FROM users WHERE company_id = ? AND id = ?"+tx.d.forUpdate(), companyID, id))
		if err != nil {
			return notFound(err, "User")
		}
		u = before
		if p.Name != nil {
			u.Name = *p.Name
		}
		if p.Role != nil {
			u.Role = *p.Role
		}
		if p.Active != nil {
			u.Active = *p.Active
		}
		if err := u.Validate(); err != nil {
			return err
		}
		if !conversa.CountsAsAgent(before) {
			if err := tx.checkAgentSeat(ctx, companyID, u); err != nil {
				return err
			}
		}
		if err := tx.keepAnAdmin(ctx, before, u); err != nil {
			return err
		}
		if _, err := tx.w.exec(ctx, "UPDATE users SET name = ?, role = ?, active = ? WHERE company_id = ? AND id = ?",
			u.Name, string(u.Role), u.Active, companyID, id); err != nil {
			return err
		}
		if !u.Active && before.Active {
			return tx.deactivated(ctx, companyID, id)
		}
		return nil
	})
	return u, err
}

// deactivated ends a user's sessions, takes them out of round-robin and
// returns their unresolved conversations to their groups' queues, where
// colleagues (and the next customer message's round-robin) pick them up.
func (s *Store) deactivated(ctx context.Context, companyID, id int64) error {
	if err := s.DeleteUserSessions(ctx, companyID, id, 0); err != nil {
		return err
	}
	if _, err := s.w.exec(ctx, "UPDATE users SET available = ? WHERE company_id = ? AND id = ?", false, companyID, id); err != nil {
		return err
	}
	_, err := s.w.exec(ctx, "UPDATE conversations SET assignee_id = NULL, updated_at = ? WHERE company_id = ? AND assignee_id = ? AND status <> ?",
		s.now(), companyID, id, string(conversa.ConversationResolved))
	return err
}

func isActiveAdmin(u conversa.User) bool { return u.Active && u.Role == conversa.RoleAdmin }

func (s *Store) keepAnAdmin(ctx context.Context, before, after conversa.User) error {
	if !isActiveAdmin(before) || isActiveAdmin(after) {
		return nil
	}
	var others int
	if err := s.w.queryRow(ctx, "SELECT COUNT(*) FROM users WHERE company_id = ? AND id <> ? AND active = ? AND role = ?",
		before.CompanyID, before.ID, true, string(conversa.RoleAdmin)).Scan(&others); err != nil {
		return err
	}
	if others == 0 {
		return conversa.Errorf(conversa.ECONFLICT, "The company needs at least one active admin.").
			Pt("A empresa precisa de pelo menos um admin ativo.")
	}
	return nil
}

// SetPasswordHash replaces a user's password hash.
func (s *Store) SetPasswordHash(ctx context.Context, companyID, userID int64, hash string) error {
	n, err := affected(s.w.exec(ctx, "UPDATE users SET password_hash = ? WHERE company_id = ? AND id = ?", hash, companyID, userID))
	if err != nil {
		return fmt.Errorf("store: set password: %w", err)
	}
	if n == 0 {
		return notFound(errNoRows, "User")
	}
	return nil
}
