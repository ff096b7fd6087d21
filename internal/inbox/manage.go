package inbox

import (
	"context"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Conversation management: assignment, transfer, resolve/reopen, notes and
// labels. The rules:
//
//   - Round-robin: a conversation without an assignee that receives a
//     customer message (a new one, a reopened one, or one still waiting in
//     the queue) and one reopened by hand go to the next available agent of
//     its group (store.NextAgent). Nobody available: it stays unassigned,
//     visible to the group, and the next inbound message tries again.
//   - A conversation started by an agent (template send) is theirs, so the
//     customer's reply comes back to the same person.
//   - Status: a customer message makes it open (waiting for us), an agent's
//     message makes it pending (waiting for the customer), resolve makes it
//     resolved (resolved_at recorded, assignee kept for reports); a customer
//     message or reopen brings it back.
//   - Who may act: admins and supervisors on every conversation; an agent on
//     those assigned to them and those of groups they belong to. An agent
//     may assign only an unassigned conversation and only to themselves
//     (take it), or give theirs back (assign to nobody).

// Actor is the signed-in user acting on a conversation.
type Actor struct {
	CompanyID int64
	UserID    int64
	Role      conversa.Role
}

// Events of conversation management (besides conversation.updated).
const (
	EventNoteCreated   = "note.created"
	EventLabelsChanged = "conversation.labels"
	EventAvailability  = "agent.availability"
)

func forbidden() error {
	return conversa.Errorf(conversa.EFORBIDDEN, "You can see and act only on conversations assigned to you or of your groups.").
		Pt("Você só pode ver e agir em conversas atribuídas a você ou dos seus grupos.")
}

// CanAct refuses an agent seeing or acting on a conversation neither
// assigned to them nor in the queue of one of their groups: a "Vendas"
// agent does not read "Financeiro". Supervisors and admins see everything.
func (s *Service) CanAct(ctx context.Context, a Actor, conversationID int64) error {
	return s.mayAct(ctx, s.store, a, conversationID)
}

func (s *Service) mayAct(ctx context.Context, st *store.Store, a Actor, conversationID int64) error {
	if a.Role.AtLeast(conversa.RoleSupervisor) {
		_, err := st.Conversation(ctx, a.CompanyID, conversationID)
		return err
	}
	visible, err := st.ConversationVisibleTo(ctx, a.CompanyID, conversationID, a.UserID)
	if err == nil && !visible {
		err = forbidden()
	}
	return err
}

// CanSeeContact refuses an agent a contact of no conversation or channel
// of theirs.
func (s *Service) CanSeeContact(ctx context.Context, a Actor, contactID int64) error {
	if _, err := s.store.Contact(ctx, a.CompanyID, contactID); err != nil || a.Role.AtLeast(conversa.RoleSupervisor) {
		return err
	}
	visible, err := s.store.ContactVisibleTo(ctx, a.CompanyID, contactID, a.UserID)
	if err == nil && !visible {
		err = conversa.Errorf(conversa.EFORBIDDEN, "This contact belongs to another group's channel.").
			Pt("Este contato é de um canal de outro grupo.")
	}
	return err
}

// CanUseChannel refuses an agent starting conversations on a channel of a
// group they are not in.
func (s *Service) CanUseChannel(ctx context.Context, a Actor, channelID int64) error {
	ch, err := s.store.Channel(ctx, a.CompanyID, channelID)
	if err != nil || a.Role.AtLeast(conversa.RoleSupervisor) {
		return err
	}
	member, err := s.store.IsGroupMember(ctx, a.CompanyID, ch.GroupID, a.UserID)
	if err == nil && !member {
		err = conversa.Errorf(conversa.EFORBIDDEN, "You can start conversations only on your groups' channels.").
			Pt("Você só pode iniciar conversas nos canais dos seus grupos.")
	}
	return err
}

func isUser(id *int64, userID int64) bool { return id != nil && *id == userID }

// manage runs change on the locked conversation after the permission check,
// saves it and publishes it.
func (s *Service) manage(ctx context.Context, a Actor, id int64, change func(tx *store.Store, c *conversa.Conversation) error) (conversa.Conversation, error) {
	var c conversa.Conversation
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if c, err = tx.LockConversation(ctx, a.CompanyID, id); err != nil {
			return err
		}
		if err := s.mayAct(ctx, tx, a, c.ID); err != nil {
			return err
		}
		if err := change(tx, &c); err != nil {
			return err
		}
		return tx.SaveConversation(ctx, c)
	})
	if err == nil {
		s.publishConversation(ctx, c)
	}
	return c, err
}

// releaseIfAway unassigns a conversation reopened by its customer when its
// agent is away or gone, so round-robin gives it to someone at their desk
// instead of leaving the customer waiting on an empty chair.
func (s *Service) releaseIfAway(ctx context.Context, tx *store.Store, c *conversa.Conversation) error {
	if c.AssigneeID == nil {
		return nil
	}
	ready, err := tx.AssigneeReady(ctx, c.CompanyID, *c.AssigneeID)
	if err == nil && !ready {
		c.AssigneeID = nil
	}
	return err
}

// autoAssign gives an unassigned conversation to its group's next
// available agent (round-robin), inside the caller's transaction.
func (s *Service) autoAssign(ctx context.Context, tx *store.Store, c *conversa.Conversation) error {
	if c.AssigneeID != nil {
		return nil
	}
	group, err := tx.ConversationGroup(ctx, c.CompanyID, c.ID)
	if err != nil {
		return err
	}
	id, ok, err := tx.NextAgent(ctx, c.CompanyID, group)
	if ok {
		c.AssigneeID = &id
	}
	return err
}

// Assign sets (userID) or clears (nil) the conversation's assignee.
func (s *Service) Assign(ctx context.Context, a Actor, id int64, userID *int64) (conversa.Conversation, error) {
	return s.manage(ctx, a, id, func(tx *store.Store, c *conversa.Conversation) error {
		if !a.Role.AtLeast(conversa.RoleSupervisor) && !agentMayAssign(a, c, userID) {
			return conversa.Errorf(conversa.EFORBIDDEN, "Agents can take unassigned conversations for themselves or give back their own.").
				Pt("Agentes podem pegar conversas sem responsável para si ou devolver as suas.")
		}
		if userID != nil {
			if err := s.checkAssignee(ctx, tx, a.CompanyID, *userID); err != nil {
				return err
			}
		}
		c.AssigneeID = userID
		return nil
	})
}

func agentMayAssign(a Actor, c *conversa.Conversation, userID *int64) bool {
	if userID == nil {
		return isUser(c.AssigneeID, a.UserID) // giving their own back
	}
	return *userID == a.UserID && (c.AssigneeID == nil || *c.AssigneeID == a.UserID)
}

// checkAssignee refuses users of other companies (not found) and inactive ones.
func (s *Service) checkAssignee(ctx context.Context, tx *store.Store, companyID, userID int64) error {
	u, err := tx.User(ctx, companyID, userID)
	if err == nil && !u.Active {
		err = conversa.Errorf(conversa.EINVALID, "%s is deactivated and can't take conversations.", u.Name).
			Pt("%s está desativado(a) e não pode receber conversas.", u.Name)
	}
	return err
}

// Transfer moves a conversation to a user, to a group's queue (round-robin
// among its available agents), or both; a non-empty note is kept as an
// internal note for the next person.
type Transfer struct {
	UserID  int64
	GroupID int64
	Note    string
}

// Transfer hands a conversation over (see the Transfer type).
func (s *Service) Transfer(ctx context.Context, a Actor, id int64, t Transfer) (conversa.Conversation, error) {
	if t.UserID == 0 && t.GroupID == 0 {
		return conversa.Conversation{}, invalid("Say where to transfer: \"user_id\" or \"group_id\".",
			"Informe para onde transferir: \"user_id\" ou \"group_id\".")
	}
	var note *conversa.Note
	c, err := s.manage(ctx, a, id, func(tx *store.Store, c *conversa.Conversation) error {
		if err := s.moveTo(ctx, tx, c, t); err != nil {
			return err
		}
		if t.Note == "" {
			return nil
		}
		n, err := tx.AddNote(ctx, conversa.Note{CompanyID: a.CompanyID, ConversationID: id, AuthorID: &a.UserID, Body: t.Note})
		note = &n
		return err
	})
	if note != nil && err == nil {
		s.publishNote(ctx, *note)
	}
	return c, err
}

func (s *Service) moveTo(ctx context.Context, tx *store.Store, c *conversa.Conversation, t Transfer) error {
	if t.GroupID != 0 {
		if _, err := tx.Group(ctx, c.CompanyID, t.GroupID); err != nil {
			return err
		}
		if err := tx.SetConversationGroup(ctx, c.CompanyID, c.ID, t.GroupID); err != nil {
			return err
		}
	}
	if t.UserID == 0 {
		c.AssigneeID = nil
		return s.autoAssign(ctx, tx, c)
	}
	if err := s.checkAssignee(ctx, tx, c.CompanyID, t.UserID); err != nil {
		return err
	}
	c.AssigneeID = &t.UserID
	return nil
}

// Resolve closes a conversation (idempotent).
func (s *Service) Resolve(ctx context.Context, a Actor, id int64) (conversa.Conversation, error) {
	return s.manage(ctx, a, id, func(_ *store.Store, c *conversa.Conversation) error {
		if c.Status != conversa.ConversationResolved {
			now := s.clock.Now()
			c.Status, c.ResolvedAt = conversa.ConversationResolved, &now
		}
		return nil
	})
}

// Reopen brings a resolved conversation back as open, assigning it by
// round-robin when nobody has it (idempotent). A contact has one unresolved
// conversation at most: reopening an older one then is a conflict.
func (s *Service) Reopen(ctx context.Context, a Actor, id int64) (conversa.Conversation, error) {
	return s.manage(ctx, a, id, func(tx *store.Store, c *conversa.Conversation) error {
		if c.Status != conversa.ConversationResolved {
			return nil
		}
		c.Status, c.ResolvedAt = conversa.ConversationOpen, nil
		return s.autoAssign(ctx, tx, c)
	})
}

// AddNote adds an internal note (never sent to the customer).
func (s *Service) AddNote(ctx context.Context, a Actor, id int64, body string) (conversa.Note, error) {
	if err := s.CanAct(ctx, a, id); err != nil {
		return conversa.Note{}, err
	}
	n, err := s.store.AddNote(ctx, conversa.Note{CompanyID: a.CompanyID, ConversationID: id, AuthorID: &a.UserID, Body: body})
	if err == nil {
		s.publishNote(ctx, n)
	}
	return n, err
}

// SetLabel tags (on) or untags a conversation.
func (s *Service) SetLabel(ctx context.Context, a Actor, id, labelID int64, on bool) error {
	if err := s.CanAct(ctx, a, id); err != nil {
		return err
	}
	if _, err := s.store.Label(ctx, a.CompanyID, labelID); err != nil {
		return err
	}
	var err error
	if on {
		err = s.store.AddConversationLabel(ctx, a.CompanyID, id, labelID)
	} else {
		err = s.store.RemoveConversationLabel(ctx, a.CompanyID, id, labelID)
	}
	if err == nil {
		s.publish(ctx, a.CompanyID, EventLabelsChanged, map[string]any{"conversation_id": id, "label_id": labelID, "added": on})
	}
	return err
}

// SetAvailability switches whether the user takes round-robin conversations.
func (s *Service) SetAvailability(ctx context.Context, companyID, userID int64, available bool) error {
	err := s.store.SetAvailable(ctx, companyID, userID, available)
	if err == nil {
		s.publish(ctx, companyID, EventAvailability, map[string]any{"user_id": userID, "available": available})
	}
	return err
}

func (s *Service) publishNote(ctx context.Context, n conversa.Note) {
	s.publish(ctx, n.CompanyID, EventNoteCreated, map[string]any{"id": n.ID, "conversation_id": n.ConversationID, "author_id": n.AuthorID})
}
