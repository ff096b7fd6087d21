package conversa

import (
	"testing"
	"time"
)

func TestApplyStatusIgnoresOlderReports(t *testing.T) {
	t0 := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	tpl := &Template{Status: TemplatePending, StatusAt: t0}
	steps := []struct {
		c       TemplateStatusChange
		changed bool
		want    TemplateStatus
	}{
		{TemplateStatusChange{Status: TemplateRejected, Reason: "INVALID_FORMAT", At: t0.Add(2 * time.Second)}, true, TemplateRejected},
		{TemplateStatusChange{Status: TemplateApproved, At: t0.Add(time.Second)}, false, TemplateRejected}, // older: ignored
		{TemplateStatusChange{Status: TemplateRejected, Reason: "INVALID_FORMAT", At: t0.Add(2 * time.Second)}, false, TemplateRejected},
		{TemplateStatusChange{Info: "FLAGGED", At: t0.Add(3 * time.Second)}, true, TemplateRejected},
		{TemplateStatusChange{Status: TemplateDeleted, At: t0.Add(4 * time.Second)}, true, TemplateDeleted},
		{TemplateStatusChange{Status: TemplateApproved, At: t0.Add(5 * time.Second)}, false, TemplateDeleted}, // webhooks never undelete
		{TemplateStatusChange{Status: TemplatePending, At: t0.Add(6 * time.Second), Observed: true}, true, TemplatePending},
	}
	for i, s := range steps {
		if got := tpl.ApplyStatus(s.c); got != s.changed || tpl.Status != s.want {
			t.Fatalf("step %d: changed=%v status=%s, want %v %s", i, got, tpl.Status, s.changed, s.want)
		}
	}
	if tpl.RejectedReason != "" {
		t.Errorf("reason kept after leaving REJECTED: %q", tpl.RejectedReason)
	}
	if !tpl.ApplyCategory(CategoryMarketing, t0) || tpl.ApplyCategory(CategoryUtility, t0.Add(-time.Second)) || tpl.Category != CategoryMarketing {
		t.Errorf("category = %s", tpl.Category)
	}
	if TemplateEventStatus("reinstated") != TemplateApproved || TemplateEventStatus("FLAGGED") != "" {
		t.Error("event mapping")
	}
}

func TestPriceTableValidate(t *testing.T) {
	if err := DefaultPriceTable().Validate(); err != nil {
		t.Fatalf("defaults invalid: %v", err)
	}
	bad := []PriceTable{
		{Currency: "BRL", Rates: map[string]Rates{OtherRegion: {}}},
		{Currency: "USD", Rates: map[string]Rates{"BR": {}}},
		{Currency: "USD", Rates: map[string]Rates{OtherRegion: {}, "Brasil": {}}},
		{Currency: "USD", Rates: map[string]Rates{OtherRegion: {Utility: -1}}},
	}
	for i, tb := range bad {
		if ErrorCode(tb.Validate()) != EINVALID {
			t.Errorf("table %d accepted", i)
		}
	}
	if MoneyFromUnits(0.0068) != 6800 || Money(62500).Units() != 0.0625 {
		t.Error("unit conversion")
	}
}
