package httpapi

import (
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
	MaxChannels int    `json:"max_channels"`
	MaxAgents   int    `json:"max_agents"`
}

func viewCompany(c conversa.Company) companyView {
	return companyView{ID: c.ID, Domain: c.Domain, Name: c.Name, Locale: c.Locale, MaxChannels: c.MaxChannels, MaxAgents: c.MaxAgents}
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
