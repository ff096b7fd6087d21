package intake

import (
	"slices"
	"testing"
	"time"
)

func TestParseRoutingKeys(t *testing.T) {
	tests := []struct {
		name   string
		body   string
		phones []string
		wabas  []string
		object string
		bad    bool
	}{
		{name: "messages and an account field",
			body: `{"object":"whatsapp_business_account","entry":[{"id":"W1","changes":[` +
				`{"field":"messages","value":{"metadata":{"phone_number_id":"P1"},"messages":[]}},` +
				`{"field":"messages","value":{"metadata":{"phone_number_id":"P1"}}},` +
				`{"field":"account_update","value":{"event":"X"}}]},` +
				`{"id":"W2","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":"P2"}}}]}]}`,
			phones: []string{"P1", "P2"}, wabas: []string{"W1"}, object: "whatsapp_business_account"},
		{name: "unknown field of any shape", body: `{"object":"whatsapp_business_account","entry":[{"id":"W","changes":[{"field":"new_thing","value":[1,"x"]}]}]}`,
			wabas: []string{"W"}, object: "whatsapp_business_account"},
		{name: "another product", body: `{"object":"page","entry":[]}`, object: "page"},
		{name: "empty object", body: `{}`},
		{name: "messages without value", body: `{"entry":[{"id":"W","changes":[{"field":"messages"}]}]}`},
		{name: "malformed", body: `{"object":"whatsapp_business_account","entry":[`, bad: true},
		{name: "trailing garbage", body: `{"object":"x"} {`, bad: true},
		{name: "array", body: `[1,2,3]`, bad: true},
		{name: "entry not an array", body: `{"entry":{"id":"W"}}`, bad: true},
		{name: "entry element not an object", body: `{"entry":[7]}`, bad: true},
		{name: "id not a string", body: `{"entry":[{"id":7,"changes":[]}]}`, bad: true},
		{name: "field not a string", body: `{"entry":[{"id":"W","changes":[{"field":1}]}]}`, bad: true},
		{name: "metadata of the wrong shape", body: `{"entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":7}}]}]}`, bad: true},
		{name: "value of the wrong shape", body: `{"entry":[{"id":"1","changes":[{"field":"messages","value":"x"}]}]}`, bad: true},
		{name: "phone number id not a string", body: `{"entry":[{"id":"1","changes":[{"field":"messages","value":{"metadata":{"phone_number_id":5}}}]}]}`, bad: true},
	}
	for _, tt := range tests {
		k, object, err := parseRoutingKeys([]byte(tt.body))
		if (err != nil) != tt.bad {
			t.Errorf("%s: err %v, want bad=%v", tt.name, err, tt.bad)
			continue
		}
		if !slices.Equal(k.phoneNumberIDs, tt.phones) || !slices.Equal(k.wabaIDs, tt.wabas) || object != tt.object {
			t.Errorf("%s: got %v %v %q, want %v %v %q", tt.name, k.phoneNumberIDs, k.wabaIDs, object, tt.phones, tt.wabas, tt.object)
		}
	}
}

func TestRateMeter(t *testing.T) {
	var m rateMeter
	at := func(ms int64) int64 { return ms * 1e6 }
	for i := range 50 {
		m.add(unixNano(at(1000 + int64(i))))
	}
	if r := m.perSecond(unixNano(at(1099))); r != 0 {
		t.Errorf("within the first bucket: %d/s, want 0 (no full bucket yet)", r)
	}
	if r := m.perSecond(unixNano(at(1150))); r != 500 {
		t.Errorf("next bucket: %d/s, want 500", r)
	}
	if r := m.perSecond(unixNano(at(1350))); r != 0 {
		t.Errorf("after an idle bucket: %d/s, want 0", r)
	}
}

func unixNano(n int64) time.Time { return time.Unix(0, n) }
