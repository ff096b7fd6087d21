package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"

	"github.com/conversa/conversa/internal/conversa"
)

const onboardingColumns = `id, company_id, user_id, group_id, channel_name, step, business_id, waba_id, waba_name,
	display_name, phone_number_id, display_phone_number, code_method, code_requests, failed_attempts,
	code_requested_at, registered, channel_id, signup_code_hash, last_error, secrets, created_at, updated_at`

// onboardingContext binds an onboarding's sealed token to its row.
func onboardingContext(companyID, id int64) string {
	return fmt.Sprintf("company:%d:onboarding:%d", companyID, id)
}

// CreateOnboarding starts a guided connection in a group of the company.
func (s *Store) CreateOnboarding(ctx context.Context, o conversa.Onboarding) (conversa.Onboarding, error) {
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.Group(ctx, o.CompanyID, o.GroupID); err != nil {
			return err
		}
		now := dbTime(tx.now())
		o.CreatedAt, o.UpdatedAt = now, now
		id, err := tx.w.insert(ctx, `INSERT INTO onboardings (company_id, user_id, group_id, channel_name, step, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, o.CompanyID, nullIfZero(o.UserID), o.GroupID, o.ChannelName, string(o.Step), now, now)
		o.ID = id
		return err
	})
	return o, err
}

// Onboarding returns one onboarding of the company, token opened.
func (s *Store) Onboarding(ctx context.Context, companyID, id int64) (conversa.Onboarding, error) {
	o, err := s.scanOnboarding(s.r.queryRow(ctx, "SELECT "+onboardingColumns+" FROM onboardings WHERE company_id = ? AND id = ?", companyID, id))
	return o, notFound(err, "Onboarding")
}

// Onboardings lists the company's onboardings, newest first.
func (s *Store) Onboardings(ctx context.Context, companyID int64) ([]conversa.Onboarding, error) {
	rows, err := s.r.query(ctx, "SELECT "+onboardingColumns+" FROM onboardings WHERE company_id = ? ORDER BY id DESC", companyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.Onboarding
	for rows.Next() {
		o, err := s.scanOnboarding(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// ModifyOnboarding runs fn on the locked row and saves what it changed, so
// two browser tabs driving the same onboarding never interleave a step.
// When fn fails nothing is saved.
func (s *Store) ModifyOnboarding(ctx context.Context, companyID, id int64, fn func(*conversa.Onboarding) error) (conversa.Onboarding, error) {
	var o conversa.Onboarding
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		o, err = tx.scanOnboarding(tx.w.queryRow(ctx, "SELECT "+onboardingColumns+
			" FROM onboardings WHERE company_id = ? AND id = ?"+tx.d.forUpdate(), companyID, id))
		if err = notFound(err, "Onboarding"); err != nil {
			return err
		}
		if err := fn(&o); err != nil {
			return err
		}
		return tx.saveOnboarding(ctx, &o)
	})
	return o, err
}

// SaveOnboarding writes an onboarding's state (used to record a failed
// step's error, which ModifyOnboarding would roll back).
func (s *Store) SaveOnboarding(ctx context.Context, o *conversa.Onboarding) error {
	return s.saveOnboarding(ctx, o)
}

func (s *Store) saveOnboarding(ctx context.Context, o *conversa.Onboarding) error {
	sealed, err := s.sealOnboarding(o)
	if err != nil {
		return err
	}
	lastErr := ""
	if o.LastError != nil {
		b, _ := json.Marshal(o.LastError)
		lastErr = string(b)
	}
	o.UpdatedAt = dbTime(s.now())
	n, err := affected(s.w.exec(ctx, `UPDATE onboardings SET step = ?, business_id = ?, waba_id = ?, waba_name = ?,
		display_name = ?, phone_number_id = ?, display_phone_number = ?, code_method = ?, code_requests = ?,
		failed_attempts = ?, code_requested_at = ?, registered = ?, channel_id = ?, signup_code_hash = ?,
		last_error = ?, secrets = ?, updated_at = ? WHERE company_id = ? AND id = ?`,
		string(o.Step), o.BusinessID, o.WABAID, o.WABAName, o.DisplayName, o.PhoneNumberID, o.DisplayPhoneNumber,
		o.CodeMethod, o.CodeRequests, o.FailedAttempts, o.CodeRequestedAt, o.Registered, o.ChannelID,
		o.SignupCodeHash, lastErr, sealed, o.UpdatedAt, o.CompanyID, o.ID))
	if err == nil && n == 0 {
		return notFound(errNoRows, "Onboarding")
	}
	return err
}

// nullIfZero stores "no user" (the command line, the system) as NULL.
func nullIfZero(id int64) any {
	if id == 0 {
		return nil
	}
	return id
}

func (s *Store) sealOnboarding(o *conversa.Onboarding) (string, error) {
	if o.AccessToken == "" {
		return "", nil
	}
	if s.sealer == nil {
		return "", fmt.Errorf("store: no sealer set: refusing to store an access token in clear")
	}
	return s.sealer.Seal(o.AccessToken, onboardingContext(o.CompanyID, o.ID))
}

func (s *Store) scanOnboarding(row interface{ Scan(...any) error }) (conversa.Onboarding, error) {
	var o conversa.Onboarding
	var userID sql.NullInt64 // NULL once the admin who started it is deleted
	var step, lastErr, sealed string
	err := row.Scan(&o.ID, &o.CompanyID, &userID, &o.GroupID, &o.ChannelName, &step, &o.BusinessID, &o.WABAID, &o.WABAName,
		&o.DisplayName, &o.PhoneNumberID, &o.DisplayPhoneNumber, &o.CodeMethod, &o.CodeRequests, &o.FailedAttempts,
		&o.CodeRequestedAt, &o.Registered, &o.ChannelID, &o.SignupCodeHash, &lastErr, &sealed, &o.CreatedAt, &o.UpdatedAt)
	if err != nil {
		return o, err
	}
	o.Step, o.UserID = conversa.OnboardingStep(step), userID.Int64
	if o.CodeRequestedAt != nil {
		utc(o.CodeRequestedAt)
	}
	utc(&o.CreatedAt, &o.UpdatedAt)
	if lastErr != "" {
		o.LastError = &conversa.Error{}
		if err := json.Unmarshal([]byte(lastErr), o.LastError); err != nil {
			return o, fmt.Errorf("store: onboarding %d last error: %w", o.ID, err)
		}
	}
	return o, s.openOnboarding(&o, sealed)
}

func (s *Store) openOnboarding(o *conversa.Onboarding, sealed string) error {
	if sealed == "" {
		return nil
	}
	if s.sealer == nil {
		return fmt.Errorf("store: onboarding %d has a sealed token but no sealer is set", o.ID)
	}
	tok, err := s.sealer.Open(sealed, onboardingContext(o.CompanyID, o.ID))
	if err != nil {
		return fmt.Errorf("store: onboarding %d token: %w", o.ID, err)
	}
	o.AccessToken = tok
	return nil
}
