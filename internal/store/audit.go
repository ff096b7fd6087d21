package store

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/conversa/conversa/internal/conversa"
)

// Audit appends an entry to the company's audit log, stamped now.
func (s *Store) Audit(ctx context.Context, e conversa.AuditEntry) error {
	detail := []byte("{}")
	if len(e.Detail) > 0 {
		var err error
		if detail, err = json.Marshal(e.Detail); err != nil {
			return fmt.Errorf("store: audit detail: %w", err)
		}
	}
	_, err := s.w.exec(ctx, "INSERT INTO audit_log (company_id, actor_id, action, target, detail, at) VALUES (?, ?, ?, ?, ?, ?)",
		e.CompanyID, e.ActorID, e.Action, e.Target, string(detail), s.now())
	return err
}

// AuditLog lists the company's audit entries newest first, at most limit,
// older than beforeID when beforeID > 0 (keyset paging).
func (s *Store) AuditLog(ctx context.Context, companyID, beforeID int64, limit int) ([]conversa.AuditEntry, error) {
	q := "SELECT id, company_id, actor_id, action, target, detail, at FROM audit_log WHERE company_id = ?"
	args := []any{companyID}
	if beforeID > 0 {
		q += " AND id < ?"
		args = append(args, beforeID)
	}
	rows, err := s.r.query(ctx, q+" ORDER BY id DESC LIMIT ?", append(args, limit)...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.AuditEntry
	for rows.Next() {
		var e conversa.AuditEntry
		var detail []byte
		if err := rows.Scan(&e.ID, &e.CompanyID, &e.ActorID, &e.Action, &e.Target, &detail, &e.At); err != nil {
			return nil, err
		}
		utc(&e.At)
		if err := json.Unmarshal(detail, &e.Detail); err != nil {
			return nil, fmt.Errorf("store: audit %d detail: %w", e.ID, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}
