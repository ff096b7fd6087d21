package metasim

import (
	"strconv"
	"strings"
)

// Template review. A new or edited template is PENDING until ReviewAt (sim
// clock), then APPROVED or REJECTED by these deterministic rules, so tests
// can ask for either outcome:
//
//	name starts with "reject_" or body contains "REJECT"  → REJECTED, INVALID_FORMAT
//	name starts with "mismatch_"                           → REJECTED, TAG_CONTENT_MISMATCH
//	name starts with "abusive_"                            → REJECTED, ABUSIVE_CONTENT
//	anything else                                          → APPROVED
func reviewOutcome(t *template) (status, reason string) {
	body := ""
	if c := t.component("BODY"); c != nil {
		body = c.Text
	}
	switch {
	case strings.HasPrefix(t.Name, "reject_") || strings.Contains(body, "REJECT"):
		return "REJECTED", "INVALID_FORMAT"
	case strings.HasPrefix(t.Name, "mismatch_"):
		return "REJECTED", "TAG_CONTENT_MISMATCH"
	case strings.HasPrefix(t.Name, "abusive_"):
		return "REJECTED", "ABUSIVE_CONTENT"
	}
	return "APPROVED", ""
}

// settleReviews finishes every review whose time has come.
func (s *Sim) settleReviews() {
	s.mu.RLock()
	ws := make([]*waba, 0, len(s.wabas))
	for _, w := range s.wabas {
		ws = append(ws, w)
	}
	s.mu.RUnlock()
	for _, w := range ws {
		s.settleWABA(w)
	}
}

// settleWABA finishes w's due reviews and announces each by webhook.
func (s *Sim) settleWABA(w *waba) {
	now := s.now()
	type change struct {
		t              template
		status, reason string
	}
	var changes []change
	w.mu.Lock()
	for _, t := range w.Templates {
		if t.Status != "PENDING" || now.Before(t.ReviewAt) {
			continue
		}
		t.Status, t.RejectedReason = reviewOutcome(t)
		changes = append(changes, change{*t, t.Status, t.RejectedReason})
	}
	w.mu.Unlock()
	for _, c := range changes {
		s.emitTemplateStatus(w.ID, &c.t, c.status, c.reason)
	}
}

// setTemplateStatus moves a template to status (control API: APPROVED,
// REJECTED, PAUSED, DISABLED, IN_APPEAL, ...) and announces it.
func (s *Sim) setTemplateStatus(w *waba, t *template, status, reason string) {
	w.mu.Lock()
	t.Status = status
	if status == "REJECTED" {
		if reason == "" {
			reason = "INVALID_FORMAT"
		}
		t.RejectedReason = reason
	} else {
		t.RejectedReason = ""
	}
	cp := *t
	w.mu.Unlock()
	s.emitTemplateStatus(w.ID, &cp, status, reason)
}

// templateStatusValue is the value of a message_template_status_update
// change, as in Meta's reference.
type templateStatusValue struct {
	Event         string          `json:"event"`
	ID            int64           `json:"message_template_id"`
	Name          string          `json:"message_template_name"`
	Language      string          `json:"message_template_language"`
	Reason        string          `json:"reason"`
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

func (s *Sim) emitTemplateStatus(wabaID string, t *template, status, reason string) {
	id, _ := strconv.ParseInt(t.ID, 10, 64)
	v := templateStatusValue{Event: status, ID: id, Name: t.Name, Language: t.Language,
		Reason: reason, Category: t.Category}
	if v.Reason == "" {
		v.Reason = "NONE"
	}
	switch status {
	case "REJECTED":
		if reason == "INVALID_FORMAT" {
			v.RejectionInfo = &rejectionInfo{
				Reason:         "The simulator rejects templates named reject_* or whose body contains REJECT.",
				Recommendation: "Rename the template or change its body and submit it again."}
		}
	case "PAUSED":
		v.OtherInfo = &otherInfo{Title: "FIRST_PAUSE", Description: "Your WhatsApp message template has been paused because of low quality."}
	case "DISABLED":
		v.DisableInfo = &disableInfoVal{DisableDate: strconv.FormatInt(s.now().Unix(), 10)}
	}
	s.emit(wabaID, "message_template_status_update", v, "tpl:"+t.ID)
}
