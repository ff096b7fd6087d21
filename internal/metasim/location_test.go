package metasim

import (
	"encoding/json"
	"testing"
)

// TestLocationHeaderRequired: a template whose header is LOCATION needs
// the pin in the send, as at Meta; Meta's documented request (string
// coordinates) and numeric coordinates are both taken.
func TestLocationHeaderRequired(t *testing.T) {
	e := newEnv(t, Options{})
	if st, r := e.graph("POST", e.acc.WABAID+"/message_templates", string(docBytes(t, "api/template_create_named_request.json"))); st != 200 {
		t.Fatal(st, r)
	}
	var doc map[string]any
	must(t, json.Unmarshal(docBytes(t, "send/template_location.json"), &doc))
	comps := doc["template"].(map[string]any)["components"].([]any)
	header, body := comps[0].(map[string]any), comps[1].(map[string]any)
	pin := func(loc map[string]any) map[string]any {
		return map[string]any{"type": "header", "parameters": []any{map[string]any{"type": "location", "location": loc}}}
	}
	image := map[string]any{"type": "header", "parameters": []any{map[string]any{"type": "image", "image": map[string]any{"link": "https://example.com/a.png"}}}}
	for _, c := range []struct {
		name  string
		comps []map[string]any
		code  int
	}{
		{"documented", []map[string]any{header, body}, 0},
		{"numbers", []map[string]any{pin(map[string]any{"latitude": -23.5614, "longitude": -46.6559}), body}, 0},
		{"no header", []map[string]any{body}, 132000},
		{"empty header", []map[string]any{{"type": "header", "parameters": []any{}}, body}, 132000},
		{"image for a location", []map[string]any{image, body}, 132012},
		{"no latitude", []map[string]any{pin(map[string]any{"longitude": "-46.6"}), body}, 132012},
		{"out of range", []map[string]any{pin(map[string]any{"latitude": "91", "longitude": "-46.6"}), body}, 132012},
		{"not a number", []map[string]any{pin(map[string]any{"latitude": "norte", "longitude": "-46.6"}), body}, 132012},
		{"no location object", []map[string]any{{"type": "header", "parameters": []any{map[string]any{"type": "location"}}}, body}, 132012},
	} {
		e.customer("16505551234", "oi")
		st, r := e.send(tpl("16505551234", "order_delivery_update", "en_US", c.comps...))
		if errCode(r) != c.code || (c.code == 0 && st != 200) {
			t.Errorf("%s: got %d %v, want code %d", c.name, st, r, c.code)
		}
	}
}

// TestLocationMessageCoordinates: a location message takes Meta's string
// coordinates too, and refuses what is not a pin with a parameter error.
func TestLocationMessageCoordinates(t *testing.T) {
	e := newEnv(t, Options{})
	e.customer(ana, "oi")
	loc := func(lat, lon any) map[string]any {
		return map[string]any{"to": ana, "type": "location", "location": map[string]any{"latitude": lat, "longitude": lon, "name": "Loja"}}
	}
	for _, c := range []struct {
		lat, lon any
		code     int
	}{
		{"37.44216251868683", "-122.16153582049394", 0},
		{-23.5, -46.6, 0},
		{nil, -46.6, 131008},
		{"abc", "-46.6", 131009},
		{-23.5, 181, 131009},
	} {
		st, r := e.send(loc(c.lat, c.lon))
		if errCode(r) != c.code || (c.code == 0 && st != 200) {
			t.Errorf("%v, %v: got %d %v, want code %d", c.lat, c.lon, st, r, c.code)
		}
	}
}
