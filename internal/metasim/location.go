package metasim

import (
	"encoding/json"
	"math"
)

// locationObj is a pin in a send: a location message or a template's
// LOCATION header parameter.
type locationObj struct {
	Latitude  coord  `json:"latitude"`
	Longitude coord  `json:"longitude"`
	Name      string `json:"name"`
	Address   string `json:"address"`
}

// coord is a latitude or longitude. Meta's send examples write them as
// decimal strings ("37.44211676562361") and many clients as numbers; both
// are taken. A value that is neither is kept as bad instead of failing
// the whole body, so the send gets Meta's parameter error, not code 100.
type coord struct {
	v        float64
	set, bad bool
}

func (c *coord) UnmarshalJSON(b []byte) error {
	var n json.Number
	if json.Unmarshal(b, &n) != nil {
		*c = coord{set: true, bad: true}
		return nil
	}
	if n == "" { // null
		return nil
	}
	f, err := n.Float64()
	*c = coord{v: f, set: true, bad: err != nil}
	return nil
}

// within reports a valid value in [-limit, limit].
func (c coord) within(limit float64) bool {
	return !c.bad && !math.IsNaN(c.v) && math.Abs(c.v) <= limit
}

// checkPin validates a pin: both coordinates given (else missingCode) and
// in range (else badCode). where names it in Meta's parameter notation.
func checkPin(l *locationObj, where string, missingCode, badCode int) *metaError {
	switch {
	case l == nil || !l.Latitude.set || !l.Longitude.set:
		return metaErr(missingCode, "The parameters "+where+"['latitude'] and "+where+"['longitude'] are required.")
	case !l.Latitude.within(90) || !l.Longitude.within(180):
		return metaErr(badCode, "Param "+where+" needs a latitude between -90 and 90 and a longitude between -180 and 180.")
	}
	return nil
}
