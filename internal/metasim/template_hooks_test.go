package metasim

import "testing"

// TestTemplateStatusExamples: a template's life, from review to deletion,
// announced with each event's documented payload: reason NONE when
// approved, paused or disabled, the rejection reason with rejection_info,
// other_info on a pause and an unpause, null once scheduled for deletion.
func TestTemplateStatusExamples(t *testing.T) {
	e := newEnv(t, Options{})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	if st, r := e.graph("POST", e.acc.WABAID+"/message_templates", string(docBytes(t, "api/template_create_request.json"))); st != 200 {
		t.Fatal(st, r)
	}
	e.graph("GET", e.acc.WABAID+"/message_templates", nil) // the review settles at the next look
	likeDoc(t, "webhooks/template_status_approved.json", templateHook(t, h, "APPROVED", false))
	for _, c := range []struct {
		status, doc string
		withInfo    bool
	}{
		{"PAUSED", "template_status_paused.json", true},
		{"APPROVED", "template_status_unpaused.json", true},
		{"REJECTED", "template_status_rejected.json", false},
		{"DISABLED", "template_status_disabled.json", false},
		{"PENDING_DELETION", "template_status_pending_deletion.json", false},
	} {
		must(t, e.sim.SetTemplateStatus(e.acc.WABAID, "seasonal_promotion", "en_US", c.status, ""))
		likeDoc(t, "webhooks/"+c.doc, templateHook(t, h, c.status, c.withInfo))
	}
}
