package main

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/conversa/conversa/internal/store/storetest"
)

// The sandbox's first start: the demo company has a group with its agent
// and supervisor and a channel connected to the simulator's test account,
// whose webhooks point at this server; the banner shows the phone page.
func TestSandboxSeedsConnectedChannel(t *testing.T) {
	for name, dsn := range map[string]func(*testing.T) string{
		"sqlite":   func(*testing.T) string { return "" },
		"postgres": func(t *testing.T) string { return storetest.PostgresDSN(t) },
	} {
		t.Run(name, func(t *testing.T) {
			base, out := startServer(t, dsn(t))
			if banner := out.String(); !strings.Contains(banner, base+"/sim/_sim/phone") {
				t.Fatalf("banner lacks the phone page:\n%s", banner)
			}
			resp := post(t, base+"/api/v1/auth/login", map[string]string{"domain": "demo", "email": "admin@demo.example", "password": demoPassword})
			var login struct{ Token string }
			json.NewDecoder(resp.Body).Decode(&login)
			get := func(path string, v any) {
				t.Helper()
				req, _ := http.NewRequest("GET", base+path, nil)
				req.Header.Set("Authorization", "Bearer "+login.Token)
				resp, err := http.DefaultClient.Do(req)
				if err != nil || resp.StatusCode != 200 {
					t.Fatalf("GET %s: %v %v", path, resp, err)
				}
				defer resp.Body.Close()
				json.NewDecoder(resp.Body).Decode(v)
			}
			var chans struct {
				Data []struct {
					ID      int64
					GroupID int64 `json:"group_id"`
					Status  string
				}
			}
			get("/api/v1/channels", &chans)
			if len(chans.Data) != 1 || chans.Data[0].Status != "connected" {
				t.Fatalf("seeded channels: %+v", chans)
			}
			var members struct{ Data []struct{ Role string } }
			get("/api/v1/channel-groups/1/members", &members)
			if len(members.Data) != 2 {
				t.Fatalf("group members: %+v", members)
			}
			var ready struct{ Ready bool }
			get("/api/v1/channels/1/readiness", &ready)
			if !ready.Ready {
				t.Fatal("the sandbox channel is not ready")
			}
		})
	}
}
