package web

import "net/http"

// The top bar's availability switch (Disponível/Ausente): round-robin
// assignment gives new conversations only to available agents, and the
// agent sets it here. The state is the API's (PUT /api/v1/me/availability
// from app.js), so it follows the user to any browser.

type availabilityState struct{ On bool }

// loadAvailability reads the signed-in user's availability for the top
// bar; on any failure (an API without the route) the switch is left out
// rather than shown in a state that may be wrong.
func (u *UI) loadAvailability(r *http.Request, v *view) {
	var out struct {
		Available *bool `json:"available"`
	}
	if err := u.apiGet(r, v, "/api/v1/me/availability", &out); err != nil || out.Available == nil {
		return
	}
	v.Available = &availabilityState{On: *out.Available}
}
