package conversa

import (
	"strings"
	"time"
)

// TemplateStatusChange is one report of a template's review state: from a
// message_template_status_update webhook, a sync listing, or Meta's answer
// to our own submission.
type TemplateStatusChange struct {
	Status TemplateStatus // "" for reports that carry only Info (FLAGGED, unknown events)
	Reason string         // Meta's rejection reason code, with REJECTED
	Info   string         // pause, disable, flag or rejection details
	At     time.Time      // when Meta was in this state (webhook entry time, or when we looked)
	// Observed: Conversa saw the template on Meta itself (sync, create,
	// edit), so it exists and may bring a DELETED row back. A webhook
	// never revives a deleted template: Meta cannot undelete one.
	Observed bool
}

// ApplyStatus folds c into t and reports whether anything changed. Meta
// redelivers and reorders webhooks, so a report older than the state t
// already holds is ignored; one at the same time applies (Meta's webhook
// times have whole seconds, so two events in one second arrive in delivery
// order and the periodic sync settles any tie).
func (t *Template) ApplyStatus(c TemplateStatusChange) bool {
	if c.At.Before(t.StatusAt) {
		return false
	}
	if t.Status == TemplateDeleted && !c.Observed {
		return false
	}
	before := *t
	if c.Info != "" || c.Status != "" {
		t.StatusInfo = c.Info
	}
	if c.Status == "" {
		return t.StatusInfo != before.StatusInfo
	}
	t.Status, t.StatusAt = c.Status, c.At
	t.RejectedReason = ""
	if c.Status == TemplateRejected {
		t.RejectedReason = c.Reason
	}
	return t.Status != before.Status || t.RejectedReason != before.RejectedReason || t.StatusInfo != before.StatusInfo
}

// ApplyCategory sets a category Meta reported at at, unless t already
// holds a newer one; it reports whether the category changed.
func (t *Template) ApplyCategory(c Category, at time.Time) bool {
	if c == "" || at.Before(t.CategoryAt) {
		return false
	}
	changed := t.Category != c
	t.Category, t.CategoryAt = c, at
	return changed
}

// templateEvents maps the events of message_template_status_update to the
// status they leave the template in. Events not listed (FLAGGED, which
// warns before a pause while the template stays APPROVED, and any event
// Meta adds later) change only StatusInfo: guessing a status could hide a
// working template or offer a blocked one; the periodic sync reads the
// real status from Meta.
var templateEvents = map[string]TemplateStatus{
	"APPROVED":         TemplateApproved,
	"PENDING":          TemplatePending,
	"REJECTED":         TemplateRejected,
	"PAUSED":           TemplatePaused,
	"DISABLED":         TemplateDisabled,
	"IN_APPEAL":        TemplateInAppeal,
	"PENDING_DELETION": TemplatePendingDeletion,
	"DELETED":          TemplateDeleted,
	"REINSTATED":       TemplateApproved, // a paused or appealed template is back in use
	"UNPAUSED":         TemplateApproved,
	"ARCHIVED":         "ARCHIVED",
	"LIMIT_EXCEEDED":   "LIMIT_EXCEEDED",
}

// TemplateEventStatus returns the status a webhook event leaves a template
// in, or "" when the event is informational or unknown.
func TemplateEventStatus(event string) TemplateStatus {
	return templateEvents[strings.ToUpper(strings.TrimSpace(event))]
}

// MetaTemplateStatus reads a status as listed by the Graph API. Meta's
// status list is open-ended, so unknown values are kept as they are: only
// APPROVED is ever sendable.
func MetaTemplateStatus(s string) TemplateStatus {
	return TemplateStatus(strings.ToUpper(strings.TrimSpace(s)))
}
