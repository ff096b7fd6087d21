package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
)

// Company settings: columns of companies that the Company type leaves out
// because only the feature that uses them reads them.

// OptOutKeywords returns the company's own opt-out keywords; custom is
// false (and words nil) while it uses Conversa's defaults.
func (s *Store) OptOutKeywords(ctx context.Context, companyID int64) (words []string, custom bool, err error) {
	var raw sql.NullString
	err = s.r.queryRow(ctx, "SELECT opt_out_keywords FROM companies WHERE id = ?", companyID).Scan(&raw)
	if err != nil || !raw.Valid {
		return nil, false, notFound(err, "Company")
	}
	if err := json.Unmarshal([]byte(raw.String), &words); err != nil {
		return nil, false, fmt.Errorf("store: company %d opt-out keywords: %w", companyID, err)
	}
	return words, true, nil
}

// SetOptOutKeywords stores the company's opt-out keywords (validated by
// the caller); nil goes back to Conversa's defaults.
func (s *Store) SetOptOutKeywords(ctx context.Context, companyID int64, words []string) error {
	var raw *string
	if words != nil {
		b, err := json.Marshal(words)
		if err != nil {
			return err
		}
		v := string(b)
		raw = &v
	}
	n, err := affected(s.w.exec(ctx, "UPDATE companies SET opt_out_keywords = ? WHERE id = ?", raw, companyID))
	if err == nil && n == 0 {
		return notFound(errNoRows, "Company")
	}
	return err
}
