package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/loadgen"
	"github.com/conversa/conversa/internal/store/storetest"
)

// Two nodes on one PostgreSQL (issue 5): an inbound message posted to node
// A reaches a browser subscribed to node B's live stream (LISTEN/NOTIFY).
func TestTwoNodesShareLiveEvents(t *testing.T) {
	dsn := storetest.PostgresDSN(t)                         // skips with a message without PostgreSQL
	t.Setenv("CONVERSA_SECRET_KEY", "two-nodes-shared-key") // both nodes unseal the channel's app secret
	nodeA, _ := startServer(t, dsn)
	nodeB, _ := startServer(t, dsn)

	target := loadgen.WebhookTarget{URL: nodeA + "/webhooks/whatsapp", AppSecret: "two-nodes-secret",
		PhoneNumberID: "two-nodes-number", WABAID: "two-nodes-waba", RunID: "two-nodes"}
	addDemoChannel(t, dsn, target)
	api := &apiClient{base: nodeB}
	var login struct{ Token string }
	api.call(t, "POST", "/api/v1/auth/login", map[string]string{"domain": demoDomain, "email": "admin@demo.example", "password": demoPassword}, &login, http.StatusOK)
	api.token = login.Token
	events := subscribe(t, nodeB, api.token)

	body := target.Payload(1, time.Now())
	req, _ := http.NewRequest("POST", target.URL, bytes.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("X-Hub-Signature-256", loadgen.Sign(target.AppSecret, body))
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("webhook to node A: %v %v", resp, err)
	}
	resp.Body.Close()

	// Other tests' schemas share the NOTIFY channel, so the event must name
	// a message node B's API shows with our wamid.
	deadline := time.After(30 * time.Second)
	for {
		select {
		case ev := <-events:
			if ev.conversationID > 0 && hasWAMID(t, api, ev.conversationID, "wamid.load.two-nodes.1") {
				return
			}
		case <-deadline:
			t.Fatal("node B's stream never got the message.created of the webhook posted to node A")
		}
	}
}

// addDemoChannel connects target's number to the demo company, straight
// in the shared database.
func addDemoChannel(t *testing.T, dsn string, target loadgen.WebhookTarget) {
	st := openForTest(t, t.TempDir(), dsn)
	ctx := context.Background()
	c, err := st.CompanyByDomain(ctx, demoDomain)
	if err != nil {
		t.Fatal(err)
	}
	g, err := groupNamed(ctx, st, c.ID, "Nós")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := st.CreateChannel(ctx, conversa.Channel{CompanyID: c.ID, GroupID: g.ID, Type: conversa.ChannelWABA, Name: "Two nodes",
		Status: conversa.ChannelConnected, WABA: &conversa.WABAConfig{WABAID: target.WABAID, PhoneNumberID: target.PhoneNumberID,
			AppSecret: target.AppSecret, AccessToken: "token"}}); err != nil {
		t.Fatal(err)
	}
}

type liveEvent struct{ conversationID int64 }

// subscribe opens base's SSE stream and returns its message.created
// events once the stream is connected.
func subscribe(t *testing.T, base, token string) <-chan liveEvent {
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	req, _ := http.NewRequestWithContext(ctx, "GET", base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+token)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != http.StatusOK {
		t.Fatalf("events stream: %v %v", resp, err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	sc := bufio.NewScanner(resp.Body)
	if !sc.Scan() || !sc.Scan() || sc.Text() != ": connected" {
		t.Fatalf("stream did not connect: %q", sc.Text())
	}
	out := make(chan liveEvent, 64)
	go func() {
		typ := ""
		for sc.Scan() {
			line := sc.Text()
			if v, ok := strings.CutPrefix(line, "event: "); ok {
				typ = v
			}
			if v, ok := strings.CutPrefix(line, "data: "); ok && typ == "message.created" {
				var d struct {
					ConversationID int64 `json:"conversation_id"`
				}
				json.Unmarshal([]byte(v), &d)
				out <- liveEvent{d.ConversationID}
			}
		}
	}()
	return out
}

func hasWAMID(t *testing.T, api *apiClient, conversationID int64, wamid string) bool {
	var list struct{ Data []struct{ WAMID *string } }
	if doJSON(t, "GET", fmt.Sprintf("%s/api/v1/conversations/%d/messages", api.base, conversationID), api.token, nil, &list) != http.StatusOK {
		return false // another schema's conversation
	}
	for _, m := range list.Data {
		if m.WAMID != nil && *m.WAMID == wamid {
			return true
		}
	}
	return false
}
