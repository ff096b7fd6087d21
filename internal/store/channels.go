package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// Sealer encrypts channel credentials at rest (internal/secrets.Box).
type Sealer interface {
	Seal(plain, context string) (string, error)
	Open(sealed, context string) (string, error)
}

// SetSealer sets how channel credentials are encrypted; without one the
// store refuses to save credentials rather than keep them in clear.
func (s *Store) SetSealer(x Sealer) { s.sealer = x }

// channelSecrets is the sealed part of a channel's configuration.
type channelSecrets struct {
	AccessToken string `json:"access_token,omitempty"`
	AppSecret   string `json:"app_secret,omitempty"`
	VerifyToken string `json:"verify_token,omitempty"`
}

const channelColumns = "id, company_id, group_id, type, name, status, config, secrets, created_at"

// VerifyTokenHash is how verify tokens are indexed: the GET handshake
// finds the channel by its token without keeping the token in clear.
func VerifyTokenHash(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// secretsContext binds sealed credentials to their channel row.
func secretsContext(companyID, channelID int64) string {
	return fmt.Sprintf("company:%d:channel:%d", companyID, channelID)
}

func (s *Store) scanChannel(row interface{ Scan(...any) error }) (conversa.Channel, error) {
	var ch conversa.Channel
	var config, sealed string
	if err := row.Scan(&ch.ID, &ch.CompanyID, &ch.GroupID, &ch.Type, &ch.Name, &ch.Status, &config, &sealed, &ch.CreatedAt); err != nil {
		return ch, err
	}
	utc(&ch.CreatedAt)
	if ch.Type != conversa.ChannelWABA {
		return ch, nil
	}
	ch.WABA = &conversa.WABAConfig{}
	if err := json.Unmarshal([]byte(config), ch.WABA); err != nil {
		return ch, fmt.Errorf("store: channel %d config: %w", ch.ID, err)
	}
	return ch, s.openSecrets(&ch, sealed)
}

func (s *Store) openSecrets(ch *conversa.Channel, sealed string) error {
	if sealed == "" {
		return nil
	}
	if s.sealer == nil {
		return fmt.Errorf("store: channel %d has sealed credentials but no sealer is set", ch.ID)
	}
	plain, err := s.sealer.Open(sealed, secretsContext(ch.CompanyID, ch.ID))
	if err != nil {
		return fmt.Errorf("store: channel %d credentials: %w", ch.ID, err)
	}
	var sec channelSecrets
	if err := json.Unmarshal([]byte(plain), &sec); err != nil {
		return err
	}
	ch.WABA.AccessToken, ch.WABA.AppSecret, ch.WABA.VerifyToken = sec.AccessToken, sec.AppSecret, sec.VerifyToken
	return nil
}

// CreateChannel inserts a channel within the company's licence (counting
// channels that are not disconnected). A phone number already live in any
// channel is a conflict.
func (s *Store) CreateChannel(ctx context.Context, ch conversa.Channel) (conversa.Channel, error) {
	err := s.InTx(ctx, func(tx *Store) error {
		c, err := tx.lockCompany(ctx, ch.CompanyID)
		if err != nil {
			return err
		}
		used, err := tx.countChannels(ctx, ch.CompanyID)
		if err != nil {
			return err
		}
		if err := conversa.CheckLicence(conversa.LicenceChannels, used, c.MaxChannels); err != nil {
			return err
		}
		if _, err := tx.Group(ctx, ch.CompanyID, ch.GroupID); err != nil {
			return err
		}
		now := dbTime(tx.now())
		ch.CreatedAt = now
		id, err := tx.w.insert(ctx, `INSERT INTO channels (company_id, group_id, type, name, status, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)`, ch.CompanyID, ch.GroupID, string(ch.Type), ch.Name, string(ch.Status), now, now)
		if err != nil {
			return err
		}
		ch.ID = id
		return tx.saveChannelConfig(ctx, ch)
	})
	return ch, err
}

// UpdateChannel saves a channel's name, status and configuration
// (credentials included, sealed).
func (s *Store) UpdateChannel(ctx context.Context, ch conversa.Channel) error {
	return s.InTx(ctx, func(tx *Store) error {
		n, err := affected(tx.w.exec(ctx, "UPDATE channels SET name = ?, status = ?, updated_at = ? WHERE company_id = ? AND id = ?",
			ch.Name, string(ch.Status), tx.now(), ch.CompanyID, ch.ID))
		if err != nil {
			return err
		}
		if n == 0 {
			return notFound(errNoRows, "Channel")
		}
		return tx.saveChannelConfig(ctx, ch)
	})
}

// saveChannelConfig writes config, sealed secrets and routing columns.
func (s *Store) saveChannelConfig(ctx context.Context, ch conversa.Channel) error {
	if ch.WABA == nil {
		return nil
	}
	config, err := json.Marshal(ch.WABA)
	if err != nil {
		return err
	}
	sec := channelSecrets{ch.WABA.AccessToken, ch.WABA.AppSecret, ch.WABA.VerifyToken}
	sealed := ""
	if sec != (channelSecrets{}) {
		if s.sealer == nil {
			return fmt.Errorf("store: no sealer set: refusing to store channel credentials in clear")
		}
		plain, _ := json.Marshal(sec)
		if sealed, err = s.sealer.Seal(string(plain), secretsContext(ch.CompanyID, ch.ID)); err != nil {
			return err
		}
	}
	var verifyHash any
	if sec.VerifyToken != "" {
		verifyHash = VerifyTokenHash(sec.VerifyToken)
	}
	_, err = s.w.exec(ctx, `UPDATE channels SET config = ?, secrets = ?, phone_number_id = ?, waba_id = ?, verify_token_hash = ?
		WHERE company_id = ? AND id = ?`, string(config), sealed, nullIfEmpty(ch.WABA.PhoneNumberID), nullIfEmpty(ch.WABA.WABAID),
		verifyHash, ch.CompanyID, ch.ID)
	if isUniqueViolation(err) {
		return conversa.Errorf(conversa.ECONFLICT, "Phone number %s is already connected to a channel.", ch.WABA.PhoneNumberID).
			Pt("O número %s já está conectado a um canal.", ch.WABA.PhoneNumberID)
	}
	return err
}

func nullIfEmpty(s string) any {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	return s
}

// Channel returns one channel of the company, credentials opened.
func (s *Store) Channel(ctx context.Context, companyID, id int64) (conversa.Channel, error) {
	ch, err := s.scanChannel(s.r.queryRow(ctx, "SELECT "+channelColumns+" FROM channels WHERE company_id = ? AND id = ?", companyID, id))
	return ch, notFound(err, "Channel")
}

// Channels lists the company's channels, oldest first.
func (s *Store) Channels(ctx context.Context, companyID int64) ([]conversa.Channel, error) {
	return s.queryChannels(ctx, "SELECT "+channelColumns+" FROM channels WHERE company_id = ? ORDER BY id", companyID)
}

// ChannelByPhoneNumberID finds the live channel of a business number. It is
// unscoped on purpose: Meta's webhooks name only the number, and the
// channel found decides the company from then on.
func (s *Store) ChannelByPhoneNumberID(ctx context.Context, phoneNumberID string) (conversa.Channel, error) {
	ch, err := s.scanChannel(s.r.queryRow(ctx, "SELECT "+channelColumns+
		" FROM channels WHERE phone_number_id = ? AND status <> 'disconnected'", phoneNumberID))
	return ch, notFound(err, "Channel")
}

// ChannelsByWABAID finds the live channels of a business account, for
// account-level webhooks (template reviews, account updates). Unscoped like
// ChannelByPhoneNumberID.
func (s *Store) ChannelsByWABAID(ctx context.Context, wabaID string) ([]conversa.Channel, error) {
	return s.queryChannels(ctx, "SELECT "+channelColumns+
		" FROM channels WHERE waba_id = ? AND status <> 'disconnected' ORDER BY id", wabaID)
}

// ChannelsByVerifyToken finds live channels whose verify token is token,
// for Meta's GET verification handshake. Unscoped like the lookups above.
func (s *Store) ChannelsByVerifyToken(ctx context.Context, token string) ([]conversa.Channel, error) {
	return s.queryChannels(ctx, "SELECT "+channelColumns+
		" FROM channels WHERE verify_token_hash = ? AND status <> 'disconnected' ORDER BY id", VerifyTokenHash(token))
}

func (s *Store) queryChannels(ctx context.Context, q string, args ...any) ([]conversa.Channel, error) {
	rows, err := s.r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.Channel
	for rows.Next() {
		ch, err := s.scanChannel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, ch)
	}
	return out, rows.Err()
}

// countChannels counts the channels that take a licence seat.
func (s *Store) countChannels(ctx context.Context, companyID int64) (int, error) {
	var n int
	err := s.r.queryRow(ctx, "SELECT COUNT(*) FROM channels WHERE company_id = ? AND status <> 'disconnected'", companyID).Scan(&n)
	return n, err
}

// ModifyChannel runs fn on the locked channel and saves it, so concurrent
// writers (an account webhook, a readiness refresh, an admin's rename)
// never lose each other's changes. When fn fails nothing is saved.
func (s *Store) ModifyChannel(ctx context.Context, companyID, id int64, fn func(*conversa.Channel) error) (conversa.Channel, error) {
	var ch conversa.Channel
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		ch, err = tx.scanChannel(tx.w.queryRow(ctx, "SELECT "+channelColumns+
			" FROM channels WHERE company_id = ? AND id = ?"+tx.d.forUpdate(), companyID, id))
		if err = notFound(err, "Channel"); err != nil {
			return err
		}
		before := ch.GroupID
		if err := fn(&ch); err != nil {
			return err
		}
		if ch.GroupID != before {
			if err := tx.moveChannel(ctx, ch); err != nil {
				return err
			}
		}
		return tx.UpdateChannel(ctx, ch)
	})
	return ch, err
}

// moveChannel puts a channel in another group of the same company.
func (s *Store) moveChannel(ctx context.Context, ch conversa.Channel) error {
	if _, err := s.Group(ctx, ch.CompanyID, ch.GroupID); err != nil {
		return err
	}
	_, err := s.w.exec(ctx, "UPDATE channels SET group_id = ? WHERE company_id = ? AND id = ?", ch.GroupID, ch.CompanyID, ch.ID)
	return err
}

// DeleteChannel removes a channel that never connected (a manual connection
// whose webhook subscription failed), freeing its licence seat and number.
// Channels that were ever connected are disconnected instead, keeping history.
func (s *Store) DeleteChannel(ctx context.Context, companyID, id int64) error {
	n, err := affected(s.w.exec(ctx, "DELETE FROM channels WHERE company_id = ? AND id = ? AND status = 'pending'", companyID, id))
	if err == nil && n == 0 {
		return notFound(errNoRows, "Channel")
	}
	return err
}
