package store

import (
	"context"
	"encoding/json"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// insertChunk bounds the rows of one multi-row INSERT: well under both
// databases' parameter limits (SQLite 32766, PostgreSQL 65535).
const insertChunk = 500

// CreateContactList stores a list and its members in one transaction.
func (s *Store) CreateContactList(ctx context.Context, l conversa.ContactList, members []conversa.ListMember) (conversa.ContactList, error) {
	cols, _ := json.Marshal(l.Columns)
	rej, _ := json.Marshal(l.Rejected)
	l.Members, l.CreatedAt = len(members), dbTime(s.now())
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		l.ID, err = tx.w.insert(ctx, "INSERT INTO contact_lists (company_id, name, columns, members, rejected, created_at) VALUES (?, ?, ?, ?, ?, ?)",
			l.CompanyID, l.Name, string(cols), l.Members, string(rej), l.CreatedAt)
		if err != nil {
			return err
		}
		return insertRows(ctx, tx.w, "contact_list_members (company_id, list_id, wa_key, phone, name, variables, tags)", 7, len(members),
			func(i int) []any {
				m := members[i]
				vars, _ := json.Marshal(m.Variables)
				return []any{l.CompanyID, l.ID, m.WAKey, m.Phone, m.Name, string(vars), strings.Join(m.Tags, ",")}
			})
	})
	return l, err
}

// insertRows inserts n rows of width values each with multi-row INSERTs of
// insertChunk rows: one round trip per chunk instead of per row.
func insertRows(ctx context.Context, c conn, table string, width, n int, row func(i int) []any) error {
	for start := 0; start < n; start += insertChunk {
		end := min(start+insertChunk, n)
		var b strings.Builder
		b.WriteString("INSERT INTO " + table + " VALUES ")
		args := make([]any, 0, (end-start)*width)
		tuple := "(" + strings.TrimSuffix(strings.Repeat("?, ", width), ", ") + ")"
		for i := start; i < end; i++ {
			if i > start {
				b.WriteString(", ")
			}
			b.WriteString(tuple)
			args = append(args, row(i)...)
		}
		if _, err := c.exec(ctx, b.String(), args...); err != nil {
			return err
		}
	}
	return nil
}

const listColumns = "id, company_id, name, columns, members, rejected, created_at"

func scanList(row interface{ Scan(...any) error }) (conversa.ContactList, error) {
	var l conversa.ContactList
	var cols, rej string
	err := row.Scan(&l.ID, &l.CompanyID, &l.Name, &cols, &l.Members, &rej, &l.CreatedAt)
	if err == nil {
		_ = json.Unmarshal([]byte(cols), &l.Columns)
		_ = json.Unmarshal([]byte(rej), &l.Rejected)
		utc(&l.CreatedAt)
	}
	return l, err
}

// ContactList returns one list of the company (with its rejected rows).
func (s *Store) ContactList(ctx context.Context, companyID, id int64) (conversa.ContactList, error) {
	l, err := scanList(s.r.queryRow(ctx, "SELECT "+listColumns+" FROM contact_lists WHERE company_id = ? AND id = ?", companyID, id))
	return l, notFound(err, "Contact list")
}

// ContactLists returns the company's lists, newest first.
func (s *Store) ContactLists(ctx context.Context, companyID int64) ([]conversa.ContactList, error) {
	rows, err := s.r.query(ctx, "SELECT "+listColumns+" FROM contact_lists WHERE company_id = ? ORDER BY id DESC LIMIT 200", companyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.ContactList
	for rows.Next() {
		l, err := scanList(rows)
		if err != nil {
			return nil, err
		}
		l.Rejected = nil // the list view shows counts only
		out = append(out, l)
	}
	return out, rows.Err()
}

// ListMembers returns every member of a list, in import order.
func (s *Store) ListMembers(ctx context.Context, companyID, listID int64) ([]conversa.ListMember, error) {
	return s.ListMembersHead(ctx, companyID, listID, 0)
}

// ListMembersHead returns the first n members of a list (all when n <= 0),
// so a screen can preview a list without loading all of it.
func (s *Store) ListMembersHead(ctx context.Context, companyID, listID int64, n int) ([]conversa.ListMember, error) {
	q := "SELECT id, wa_key, phone, name, variables, tags FROM contact_list_members WHERE company_id = ? AND list_id = ? ORDER BY id"
	args := []any{companyID, listID}
	if n > 0 {
		q, args = q+" LIMIT ?", append(args, n)
	}
	rows, err := s.r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.ListMember
	for rows.Next() {
		var m conversa.ListMember
		var vars, tags string
		if err := rows.Scan(&m.ID, &m.WAKey, &m.Phone, &m.Name, &vars, &tags); err != nil {
			return nil, err
		}
		_ = json.Unmarshal([]byte(vars), &m.Variables)
		if tags != "" {
			m.Tags = strings.Split(tags, ",")
		}
		out = append(out, m)
	}
	return out, rows.Err()
}

// OptedOutKeys returns which of the canonical WhatsApp ids opted out of
// marketing on any channel of the company.
func (s *Store) OptedOutKeys(ctx context.Context, companyID int64) (map[string]bool, error) {
	rows, err := s.r.query(ctx, "SELECT wa_key FROM contacts WHERE company_id = ? AND opted_out_at IS NOT NULL", companyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]bool{}
	for rows.Next() {
		var k string
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out[k] = true
	}
	return out, rows.Err()
}
