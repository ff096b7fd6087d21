package channels

import (
	"context"
	"fmt"
	"slices"

	"github.com/conversa/conversa/internal/conversa"
)

// Channel groups: a team or queue ("Vendas") whose agents answer what
// arrives on its channels.

func groupTarget(id int64) string { return fmt.Sprintf("group:%d", id) }

// CreateGroup adds a group to the company.
func (s *Service) CreateGroup(ctx context.Context, companyID, actor int64, name string) (conversa.ChannelGroup, error) {
	g, err := s.store.CreateGroup(ctx, conversa.ChannelGroup{CompanyID: companyID, Name: name})
	if err != nil {
		return g, err
	}
	return g, s.audit(ctx, companyID, actor, "group.create", groupTarget(g.ID), map[string]any{"name": g.Name})
}

// RenameGroup renames a group of the company.
func (s *Service) RenameGroup(ctx context.Context, companyID, actor, id int64, name string) (conversa.ChannelGroup, error) {
	g, err := s.store.RenameGroup(ctx, companyID, id, name)
	if err != nil {
		return g, err
	}
	return g, s.audit(ctx, companyID, actor, "group.rename", groupTarget(id), map[string]any{"name": g.Name})
}

// Groups lists the company's groups.
func (s *Service) Groups(ctx context.Context, companyID int64) ([]conversa.ChannelGroup, error) {
	return s.store.Groups(ctx, companyID)
}

// Group returns one group of the company.
func (s *Service) Group(ctx context.Context, companyID, id int64) (conversa.ChannelGroup, error) {
	return s.store.Group(ctx, companyID, id)
}

// AddMember puts a user of the company in a group (idempotent).
func (s *Service) AddMember(ctx context.Context, companyID, actor, groupID, userID int64) error {
	if err := s.store.AddGroupMember(ctx, companyID, groupID, userID); err != nil {
		return err
	}
	return s.audit(ctx, companyID, actor, "group.member_add", groupTarget(groupID), map[string]any{"user_id": userID})
}

// RemoveMember takes a user out of a group; removing a non-member is a no-op.
func (s *Service) RemoveMember(ctx context.Context, companyID, actor, groupID, userID int64) error {
	if _, err := s.store.Group(ctx, companyID, groupID); err != nil {
		return err
	}
	if err := s.store.RemoveGroupMember(ctx, companyID, groupID, userID); err != nil {
		return err
	}
	return s.audit(ctx, companyID, actor, "group.member_remove", groupTarget(groupID), map[string]any{"user_id": userID})
}

// Members lists the users in a group.
func (s *Service) Members(ctx context.Context, companyID, groupID int64) ([]conversa.User, error) {
	if _, err := s.store.Group(ctx, companyID, groupID); err != nil {
		return nil, err
	}
	ids, err := s.store.GroupMembers(ctx, companyID, groupID)
	if err != nil {
		return nil, err
	}
	users, err := s.store.Users(ctx, companyID)
	if err != nil {
		return nil, err
	}
	out := []conversa.User{}
	for _, u := range users {
		if slices.Contains(ids, u.ID) {
			out = append(out, u)
		}
	}
	return out, nil
}
