package metasim

import "testing"

// TestLimitWebhookExamples: a throughput upgrade and a messaging-limit
// change are announced in the shapes and with the values Meta documents
// today; a quality change is announced by none (Meta dropped FLAGGED and
// UNFLAGGED from phone_number_quality_update).
func TestLimitWebhookExamples(t *testing.T) {
	e := newEnv(t, Options{})
	h := newHookSink(t, e.acc.AppSecret)
	e.subscribe(h)
	must(t, e.sim.SetQuality(e.acc.PhoneNumberID, "RED"))
	must(t, e.sim.SetTier(e.acc.PhoneNumberID, "TIER_2K"))
	capability := func(limit float64) map[string]any {
		return waitBody(t, h, "business_capability_update", func(v map[string]any) bool {
			return v["max_daily_conversations_per_business"] == limit
		})
	}
	likeDoc(t, "capability/business_capability_update.json", capability(2000))
	must(t, e.sim.SetTier(e.acc.PhoneNumberID, "TIER_UNLIMITED"))
	capability(-1)
	must(t, e.sim.SetTier(e.acc.PhoneNumberID, "TIER_250"))
	likeDoc(t, "capability/business_capability_update.json", capability(250),
		"$.entry[].changes[].value.max_phone_numbers_per_waba", "$.entry[].changes[].value.max_phone_numbers_per_business")
	must(t, e.sim.SetThroughput(e.acc.PhoneNumberID, 1000))
	up := waitBody(t, h, "THROUGHPUT_UPGRADE", func(v map[string]any) bool { return v["event"] == "THROUGHPUT_UPGRADE" })
	// max_daily_conversations_per_business is in the page's syntax, not its example.
	likeDoc(t, "webhooks/phone_number_quality_update.json", up, "$.entry[].changes[].value.max_daily_conversations_per_business")
	v := up["entry"].([]any)[0].(map[string]any)["changes"].([]any)[0].(map[string]any)["value"].(map[string]any)
	if v["current_limit"] != "TIER_UNLIMITED" || v["max_daily_conversations_per_business"] != "TIER_250" || v["display_phone_number"] != e.acc.DisplayPhoneNumber {
		t.Errorf("throughput upgrade = %v", v)
	}
	for _, q := range h.values("phone_number_quality_update") {
		if q["event"] != "THROUGHPUT_UPGRADE" {
			t.Errorf("undocumented event %v", q)
		}
	}
}
