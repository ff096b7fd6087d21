package store

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

const contactColumns = "id, company_id, channel_id, wa_id, phone, name, opted_out_at, created_at"

func scanContact(row interface{ Scan(...any) error }) (conversa.Contact, error) {
	var x contactScan
	err := row.Scan(x.dest()...)
	return x.contact(), err
}

// UpsertContact finds the contact of c.ChannelID whose canonical WhatsApp id
// matches c.WAID, creating it when missing. The stored wa_id becomes c.WAID
// (the form Meta used last, which sends go to) and a non-empty c.Name
// replaces the stored one, so profile renames show up.
func (s *Store) UpsertContact(ctx context.Context, c conversa.Contact) (conversa.Contact, error) {
	key := conversa.CanonicalWAID(c.WAID)
	if c.Phone == "" {
		c.Phone = "+" + key
	}
	now := s.now()
	var id int64
	err := s.w.queryRow(ctx, `INSERT INTO contacts (company_id, channel_id, wa_key, wa_id, phone, name, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (channel_id, wa_key) DO UPDATE SET wa_id = excluded.wa_id, updated_at = excluded.updated_at,
			name = CASE WHEN excluded.name <> '' THEN excluded.name ELSE contacts.name END
		RETURNING id`, c.CompanyID, c.ChannelID, key, c.WAID, c.Phone, c.Name, now, now).Scan(&id)
	if err != nil {
		return c, err
	}
	return s.Contact(ctx, c.CompanyID, id)
}

// Contact returns one contact of the company.
func (s *Store) Contact(ctx context.Context, companyID, id int64) (conversa.Contact, error) {
	c, err := scanContact(s.r.queryRow(ctx, "SELECT "+contactColumns+" FROM contacts WHERE company_id = ? AND id = ?", companyID, id))
	return c, notFound(err, "Contact")
}

// ContactByWAID finds a channel's contact by either form of its WhatsApp id.
func (s *Store) ContactByWAID(ctx context.Context, companyID, channelID int64, waID string) (conversa.Contact, error) {
	c, err := scanContact(s.r.queryRow(ctx, "SELECT "+contactColumns+" FROM contacts WHERE company_id = ? AND channel_id = ? AND wa_key = ?",
		companyID, channelID, conversa.CanonicalWAID(waID)))
	return c, notFound(err, "Contact")
}

// SetContactOptedOut records a marketing opt-out; the first one is kept.
func (s *Store) SetContactOptedOut(ctx context.Context, companyID, id int64, at time.Time) error {
	_, err := s.w.exec(ctx, "UPDATE contacts SET opted_out_at = ?, updated_at = ? WHERE company_id = ? AND id = ? AND opted_out_at IS NULL",
		at, s.now(), companyID, id)
	return err
}

// ClearContactOptOut opts a contact back in to marketing (a person's
// decision, audited by the caller); the opt-out time is forgotten.
func (s *Store) ClearContactOptOut(ctx context.Context, companyID, id int64) error {
	n, err := affected(s.w.exec(ctx, "UPDATE contacts SET opted_out_at = NULL, updated_at = ? WHERE company_id = ? AND id = ?",
		s.now(), companyID, id))
	if err == nil && n == 0 {
		return notFound(errNoRows, "Contact")
	}
	return err
}

// SetContactWAID records the WhatsApp id Meta resolved a send to (Brazilian
// numbers may gain or lose the ninth digit).
func (s *Store) SetContactWAID(ctx context.Context, companyID, id int64, waID string) error {
	_, err := s.w.exec(ctx, "UPDATE contacts SET wa_id = ?, updated_at = ? WHERE company_id = ? AND id = ? AND wa_key = ?",
		waID, s.now(), companyID, id, conversa.CanonicalWAID(waID))
	return err
}

// utcOpt is utc for nullable times.
func utcOpt(ts ...*time.Time) {
	for _, t := range ts {
		if t != nil {
			*t = t.UTC()
		}
	}
}
