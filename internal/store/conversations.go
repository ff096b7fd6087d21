package store

import (
	"context"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

const conversationColumns = `c.id, c.company_id, c.channel_id, c.contact_id, c.status, c.origin, c.assignee_id,
	c.last_inbound_at, c.last_message_at, c.first_response_at, c.resolved_at, c.created_at, c.updated_at, c.unread`

func scanConversation(row interface{ Scan(...any) error }, extra ...any) (conversa.Conversation, error) {
	var c conversa.Conversation
	var lastInbound *time.Time
	dest := append([]any{&c.ID, &c.CompanyID, &c.ChannelID, &c.ContactID, &c.Status, &c.Origin, &c.AssigneeID,
		&lastInbound, &c.LastMessageAt, &c.FirstResponseAt, &c.ResolvedAt, &c.CreatedAt, &c.UpdatedAt, &c.Unread}, extra...)
	err := row.Scan(dest...)
	if lastInbound != nil {
		c.LastInboundAt = lastInbound.UTC()
	}
	utc(&c.LastMessageAt, &c.CreatedAt, &c.UpdatedAt)
	utcOpt(c.FirstResponseAt, c.ResolvedAt)
	return c, err
}

// CreateConversation inserts a conversation. A second unresolved
// conversation for the same contact is a conflict.
func (s *Store) CreateConversation(ctx context.Context, c conversa.Conversation) (conversa.Conversation, error) {
	now := dbTime(s.now())
	c.CreatedAt, c.UpdatedAt = now, now
	if c.LastMessageAt.IsZero() {
		c.LastMessageAt = now
	}
	c.LastMessageAt = dbTime(c.LastMessageAt)
	id, err := s.w.insert(ctx, `INSERT INTO conversations (company_id, channel_id, contact_id, status, origin, assignee_id,
		last_inbound_at, window_expires_at, last_message_at, created_at, updated_at, unread) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.CompanyID, c.ChannelID, c.ContactID, string(c.Status), string(c.Origin), c.AssigneeID,
		optTime(c.LastInboundAt), c.WindowExpiresAt(), c.LastMessageAt, now, now, c.Unread)
	if isUniqueViolation(err) {
		return c, conversa.Errorf(conversa.ECONFLICT, "The contact already has an open conversation.").
			Pt("O contato já tem uma conversa aberta.")
	}
	c.ID = id
	return c, err
}

// SaveConversation writes a conversation's mutable state (status, origin,
// assignee, window and activity times) as the use case computed it.
func (s *Store) SaveConversation(ctx context.Context, c conversa.Conversation) error {
	n, err := affected(s.w.exec(ctx, `UPDATE conversations SET status = ?, origin = ?, assignee_id = ?, last_inbound_at = ?,
		window_expires_at = ?, last_message_at = ?, first_response_at = ?, resolved_at = ?, updated_at = ?, unread = ?
		WHERE company_id = ? AND id = ?`, string(c.Status), string(c.Origin), c.AssigneeID, optTime(c.LastInboundAt),
		c.WindowExpiresAt(), c.LastMessageAt, c.FirstResponseAt, c.ResolvedAt, s.now(), c.Unread, c.CompanyID, c.ID))
	if isUniqueViolation(err) { // reopening while the contact has another unresolved conversation
		return conversa.Errorf(conversa.ECONFLICT, "The contact already has an open conversation.").
			Pt("O contato já tem uma conversa aberta.")
	}
	if err == nil && n == 0 {
		return notFound(errNoRows, "Conversation")
	}
	return err
}

// Conversation returns one conversation of the company.
func (s *Store) Conversation(ctx context.Context, companyID, id int64) (conversa.Conversation, error) {
	return s.oneConversation(ctx, s.r, "c.company_id = ? AND c.id = ?", companyID, id)
}

// LockConversation is Conversation read for update: call it inside InTx
// before changing the window or status, so concurrent webhooks serialise.
func (s *Store) LockConversation(ctx context.Context, companyID, id int64) (conversa.Conversation, error) {
	return s.oneConversation(ctx, s.w, "c.company_id = ? AND c.id = ?"+s.d.forUpdate(), companyID, id)
}

// LatestConversation returns the contact's unresolved conversation, or else
// its most recent resolved one (to reopen), locked for update.
func (s *Store) LatestConversation(ctx context.Context, companyID, contactID int64) (conversa.Conversation, error) {
	return s.oneConversation(ctx, s.w, `c.company_id = ? AND c.contact_id = ?
		ORDER BY CASE WHEN c.status = 'resolved' THEN 1 ELSE 0 END, c.id DESC LIMIT 1`+s.d.forUpdate(), companyID, contactID)
}

func (s *Store) oneConversation(ctx context.Context, c0 conn, where string, args ...any) (conversa.Conversation, error) {
	c, err := scanConversation(c0.queryRow(ctx, "SELECT "+conversationColumns+" FROM conversations c WHERE "+where, args...))
	return c, notFound(err, "Conversation")
}

// ConversationRow is a conversation with its contact, for lists.
type ConversationRow struct {
	conversa.Conversation
	Contact conversa.Contact
}

// conversationGroupExpr is the group whose queue a conversation (alias c)
// is in: the one it was transferred to, else its channel's.
const conversationGroupExpr = "COALESCE(c.group_id, (SELECT ch.group_id FROM channels ch WHERE ch.id = c.channel_id))"

// visibleCond holds for the conversations (alias c) an agent may see and act
// on: assigned to them, or in the queue of one of their groups. Its two
// arguments are the agent's user id.
const visibleCond = "(c.assignee_id = ? OR " + conversationGroupExpr +
	" IN (SELECT gm.group_id FROM group_members gm WHERE gm.company_id = c.company_id AND gm.user_id = ?))"

// ConversationFilter selects conversations for the inbox list.
type ConversationFilter struct {
	Status     string // "open" (open and pending), "pending", "resolved"; "" or "all" = every one
	ChannelID  int64
	GroupID    int64 // > 0: the group's queue (see ConversationGroup): transferred to it, or its channels' not transferred away
	AssigneeID int64 // > 0: only this agent's
	Unassigned bool
	VisibleTo  int64  // > 0: only those this agent may see (visibleCond)
	LabelID    int64  // > 0: only conversations with this label
	Query      string // part of the contact's name, WhatsApp id or phone
	// Cursor: continue after the conversation with these values (the last
	// one of the previous page); lists run newest activity first.
	AfterTime *time.Time
	AfterID   int64
	Limit     int
}

// Conversations lists the company's conversations by latest activity.
func (s *Store) Conversations(ctx context.Context, companyID int64, f ConversationFilter) ([]ConversationRow, error) {
	where, args := conversationWhere(companyID, f)
	rows, err := s.r.query(ctx, "SELECT "+conversationColumns+", "+prefixed("ct.", contactColumns)+
		" FROM conversations c JOIN contacts ct ON ct.id = c.contact_id WHERE "+where+
		" ORDER BY c.last_message_at DESC, c.id DESC LIMIT ?", append(args, max(1, min(f.Limit, 200)))...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []ConversationRow
	for rows.Next() {
		var r ConversationRow
		var ct contactScan
		if r.Conversation, err = scanConversation(rows, ct.dest()...); err != nil {
			return nil, err
		}
		r.Contact = ct.contact()
		out = append(out, r)
	}
	return out, rows.Err()
}

func conversationWhere(companyID int64, f ConversationFilter) (string, []any) {
	conds, args := []string{"c.company_id = ?"}, []any{companyID}
	add := func(cond string, a ...any) { conds, args = append(conds, cond), append(args, a...) }
	switch f.Status {
	case "open":
		add("c.status <> ?", string(conversa.ConversationResolved))
	case "pending", "resolved":
		add("c.status = ?", f.Status)
	}
	if f.ChannelID > 0 {
		add("c.channel_id = ?", f.ChannelID)
	}
	if f.GroupID > 0 {
		add(conversationGroupExpr+" = ?", f.GroupID)
	}
	if f.AssigneeID > 0 {
		add("c.assignee_id = ?", f.AssigneeID)
	}
	if f.Unassigned {
		add("c.assignee_id IS NULL")
	}
	if f.VisibleTo > 0 {
		add(visibleCond, f.VisibleTo, f.VisibleTo)
	}
	if f.LabelID > 0 {
		add("EXISTS (SELECT 1 FROM conversation_labels cl WHERE cl.conversation_id = c.id AND cl.label_id = ?)", f.LabelID)
	}
	if q := strings.TrimSpace(f.Query); q != "" {
		like := "%" + escapeLike(strings.ToLower(q)) + "%"
		add(`(LOWER(ct.name) LIKE ? ESCAPE '\' OR ct.wa_id LIKE ? ESCAPE '\' OR ct.phone LIKE ? ESCAPE '\')`, like, like, like)
	}
	if f.AfterTime != nil {
		add("(c.last_message_at < ? OR (c.last_message_at = ? AND c.id < ?))", *f.AfterTime, *f.AfterTime, f.AfterID)
	}
	return strings.Join(conds, " AND "), args
}

func escapeLike(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

func prefixed(prefix, columns string) string {
	parts := strings.Split(columns, ",")
	for i, p := range parts {
		parts[i] = prefix + strings.TrimSpace(p)
	}
	return strings.Join(parts, ", ")
}

// contactScan receives contact columns scanned beside another row.
type contactScan struct{ c conversa.Contact }

func (x *contactScan) dest() []any {
	c := &x.c
	return []any{&c.ID, &c.CompanyID, &c.ChannelID, &c.WAID, &c.Phone, &c.Name, &c.OptedOut, &c.CreatedAt}
}

func (x *contactScan) contact() conversa.Contact {
	utc(&x.c.CreatedAt)
	utcOpt(x.c.OptedOut)
	return x.c
}

// optTime stores the zero time as NULL.
func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
