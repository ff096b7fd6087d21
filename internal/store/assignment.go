package store

import (
	"context"
	"errors"
)

// SetAvailable records whether a user takes new conversations by
// round-robin (PUT /api/v1/me/availability).
func (s *Store) SetAvailable(ctx context.Context, companyID, userID int64, available bool) error {
	n, err := affected(s.w.exec(ctx, "UPDATE users SET available = ? WHERE company_id = ? AND id = ?", available, companyID, userID))
	if err == nil && n == 0 {
		return notFound(errNoRows, "User")
	}
	return err
}

// Available reports a user's availability flag.
func (s *Store) Available(ctx context.Context, companyID, userID int64) (bool, error) {
	var ok bool
	err := s.r.queryRow(ctx, "SELECT available FROM users WHERE company_id = ? AND id = ?", companyID, userID).Scan(&ok)
	return ok, notFound(err, "User")
}

// AssigneeReady reports whether a user can keep a conversation coming back
// to them: active, and for agents available (supervisors and admins take
// conversations only by hand, so their flag does not count).
func (s *Store) AssigneeReady(ctx context.Context, companyID, userID int64) (bool, error) {
	var ready int
	err := s.r.queryRow(ctx, "SELECT CASE WHEN active AND (role <> 'agent' OR available) THEN 1 ELSE 0 END FROM users WHERE company_id = ? AND id = ?",
		companyID, userID).Scan(&ready)
	if errors.Is(err, errNoRows) {
		return false, nil // deleted: nobody to keep it
	}
	return ready == 1, err
}

// NextAgent picks the group's next available agent (active, role agent,
// availability on) in round-robin order and advances the group's pointer.
// ok is false when nobody is available. The pointer row is locked for the
// rest of the transaction, so concurrent pickers (on any node) take turns;
// on SQLite the single writer already serialises them. Call it inside InTx
// so the pick and the assignment commit together.
func (s *Store) NextAgent(ctx context.Context, companyID, groupID int64) (userID int64, ok bool, err error) {
	err = s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.w.exec(ctx, `INSERT INTO assignment_cursors (group_id, company_id, last_user_id) VALUES (?, ?, 0)
			ON CONFLICT (group_id) DO NOTHING`, groupID, companyID); err != nil {
			return err
		}
		var last int64
		err := tx.w.queryRow(ctx, "SELECT last_user_id FROM assignment_cursors WHERE company_id = ? AND group_id = ?"+tx.d.forUpdate(),
			companyID, groupID).Scan(&last)
		if err != nil {
			return notFound(err, "Group")
		}
		// The first agent after the pointer, else wrap around to the lowest id.
		err = tx.w.queryRow(ctx, `SELECT u.id FROM group_members gm JOIN users u ON u.id = gm.user_id AND u.company_id = gm.company_id
			WHERE gm.company_id = ? AND gm.group_id = ? AND u.role = 'agent' AND u.active AND u.available
			ORDER BY CASE WHEN u.id > ? THEN 0 ELSE 1 END, u.id LIMIT 1`, companyID, groupID, last).Scan(&userID)
		if errors.Is(err, errNoRows) {
			return nil
		}
		if err != nil {
			return err
		}
		ok = true
		_, err = tx.w.exec(ctx, "UPDATE assignment_cursors SET last_user_id = ? WHERE company_id = ? AND group_id = ?", userID, companyID, groupID)
		return err
	})
	return userID, ok && err == nil, err
}

// ConversationGroup is the group handling a conversation: the one it was
// transferred to, else its channel's.
func (s *Store) ConversationGroup(ctx context.Context, companyID, conversationID int64) (int64, error) {
	var id int64
	err := s.r.queryRow(ctx, "SELECT "+conversationGroupExpr+" FROM conversations c WHERE c.company_id = ? AND c.id = ?",
		companyID, conversationID).Scan(&id)
	return id, notFound(err, "Conversation")
}

// SetConversationGroup moves a conversation to another group's queue.
func (s *Store) SetConversationGroup(ctx context.Context, companyID, conversationID, groupID int64) error {
	n, err := affected(s.w.exec(ctx, "UPDATE conversations SET group_id = ?, updated_at = ? WHERE company_id = ? AND id = ?",
		groupID, s.now(), companyID, conversationID))
	if err == nil && n == 0 {
		return notFound(errNoRows, "Conversation")
	}
	return err
}

// ConversationVisibleTo reports whether an agent may see a conversation
// (assigned to them or in one of their groups' queues); not_found when the
// company has no such conversation.
func (s *Store) ConversationVisibleTo(ctx context.Context, companyID, conversationID, userID int64) (bool, error) {
	var visible int
	err := s.r.queryRow(ctx, "SELECT CASE WHEN "+visibleCond+" THEN 1 ELSE 0 END FROM conversations c WHERE c.company_id = ? AND c.id = ?",
		userID, userID, companyID, conversationID).Scan(&visible)
	return visible == 1, notFound(err, "Conversation")
}

// ContactVisibleTo reports whether an agent may see a contact: one of its
// conversations is visible to them, or its channel is in one of their
// groups (a contact about to be written to).
func (s *Store) ContactVisibleTo(ctx context.Context, companyID, contactID, userID int64) (bool, error) {
	var n int
	err := s.r.queryRow(ctx, "SELECT COUNT(*) FROM contacts ct WHERE ct.company_id = ? AND ct.id = ? AND ("+
		"EXISTS (SELECT 1 FROM conversations c WHERE c.company_id = ct.company_id AND c.contact_id = ct.id AND "+visibleCond+") OR "+
		"EXISTS (SELECT 1 FROM channels ch JOIN group_members gm ON gm.group_id = ch.group_id AND gm.company_id = ch.company_id "+
		"WHERE ch.id = ct.channel_id AND gm.user_id = ?))",
		companyID, contactID, userID, userID, userID).Scan(&n)
	return n > 0, err
}

// IsGroupMember reports whether a user belongs to a group.
func (s *Store) IsGroupMember(ctx context.Context, companyID, groupID, userID int64) (bool, error) {
	var n int
	err := s.r.queryRow(ctx, "SELECT COUNT(*) FROM group_members WHERE company_id = ? AND group_id = ? AND user_id = ?",
		companyID, groupID, userID).Scan(&n)
	return n > 0, err
}
