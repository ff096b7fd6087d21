package store

import (
	"context"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// CreateGroup inserts a channel group; names are unique in a company.
func (s *Store) CreateGroup(ctx context.Context, g conversa.ChannelGroup) (conversa.ChannelGroup, error) {
	g.Name = strings.TrimSpace(g.Name)
	if g.Name == "" {
		return g, conversa.Errorf(conversa.EINVALID, "Group name is required.").Pt("O nome do grupo é obrigatório.")
	}
	g.CreatedAt = dbTime(s.now())
	id, err := s.w.insert(ctx, "INSERT INTO channel_groups (company_id, name, created_at) VALUES (?, ?, ?)",
		g.CompanyID, g.Name, g.CreatedAt)
	if isUniqueViolation(err) {
		return g, conversa.Errorf(conversa.ECONFLICT, "A group named %q already exists.", g.Name).
			Pt("Já existe um grupo chamado %q.", g.Name)
	}
	g.ID = id
	return g, err
}

// Group returns one group of the company.
func (s *Store) Group(ctx context.Context, companyID, id int64) (conversa.ChannelGroup, error) {
	var g conversa.ChannelGroup
	err := s.r.queryRow(ctx, "SELECT id, company_id, name, created_at FROM channel_groups WHERE company_id = ? AND id = ?",
		companyID, id).Scan(&g.ID, &g.CompanyID, &g.Name, &g.CreatedAt)
	utc(&g.CreatedAt)
	return g, notFound(err, "Group")
}

// Groups lists the company's groups by name.
func (s *Store) Groups(ctx context.Context, companyID int64) ([]conversa.ChannelGroup, error) {
	rows, err := s.r.query(ctx, "SELECT id, company_id, name, created_at FROM channel_groups WHERE company_id = ? ORDER BY name, id", companyID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.ChannelGroup
	for rows.Next() {
		var g conversa.ChannelGroup
		if err := rows.Scan(&g.ID, &g.CompanyID, &g.Name, &g.CreatedAt); err != nil {
			return nil, err
		}
		utc(&g.CreatedAt)
		out = append(out, g)
	}
	return out, rows.Err()
}

// AddGroupMember puts a user of the company in a group (idempotent).
func (s *Store) AddGroupMember(ctx context.Context, companyID, groupID, userID int64) error {
	return s.InTx(ctx, func(tx *Store) error {
		if _, err := tx.Group(ctx, companyID, groupID); err != nil {
			return err
		}
		if _, err := tx.User(ctx, companyID, userID); err != nil {
			return err
		}
		_, err := tx.w.exec(ctx, `INSERT INTO group_members (company_id, group_id, user_id) VALUES (?, ?, ?)
			ON CONFLICT (group_id, user_id) DO NOTHING`, companyID, groupID, userID)
		return err
	})
}

// RemoveGroupMember takes a user out of a group.
func (s *Store) RemoveGroupMember(ctx context.Context, companyID, groupID, userID int64) error {
	_, err := s.w.exec(ctx, "DELETE FROM group_members WHERE company_id = ? AND group_id = ? AND user_id = ?", companyID, groupID, userID)
	return err
}

// GroupMembers lists the user ids in a group, lowest first.
func (s *Store) GroupMembers(ctx context.Context, companyID, groupID int64) ([]int64, error) {
	return s.r.queryIDs(ctx, "SELECT user_id FROM group_members WHERE company_id = ? AND group_id = ? ORDER BY user_id", companyID, groupID)
}

// RenameGroup renames a group; names stay unique in a company.
func (s *Store) RenameGroup(ctx context.Context, companyID, id int64, name string) (conversa.ChannelGroup, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return conversa.ChannelGroup{}, conversa.Errorf(conversa.EINVALID, "Group name is required.").Pt("O nome do grupo é obrigatório.")
	}
	n, err := affected(s.w.exec(ctx, "UPDATE channel_groups SET name = ? WHERE company_id = ? AND id = ?", name, companyID, id))
	if isUniqueViolation(err) {
		return conversa.ChannelGroup{}, conversa.Errorf(conversa.ECONFLICT, "A group named %q already exists.", name).
			Pt("Já existe um grupo chamado %q.", name)
	}
	if err != nil {
		return conversa.ChannelGroup{}, err
	}
	if n == 0 {
		return conversa.ChannelGroup{}, notFound(errNoRows, "Group")
	}
	return s.Group(ctx, companyID, id)
}
