package metasim

import "strings"

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
	var changes []statusChange
	w.mu.Lock()
	for _, t := range w.Templates {
		if t.Status != "PENDING" || now.Before(t.ReviewAt) {
			continue
		}
		t.Status, t.RejectedReason = reviewOutcome(t)
		changes = append(changes, statusChange{*t, "PENDING", t.Status, t.RejectedReason})
	}
	w.mu.Unlock()
	for _, c := range changes {
		s.emitTemplateStatus(w.ID, c)
	}
}

// setTemplateStatus moves a template to status (control API: APPROVED,
// REJECTED, PAUSED, DISABLED, IN_APPEAL, ...) and announces it.
func (s *Sim) setTemplateStatus(w *waba, t *template, status, reason string) {
	w.mu.Lock()
	from := t.Status
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
	s.emitTemplateStatus(w.ID, statusChange{cp, from, status, reason})
}
