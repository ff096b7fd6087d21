package store

import (
	"context"

	"github.com/conversa/conversa/internal/conversa"
)

// PriceTable returns the company's price table. A company that never
// edited one gets conversa.DefaultPriceTable, saved as its own copy at
// that moment so later edits of the defaults in code never change prices
// a company already sees.
func (s *Store) PriceTable(ctx context.Context, companyID int64) (conversa.PriceTable, error) {
	t, err := s.readPrices(ctx, s.r, companyID)
	if err != nil || len(t.Rates) > 0 {
		return t, err
	}
	err = s.InTx(ctx, func(tx *Store) error {
		if t, err = tx.readPrices(ctx, tx.w, companyID); err != nil || len(t.Rates) > 0 {
			return err // another request seeded it first
		}
		t = conversa.DefaultPriceTable()
		return tx.writePrices(ctx, companyID, t)
	})
	return t, err
}

// SetPriceTable replaces the company's price table after validating it.
func (s *Store) SetPriceTable(ctx context.Context, companyID int64, t conversa.PriceTable) error {
	if err := t.Validate(); err != nil {
		return err
	}
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.lockCompany(ctx, companyID); err != nil {
			return err
		}
		if _, err := tx.w.exec(ctx, "DELETE FROM price_rates WHERE company_id = ?", companyID); err != nil {
			return err
		}
		return tx.writePrices(ctx, companyID, t)
	})
}

func (s *Store) readPrices(ctx context.Context, c conn, companyID int64) (conversa.PriceTable, error) {
	t := conversa.PriceTable{Currency: conversa.PriceCurrency, Rates: map[string]conversa.Rates{}}
	rows, err := c.query(ctx, "SELECT region, currency, marketing, utility, authentication FROM price_rates WHERE company_id = ?", companyID)
	if err != nil {
		return t, err
	}
	defer rows.Close()
	for rows.Next() {
		var region string
		var r conversa.Rates
		if err := rows.Scan(&region, &t.Currency, &r.Marketing, &r.Utility, &r.Authentication); err != nil {
			return t, err
		}
		t.Rates[region] = r
	}
	return t, rows.Err()
}

func (s *Store) writePrices(ctx context.Context, companyID int64, t conversa.PriceTable) error {
	now := s.now()
	for _, region := range t.Regions() {
		r := t.Rates[region]
		_, err := s.w.exec(ctx, `INSERT INTO price_rates (company_id, region, currency, marketing, utility, authentication, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (company_id, region) DO NOTHING`,
			companyID, region, t.Currency, int64(r.Marketing), int64(r.Utility), int64(r.Authentication), now)
		if err != nil {
			return err
		}
	}
	return nil
}
