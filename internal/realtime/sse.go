package realtime

import (
	"fmt"
	"net/http"
	"time"
)

// heartbeat keeps proxies from closing an idle stream.
const heartbeat = 25 * time.Second

// ServeSSE streams company's events to w as Server-Sent Events until the
// client goes away or the hub closes. Authentication is the caller's job. A lagged subscriber
// gets a "resync" event and the stream ends, so the browser reloads its view
// and reconnects instead of silently missing a message.
func (h *Hub) ServeSSE(w http.ResponseWriter, r *http.Request, company int64) {
	// ResponseController reaches Flush through middleware wrappers that
	// implement Unwrap (a plain w.(http.Flusher) assertion does not).
	flusher := http.NewResponseController(w)
	sub := h.Subscribe(company, 256)
	defer sub.Close()
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("X-Accel-Buffering", "no")
	fmt.Fprint(w, "retry: 2000\n: connected\n\n")
	if err := flusher.Flush(); err != nil {
		http.Error(w, "streaming unsupported", http.StatusInternalServerError)
		return
	}
	tick := time.NewTicker(heartbeat)
	defer tick.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-h.Closing():
			return
		case <-sub.Lagged():
			fmt.Fprint(w, "event: resync\ndata: {}\n\n")
			flusher.Flush()
			return
		case e := <-sub.C:
			data := e.Data
			if len(data) == 0 {
				data = []byte("{}")
			}
			fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Type, data)
			flusher.Flush()
		case <-tick.C:
			fmt.Fprint(w, ": ping\n\n")
			flusher.Flush()
		}
	}
}
