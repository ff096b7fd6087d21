package metasim

import (
	"strconv"
	"time"
)

// message_template_status_update webhooks, per event as Meta's reference
// (developers.facebook.com/documentation/business-messaging/whatsapp/
// webhooks/reference/message_template_status_update) documents them:
// reason is the rejection reason, "NONE" otherwise (its APPROVED example),
// and null when the template is scheduled for deletion; rejection_info
// only with INVALID_FORMAT; other_info for a pause or unpause;
// disable_info when disabled.

// statusChange is one template status move to announce.
type statusChange struct {
	t        template
	from, to string
	reason   string
}

type templateStatusValue struct {
	Event         string          `json:"event"`
	ID            int64           `json:"message_template_id"`
	Name          string          `json:"message_template_name"`
	Language      string          `json:"message_template_language"`
	Reason        *string         `json:"reason"`
	Category      string          `json:"message_template_category"`
	RejectionInfo *rejectionInfo  `json:"rejection_info,omitempty"`
	OtherInfo     *otherInfo      `json:"other_info,omitempty"`
	DisableInfo   *disableInfoVal `json:"disable_info,omitempty"`
}

type rejectionInfo struct {
	Reason         string `json:"reason"`
	Recommendation string `json:"recommendation"`
}

type otherInfo struct {
	Title       string `json:"title"`
	Description string `json:"description"`
}

type disableInfoVal struct {
	DisableDate string `json:"disable_date"`
}

func (s *Sim) emitTemplateStatus(wabaID string, c statusChange) {
	s.emit(wabaID, "message_template_status_update", templateStatusHook(c, s.now()), "tpl:"+c.t.ID)
}

func templateStatusHook(c statusChange, now time.Time) templateStatusValue {
	id, _ := strconv.ParseInt(c.t.ID, 10, 64)
	v := templateStatusValue{Event: c.to, ID: id, Name: c.t.Name, Language: c.t.Language,
		Reason: statusReason(c.to, c.reason), Category: c.t.Category}
	switch {
	case c.to == "REJECTED" && c.reason == "INVALID_FORMAT":
		v.RejectionInfo = &rejectionInfo{
			Reason:         "The simulator rejects templates named reject_* or whose body contains REJECT.",
			Recommendation: "Rename the template or change its body and submit it again."}
	case c.to == "PAUSED":
		v.OtherInfo = &otherInfo{Title: "FIRST_PAUSE", Description: "Your WhatsApp message template has been paused because of low quality."}
	case c.to == "APPROVED" && c.from == "PAUSED":
		v.OtherInfo = &otherInfo{Title: "UNPAUSE", Description: "Your WhatsApp message template has been unpaused."}
	case c.to == "DISABLED":
		v.DisableInfo = &disableInfoVal{DisableDate: strconv.FormatInt(now.Unix(), 10)}
	}
	return v
}

// statusReason: null for a template scheduled for deletion (archived
// templates are deleted after 28 days, PENDING_DELETION ones were deleted
// in WhatsApp Manager), the rejection reason when there is one, else NONE.
func statusReason(event, reason string) *string {
	switch {
	case event == "PENDING_DELETION" || event == "ARCHIVED":
		return nil
	case reason == "":
		reason = "NONE"
	}
	return &reason
}
