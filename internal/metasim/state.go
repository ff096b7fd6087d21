package metasim

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// The simulator's state. Exported fields are what a snapshot saves; locks
// and derived helpers stay unexported. Locking is layered so the send path
// only touches one number and one chat:
//
//	Sim.mu     the registries (tokens, businesses, WABAs, numbers, customers)
//	waba.mu    that account's templates, payment and subscription
//	phone.mu   that number's chats map, limiter, codes and injected errors
//	chat.mu    one (number, customer) conversation
//
// Never take an outer lock while holding an inner one.

type business struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type accessToken struct {
	Token      string `json:"token"`
	BusinessID string `json:"business_id"` // "" = every business (app admin)
	UserID     string `json:"user_id"`     // the (system) user the token belongs to: /me
}

type waba struct {
	mu sync.RWMutex
	wabaState
	Templates     []*template
	templateIndex map[string]*template
}

// wabaState is the copyable part of a waba (snapshots).
type wabaState struct {
	ID          string `json:"id"`
	BusinessID  string `json:"business_id"`
	Name        string `json:"name"`
	Currency    string `json:"currency"`
	TimezoneID  string `json:"timezone_id"`
	Namespace   string `json:"message_template_namespace"`
	FundingID   string `json:"primary_funding_id,omitempty"` // "" = no payment method
	Subscribed  bool   `json:"subscribed"`
	OverrideURI string `json:"override_callback_uri,omitempty"`
	VerifyToken string `json:"verify_token,omitempty"`
}

type phone struct {
	mu sync.Mutex
	phoneState
	chats   map[string]*chat
	limiter *rate.Limiter
	inject  []injected
}

// phoneState is the copyable part of a phone (snapshots).
type phoneState struct {
	ID             string `json:"id"`
	WABAID         string `json:"waba_id"`
	CC             string `json:"cc"`
	National       string `json:"national"`
	VerifiedName   string `json:"verified_name"`
	NameStatus     string `json:"name_status"`
	CodeStatus     string `json:"code_verification_status"` // NOT_VERIFIED | VERIFIED | EXPIRED
	Registered     bool   `json:"registered"`
	PIN            string `json:"pin,omitempty"`
	Quality        string `json:"quality_rating"`
	Tier           string `json:"messaging_limit_tier"`
	MPS            int    `json:"mps"`             // throughput; <= 0 is unlimited (sim only)
	PairPerMinute  int    `json:"pair_per_minute"` // <= 0: no pair limit
	PairBurst      int    `json:"pair_burst"`      // 0 (older snapshots): Meta's burst
	Code           string `json:"code,omitempty"`
	CodeMethod     string `json:"code_method,omitempty"`
	CodeRequests   int    `json:"code_requests"`
	FailedAttempts int    `json:"failed_code_attempts"`
}

// display is the number as digits with the country code: webhook metadata
// and contacts use it this way.
func (p *phone) display() string { return p.CC + p.National }

// injected is an error the control API queued for the next sends.
type injected struct {
	Code  int  `json:"code"`
	Left  int  `json:"count"`
	Async bool `json:"async"` // true: accept, then a failed status webhook
}

type chat struct {
	mu sync.Mutex
	chatState
	Messages []*chatMsg
	pair     *rate.Limiter
}

// chatState is the copyable part of a chat (snapshots).
type chatState struct {
	WAID            string    `json:"wa_id"`
	Name            string    `json:"name"`
	LastInbound     time.Time `json:"last_inbound"`
	EntryPointUntil time.Time `json:"entry_point_until"`
	Sent            int       `json:"sent"`
	Dropped         int       `json:"dropped"` // older messages trimmed from history
}

// chatMsg is one message in a chat, either direction.
type chatMsg struct {
	ID        string     `json:"id"`
	Direction string     `json:"direction"` // "out": business → customer; "in": customer → business
	Type      string     `json:"type"`
	Text      string     `json:"text"`
	Buttons   []chatBtn  `json:"buttons,omitempty"`
	Status    string     `json:"status"` // accepted, sent, delivered, read, failed (out); received (in)
	Error     *errorInfo `json:"error,omitempty"`
	Timestamp int64      `json:"timestamp"`
	MediaID   string     `json:"media_id,omitempty"`
	ContextID string     `json:"context_id,omitempty"`
	Category  string     `json:"category,omitempty"`
	Template  string     `json:"template,omitempty"`
	BizOpaque string     `json:"biz_opaque_callback_data,omitempty"`
	Pricing   *pricing   `json:"pricing,omitempty"`
}

type chatBtn struct {
	Kind    string `json:"kind"` // quick_reply, url, phone_number, reply (interactive), list_row
	ID      string `json:"id"`   // payload or reply id
	Title   string `json:"title"`
	Section string `json:"section,omitempty"`
}

type errorInfo struct {
	Code  int    `json:"code"`
	Title string `json:"title"`
}

// maxHistory bounds each chat's kept messages so load tests don't grow the
// heap without limit; Sent keeps the exact count.
const maxHistory = 500

func (c *chat) add(m *chatMsg) {
	if len(c.Messages) >= maxHistory {
		n := len(c.Messages) - maxHistory + 1
		c.Messages = append(c.Messages[:0:0], c.Messages[n:]...)
		c.Dropped += n
	}
	c.Messages = append(c.Messages, m)
}

func (c *chat) find(id string) *chatMsg {
	for i := len(c.Messages) - 1; i >= 0; i-- {
		if c.Messages[i].ID == id {
			return c.Messages[i]
		}
	}
	return nil
}

// windowOpen reports whether the 24-hour customer-service window is open.
func (c *chat) windowOpen(now time.Time) bool {
	return !c.LastInbound.IsZero() && now.Before(c.LastInbound.Add(24*time.Hour))
}

// customer is what the control API says about one WhatsApp user.
type customer struct {
	Typed         string `json:"typed"`
	WAID          string `json:"wa_id"`
	NotOnWhatsApp bool   `json:"not_on_whatsapp"`
}

// chatOf returns (creating) the chat with waID. Caller must not hold p.mu.
func (p *phone) chatOf(waID string) *chat {
	p.mu.Lock()
	defer p.mu.Unlock()
	c := p.chats[waID]
	if c == nil {
		c = &chat{chatState: chatState{WAID: waID}}
		p.chats[waID] = c
	}
	return c
}

// chatIfAny returns the chat with waID or nil.
func (p *phone) chatIfAny(waID string) *chat {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.chats[waID]
}
