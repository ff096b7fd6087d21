package conversa

import (
	"strings"
	"time"
)

// CampaignStatus is where a campaign is in its life:
// draft → scheduled → running ⇄ paused → completed | cancelled.
type CampaignStatus string

const (
	CampaignDraft     CampaignStatus = "draft"
	CampaignScheduled CampaignStatus = "scheduled"
	CampaignRunning   CampaignStatus = "running"
	CampaignPaused    CampaignStatus = "paused"
	CampaignCompleted CampaignStatus = "completed"
	CampaignCancelled CampaignStatus = "cancelled"
)

// Campaign sends one approved template to every member of a contact list
// on one channel.
type Campaign struct {
	ID               int64    `json:"id"`
	CompanyID        int64    `json:"-"`
	ChannelID        int64    `json:"channel_id"`
	ListID           int64    `json:"list_id"`
	Name             string   `json:"name"`
	TemplateName     string   `json:"template_name"`
	TemplateLanguage string   `json:"template_language"`
	Category         Category `json:"category"`
	// VariableMap names, for each body variable in order and then each
	// header and button input (Template.Inputs), the list column that
	// fills it ("name" is the member's name), or the media link or id
	// given for everyone.
	VariableMap   []string       `json:"variable_map"`
	Status        CampaignStatus `json:"status"`
	PauseReason   string         `json:"pause_reason,omitempty"`
	PauseReasonPT string         `json:"pause_reason_pt,omitempty"`
	ScheduledAt   *time.Time     `json:"scheduled_at,omitempty"`
	Hours         SendingHours   `json:"sending_hours"`
	ExpectedCost  Money          `json:"expected_cost"`
	StartedAt     *time.Time     `json:"started_at,omitempty"`
	FinishedAt    *time.Time     `json:"finished_at,omitempty"`
	CreatedAt     time.Time      `json:"created_at"`
}

// SendingHours limits sends to [Start, End) minutes after midnight in
// TimeZone; End 0 means any time.
type SendingHours struct {
	Start    int    `json:"start"`
	End      int    `json:"end"`
	TimeZone string `json:"time_zone"`
}

// Allows reports whether t falls inside the sending hours, and otherwise
// when they open next.
func (h SendingHours) Allows(t time.Time) (bool, time.Time) {
	if h.End <= 0 {
		return true, t
	}
	loc, err := time.LoadLocation(h.TimeZone)
	if err != nil {
		loc = time.UTC
	}
	lt := t.In(loc)
	mins := lt.Hour()*60 + lt.Minute()
	in := mins >= h.Start && mins < h.End
	if h.Start > h.End { // overnight (22:00–06:00)
		in = mins >= h.Start || mins < h.End
	}
	if in {
		return true, t
	}
	day := time.Date(lt.Year(), lt.Month(), lt.Day(), 0, 0, 0, 0, loc)
	next := day.Add(time.Duration(h.Start) * time.Minute)
	if !next.After(t) {
		next = next.AddDate(0, 0, 1)
	}
	return false, next
}

// RecipientStatus is one recipient's progress. After accepted the linked
// message's status (sent, delivered, read, failed) is what counts.
type RecipientStatus string

const (
	RecipientPending  RecipientStatus = "pending"
	RecipientSending  RecipientStatus = "sending"  // attempt recorded before calling Meta
	RecipientAccepted RecipientStatus = "accepted" // Meta answered with a wamid
	RecipientFailed   RecipientStatus = "failed"
	RecipientExcluded RecipientStatus = "excluded" // opted out at send time
)

// TierLimit is the number of unique business-initiated recipients a tier
// allows in a rolling 24 h; 0 means unlimited (or not known yet).
func TierLimit(tier string) int {
	switch strings.ToUpper(tier) {
	case "TIER_50":
		return 50
	case "TIER_250":
		return 250
	case "TIER_1K":
		return 1000
	case "TIER_2K":
		return 2000
	case "TIER_10K":
		return 10000
	case "TIER_100K":
		return 100000
	}
	return 0
}

// MaxThroughput is Meta's highest messages per second for one number;
// DefaultThroughput is what a number starts with.
const (
	MaxThroughput     = 1000
	DefaultThroughput = 80
)

// ContactList is a company's imported list of people to message.
type ContactList struct {
	ID        int64         `json:"id"`
	CompanyID int64         `json:"-"`
	Name      string        `json:"name"`
	Columns   []string      `json:"columns"` // variable columns, in CSV order
	Members   int           `json:"members"`
	Rejected  []RejectedRow `json:"rejected"`
	CreatedAt time.Time     `json:"created_at"`
}

// ListMember is one person of a list; WAKey is CanonicalWAID of Phone.
type ListMember struct {
	ID        int64             `json:"id"`
	WAKey     string            `json:"-"`
	Phone     string            `json:"phone"` // E.164
	Name      string            `json:"name"`
	Variables map[string]string `json:"variables"`
	Tags      []string          `json:"tags"`
}

// RejectedRow is an import row left out of a list, and why.
type RejectedRow struct {
	Line     int    `json:"line"` // 1-based, counting the header
	Phone    string `json:"phone"`
	Reason   string `json:"reason"` // invalid_phone, duplicate, opted_out, missing_variable
	Detail   string `json:"detail"`
	DetailPT string `json:"detail_pt"`
}

// CampaignRecipient is one person of a campaign and where their message is.
type CampaignRecipient struct {
	ID             int64           `json:"id"`
	CompanyID      int64           `json:"-"`
	CampaignID     int64           `json:"campaign_id"`
	ChannelID      int64           `json:"-"`
	WAKey          string          `json:"-"`
	WAID           string          `json:"wa_id"`
	Name           string          `json:"name"`
	Params         []string        `json:"params"`
	Status         RecipientStatus `json:"status"`
	MessageStatus  MessageStatus   `json:"message_status,omitempty"` // of the linked message
	NotBefore      *time.Time      `json:"-"`
	MessageID      *int64          `json:"message_id,omitempty"`
	ConversationID *int64          `json:"conversation_id,omitempty"`
	ErrorCode      int             `json:"error_code,omitempty"`
	Error          string          `json:"error,omitempty"`
	AttemptedAt    *time.Time      `json:"attempted_at,omitempty"`
	Replied        bool            `json:"replied"` // the customer wrote back after the campaign's message (listings only)
}

// Effective is the recipient's status as people read it: once Meta has
// the message, the message's own status (sent, delivered, read, failed).
func (r CampaignRecipient) Effective() string {
	switch r.MessageStatus {
	case StatusSent, StatusDelivered, StatusRead, StatusFailed:
		if r.Status == RecipientAccepted || r.Status == RecipientSending {
			return string(r.MessageStatus)
		}
	}
	return string(r.Status)
}
