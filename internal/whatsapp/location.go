package whatsapp

import (
	"encoding/json"
	"fmt"
	"strconv"
)

// Location is a pin, sent or received. It decodes coordinates written as
// numbers (webhooks) or as decimal strings (Meta's send examples, and our
// own stored template requests).
type Location struct {
	Latitude  float64 `json:"latitude"`
	Longitude float64 `json:"longitude"`
	Name      string  `json:"name,omitempty"`
	Address   string  `json:"address,omitempty"`
	URL       string  `json:"url,omitempty"` // inbound only
}

func (l *Location) UnmarshalJSON(b []byte) error {
	type plain Location
	var v struct {
		plain
		Latitude  json.Number `json:"latitude"`
		Longitude json.Number `json:"longitude"`
	}
	if err := json.Unmarshal(b, &v); err != nil {
		return err
	}
	lat, err := coordinate(v.Latitude)
	if err != nil {
		return err
	}
	lon, err := coordinate(v.Longitude)
	if err != nil {
		return err
	}
	*l = Location(v.plain)
	l.Latitude, l.Longitude = lat, lon
	return nil
}

func coordinate(n json.Number) (float64, error) {
	if n == "" {
		return 0, nil
	}
	f, err := n.Float64()
	if err != nil {
		return 0, fmt.Errorf("whatsapp: location coordinate %q: %w", n, err)
	}
	return f, nil
}

// MarshalJSON writes a LOCATION header parameter the way Meta's template
// pages send it: latitude and longitude as decimal strings
// ("37.44211676562361"), not numbers.
func (p Parameter) MarshalJSON() ([]byte, error) {
	type plain Parameter
	if p.Location == nil {
		return json.Marshal(plain(p))
	}
	l := p.Location
	return json.Marshal(struct {
		plain
		Location templateLocation `json:"location"`
	}{plain(p), templateLocation{Latitude: decimal(l.Latitude), Longitude: decimal(l.Longitude),
		Name: l.Name, Address: l.Address}})
}

type templateLocation struct {
	Latitude  string `json:"latitude"`
	Longitude string `json:"longitude"`
	Name      string `json:"name,omitempty"`
	Address   string `json:"address,omitempty"`
}

// decimal is the shortest text that reads back as f.
func decimal(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }
