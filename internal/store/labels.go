package store

import (
	"context"

	"github.com/conversa/conversa/internal/conversa"
)

const labelColumns = "id, company_id, name, color, created_at"

func scanLabel(row interface{ Scan(...any) error }) (conversa.Label, error) {
	var l conversa.Label
	err := row.Scan(&l.ID, &l.CompanyID, &l.Name, &l.Color, &l.CreatedAt)
	utc(&l.CreatedAt)
	return l, err
}

// CreateLabel validates and inserts a label; names are unique per company.
func (s *Store) CreateLabel(ctx context.Context, l conversa.Label) (conversa.Label, error) {
	if err := l.Validate(); err != nil {
		return l, err
	}
	l.CreatedAt = dbTime(s.now())
	id, err := s.w.insert(ctx, "INSERT INTO labels (company_id, name, color, created_at) VALUES (?, ?, ?, ?)",
		l.CompanyID, l.Name, l.Color, l.CreatedAt)
	if isUniqueViolation(err) {
		return l, conversa.Errorf(conversa.ECONFLICT, "A label named %q already exists.", l.Name).
			Pt("Já existe uma etiqueta chamada %q.", l.Name)
	}
	l.ID = id
	return l, err
}

// Label returns one label of the company.
func (s *Store) Label(ctx context.Context, companyID, id int64) (conversa.Label, error) {
	l, err := scanLabel(s.r.queryRow(ctx, "SELECT "+labelColumns+" FROM labels WHERE company_id = ? AND id = ?", companyID, id))
	return l, notFound(err, "Label")
}

// Labels lists the company's labels by name.
func (s *Store) Labels(ctx context.Context, companyID int64) ([]conversa.Label, error) {
	return s.labels(ctx, "SELECT "+labelColumns+" FROM labels WHERE company_id = ? ORDER BY name, id", companyID)
}

// DeleteLabel removes a label and its use on conversations.
func (s *Store) DeleteLabel(ctx context.Context, companyID, id int64) error {
	n, err := affected(s.w.exec(ctx, "DELETE FROM labels WHERE company_id = ? AND id = ?", companyID, id))
	if err == nil && n == 0 {
		return notFound(errNoRows, "Label")
	}
	return err
}

// AddConversationLabel tags a conversation (idempotent). Both must belong
// to the company.
func (s *Store) AddConversationLabel(ctx context.Context, companyID, conversationID, labelID int64) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.Conversation(ctx, companyID, conversationID); err != nil {
			return err
		}
		if _, err := tx.Label(ctx, companyID, labelID); err != nil {
			return err
		}
		_, err := tx.w.exec(ctx, `INSERT INTO conversation_labels (company_id, conversation_id, label_id) VALUES (?, ?, ?)
			ON CONFLICT (conversation_id, label_id) DO NOTHING`, companyID, conversationID, labelID)
		return err
	})
}

// RemoveConversationLabel untags a conversation (idempotent).
func (s *Store) RemoveConversationLabel(ctx context.Context, companyID, conversationID, labelID int64) error {
	_, err := s.w.exec(ctx, "DELETE FROM conversation_labels WHERE company_id = ? AND conversation_id = ? AND label_id = ?",
		companyID, conversationID, labelID)
	return err
}

// ConversationLabels lists a conversation's labels by name.
func (s *Store) ConversationLabels(ctx context.Context, companyID, conversationID int64) ([]conversa.Label, error) {
	return s.labels(ctx, "SELECT "+prefixed("l.", labelColumns)+` FROM labels l
		JOIN conversation_labels cl ON cl.label_id = l.id AND cl.company_id = l.company_id
		WHERE l.company_id = ? AND cl.conversation_id = ? ORDER BY l.name, l.id`, companyID, conversationID)
}

func (s *Store) labels(ctx context.Context, query string, args ...any) ([]conversa.Label, error) {
	rows, err := s.r.query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []conversa.Label{}
	for rows.Next() {
		l, err := scanLabel(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, rows.Err()
}
