package httpapi

import (
	"encoding/json"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// The API's JSON shapes. Domain types never go to the wire directly, so
// renaming a field in Go can't break the contract.

type userView struct {
	ID        int64     `json:"id"`
	Email     string    `json:"email,omitempty"` // left out where an agent sees colleagues
	Name      string    `json:"name"`
	Role      string    `json:"role"`
	Active    bool      `json:"active"`
	CreatedAt time.Time `json:"created_at"`
}

func viewUser(u conversa.User) userView {
	return userView{ID: u.ID, Email: u.Email, Name: u.Name, Role: string(u.Role), Active: u.Active, CreatedAt: u.CreatedAt}
}

type companyView struct {
	ID          int64  `json:"id"`
	Domain      string `json:"domain"`
	Name        string `json:"name"`
	Locale      string `json:"locale"`
	TimeZone    string `json:"time_zone"`
	MaxChannels int    `json:"max_channels"`
	MaxAgents   int    `json:"max_agents"`
}

func viewCompany(c conversa.Company) companyView {
	return companyView{ID: c.ID, Domain: c.Domain, Name: c.Name, Locale: c.Locale, TimeZone: c.TimeZone,
		MaxChannels: c.MaxChannels, MaxAgents: c.MaxAgents}
}

type usageView struct {
	Used int `json:"used"`
	Max  int `json:"max"`
}

type auditView struct {
	ID      int64          `json:"id"`
	ActorID *int64         `json:"actor_id"`
	Action  string         `json:"action"`
	Target  string         `json:"target"`
	Detail  map[string]any `json:"detail"`
	At      time.Time      `json:"at"`
}

func viewAudit(e conversa.AuditEntry) auditView {
	if e.Detail == nil {
		e.Detail = map[string]any{}
	}
	return auditView{ID: e.ID, ActorID: e.ActorID, Action: e.Action, Target: e.Target, Detail: e.Detail, At: e.At}
}

// list is the envelope of every collection: {"data":[...]}.
type list[T any] struct {
	Data []T `json:"data"`
}

func listOf[T, V any](items []T, view func(T) V) list[V] {
	out := list[V]{Data: make([]V, 0, len(items))}
	for _, it := range items {
		out.Data = append(out.Data, view(it))
	}
	return out
}

// messageContentView is what a message holds besides its text, for the
// kinds the inbox shows as more than a label: a pin, shared contact cards,
// a document's file name, the button or list row a customer chose, the
// message a reaction is about, or why WhatsApp couldn't deliver the
// content. It is read from the stored payload (Meta's inbound message, or
// our send request, which has the same fields), so older messages show it
// too; nil when there is nothing beyond the text.
type messageContentView struct {
	Location    *locationView       `json:"location,omitempty"`
	Contacts    []sharedContactView `json:"contacts,omitempty"`
	Filename    string              `json:"filename,omitempty"`
	Reply       *replyView          `json:"reply,omitempty"`
	Reaction    *reactionView       `json:"reaction,omitempty"`
	Unsupported bool                `json:"unsupported,omitempty"`
}

type locationView struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
}

type sharedContactView struct {
	Name   string   `json:"name"`
	Phones []string `json:"phones"` // as the card gives them: "+55 11 98765-4321"
	WAIDs  []string `json:"wa_ids,omitempty"`
}

// replyView is a tap on a quick-reply button (kind "button") or on an
// interactive message's button or list row ("button_reply", "list_reply").
type replyView struct {
	Kind    string `json:"kind"`
	ID      string `json:"id,omitempty"` // the button's payload or the row's id
	Title   string `json:"title"`
	Details string `json:"description,omitempty"`
}

// reactionView is an emoji on another message; an empty emoji takes a
// previous reaction back.
type reactionView struct {
	MessageID string `json:"message_id"` // the wamid reacted to
	Emoji     string `json:"emoji"`
}

// payloadContent is the part of a stored payload the content view reads.
type payloadContent struct {
	Location *locationView `json:"location"`
	Contacts []struct {
		Name struct {
			FormattedName string `json:"formatted_name"`
		} `json:"name"`
		Phones []struct {
			Phone string `json:"phone"`
			WAID  string `json:"wa_id"`
		} `json:"phones"`
	} `json:"contacts"`
	Document *struct {
		Filename string `json:"filename"`
	} `json:"document"`
	Button *struct {
		Payload string `json:"payload"`
		Text    string `json:"text"`
	} `json:"button"`
	Interactive *struct {
		Type        string `json:"type"`
		ButtonReply *struct {
			ID    string `json:"id"`
			Title string `json:"title"`
		} `json:"button_reply"`
		ListReply *struct {
			ID          string `json:"id"`
			Title       string `json:"title"`
			Description string `json:"description"`
		} `json:"list_reply"`
	} `json:"interactive"`
	Reaction *reactionView `json:"reaction"`
}

// viewMessageContent reads m's content beyond the text; nil when there is
// none (a text, a photo, a template) or the payload can't be read.
func viewMessageContent(m conversa.Message) *messageContentView {
	if m.Type == "unsupported" || m.Type == "unknown" {
		return &messageContentView{Unsupported: true}
	}
	var p payloadContent
	if len(m.Payload) == 0 || json.Unmarshal(m.Payload, &p) != nil {
		return nil
	}
	v := &messageContentView{Location: p.Location, Reaction: p.Reaction, Reply: p.reply()}
	if p.Document != nil {
		v.Filename = p.Document.Filename
	}
	for _, c := range p.Contacts {
		sc := sharedContactView{Name: c.Name.FormattedName, Phones: []string{}}
		for _, ph := range c.Phones {
			sc.Phones = append(sc.Phones, ph.Phone)
			if ph.WAID != "" {
				sc.WAIDs = append(sc.WAIDs, ph.WAID)
			}
		}
		v.Contacts = append(v.Contacts, sc)
	}
	if v.Location == nil && v.Reaction == nil && v.Reply == nil && v.Filename == "" && len(v.Contacts) == 0 {
		return nil
	}
	return v
}

// reply is the chosen button or row, if the payload is a reply.
func (p payloadContent) reply() *replyView {
	switch i := p.Interactive; {
	case p.Button != nil:
		return &replyView{Kind: "button", ID: p.Button.Payload, Title: p.Button.Text}
	case i != nil && i.ButtonReply != nil:
		return &replyView{Kind: "button_reply", ID: i.ButtonReply.ID, Title: i.ButtonReply.Title}
	case i != nil && i.ListReply != nil:
		return &replyView{Kind: "list_reply", ID: i.ListReply.ID, Title: i.ListReply.Title, Details: i.ListReply.Description}
	}
	return nil
}
