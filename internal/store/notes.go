package store

import (
	"context"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// AddNote validates and stores an internal note on a conversation of the
// company.
func (s *Store) AddNote(ctx context.Context, n conversa.Note) (conversa.Note, error) {
	if err := n.Validate(); err != nil {
		return n, err
	}
	err := s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.Conversation(ctx, n.CompanyID, n.ConversationID); err != nil {
			return err
		}
		n.CreatedAt = dbTime(tx.now())
		id, err := tx.w.insert(ctx, "INSERT INTO conversation_notes (company_id, conversation_id, author_id, body, created_at) VALUES (?, ?, ?, ?, ?)",
			n.CompanyID, n.ConversationID, n.AuthorID, n.Body, n.CreatedAt)
		n.ID = id
		return err
	})
	if err != nil {
		return n, err
	}
	return s.note(ctx, n.CompanyID, n.ID)
}

const noteSelect = `SELECT n.id, n.company_id, n.conversation_id, n.author_id, COALESCE(u.name, ''), n.body, n.created_at
	FROM conversation_notes n LEFT JOIN users u ON u.id = n.author_id AND u.company_id = n.company_id `

func scanNote(row interface{ Scan(...any) error }) (conversa.Note, error) {
	var n conversa.Note
	err := row.Scan(&n.ID, &n.CompanyID, &n.ConversationID, &n.AuthorID, &n.AuthorName, &n.Body, &n.CreatedAt)
	utc(&n.CreatedAt)
	return n, err
}

func (s *Store) note(ctx context.Context, companyID, id int64) (conversa.Note, error) {
	n, err := scanNote(s.r.queryRow(ctx, noteSelect+"WHERE n.company_id = ? AND n.id = ?", companyID, id))
	return n, notFound(err, "Note")
}

// Notes lists a conversation's notes, oldest first.
func (s *Store) Notes(ctx context.Context, companyID, conversationID int64) ([]conversa.Note, error) {
	rows, err := s.r.query(ctx, noteSelect+"WHERE n.company_id = ? AND n.conversation_id = ? ORDER BY n.id", companyID, conversationID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []conversa.Note{}
	for rows.Next() {
		n, err := scanNote(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, rows.Err()
}

const cannedColumns = "id, company_id, shortcut, text, created_at, updated_at"

func scanCanned(row interface{ Scan(...any) error }) (conversa.CannedResponse, error) {
	var c conversa.CannedResponse
	err := row.Scan(&c.ID, &c.CompanyID, &c.Shortcut, &c.Text, &c.CreatedAt, &c.UpdatedAt)
	utc(&c.CreatedAt, &c.UpdatedAt)
	return c, err
}

func cannedConflict(shortcut string) error {
	return conversa.Errorf(conversa.ECONFLICT, "The shortcut /%s is already used.", shortcut).
		Pt("O atalho /%s já está em uso.", shortcut)
}

// CreateCannedResponse validates and inserts a canned response; shortcuts
// are unique per company.
func (s *Store) CreateCannedResponse(ctx context.Context, c conversa.CannedResponse) (conversa.CannedResponse, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	now := dbTime(s.now())
	c.CreatedAt, c.UpdatedAt = now, now
	id, err := s.w.insert(ctx, "INSERT INTO canned_responses (company_id, shortcut, text, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
		c.CompanyID, c.Shortcut, c.Text, now, now)
	if isUniqueViolation(err) {
		return c, cannedConflict(c.Shortcut)
	}
	c.ID = id
	return c, err
}

// UpdateCannedResponse replaces a canned response's shortcut and text.
func (s *Store) UpdateCannedResponse(ctx context.Context, c conversa.CannedResponse) (conversa.CannedResponse, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	n, err := affected(s.w.exec(ctx, "UPDATE canned_responses SET shortcut = ?, text = ?, updated_at = ? WHERE company_id = ? AND id = ?",
		c.Shortcut, c.Text, s.now(), c.CompanyID, c.ID))
	switch {
	case isUniqueViolation(err):
		return c, cannedConflict(c.Shortcut)
	case err != nil:
		return c, err
	case n == 0:
		return c, notFound(errNoRows, "Canned response")
	}
	return s.CannedResponse(ctx, c.CompanyID, c.ID)
}

// CannedResponse returns one canned response of the company.
func (s *Store) CannedResponse(ctx context.Context, companyID, id int64) (conversa.CannedResponse, error) {
	c, err := scanCanned(s.r.queryRow(ctx, "SELECT "+cannedColumns+" FROM canned_responses WHERE company_id = ? AND id = ?", companyID, id))
	return c, notFound(err, "Canned response")
}

// DeleteCannedResponse removes a canned response.
func (s *Store) DeleteCannedResponse(ctx context.Context, companyID, id int64) error {
	n, err := affected(s.w.exec(ctx, "DELETE FROM canned_responses WHERE company_id = ? AND id = ?", companyID, id))
	if err == nil && n == 0 {
		return notFound(errNoRows, "Canned response")
	}
	return err
}

// CannedResponses lists the company's canned responses by shortcut; a
// non-empty prefix keeps those whose shortcut starts with it (what the
// composer asks while the agent types "/ob...").
func (s *Store) CannedResponses(ctx context.Context, companyID int64, prefix string) ([]conversa.CannedResponse, error) {
	prefix = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(prefix), "/"))
	rows, err := s.r.query(ctx, "SELECT "+cannedColumns+` FROM canned_responses WHERE company_id = ? AND shortcut LIKE ? ESCAPE '\'
		ORDER BY shortcut`, companyID, escapeLike(prefix)+"%")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []conversa.CannedResponse{}
	for rows.Next() {
		c, err := scanCanned(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}
