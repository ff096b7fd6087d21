package main

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"maps"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestRunMetasimPrintsAccount: once listening, the command prints exactly
// one JSON line describing a ready test account, and stops on cancel.
func TestRunMetasimPrintsAccount(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	pr, pw := io.Pipe()
	done := make(chan error, 1)
	go func() {
		done <- runMetasimTo(ctx, []string{"--addr", "127.0.0.1:0", "--review-delay", "0s"}, pw, io.Discard)
		_ = pw.Close()
	}()
	sc := bufio.NewScanner(pr)
	if !sc.Scan() {
		t.Fatal("no output")
	}
	var acc map[string]string
	if err := json.Unmarshal(sc.Bytes(), &acc); err != nil {
		t.Fatalf("not JSON: %q", sc.Text())
	}
	// Exactly the contract's keys (API-CONTRACT.md "Process"), none empty:
	// scripts parse this line.
	want := []string{"access_token", "app_secret", "business_id", "display_phone_number", "graph_url", "phone_number_id", "waba_id"}
	if keys := slices.Sorted(maps.Keys(acc)); !slices.Equal(keys, want) {
		t.Errorf("keys %v, want exactly %v", keys, want)
	}
	for _, k := range want {
		if acc[k] == "" {
			t.Errorf("empty %s in %v", k, acc)
		}
	}
	body := `{"messaging_product":"whatsapp","to":"5511987654321","type":"template","template":{"name":"hello_world","language":{"code":"en_US"}}}`
	req, _ := http.NewRequest("POST", acc["graph_url"]+"/v23.0/"+acc["phone_number_id"]+"/messages", strings.NewReader(body))
	req.Header.Set("Authorization", "Bearer "+acc["access_token"])
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Errorf("hello_world send: %d", resp.StatusCode)
	}
	cancel()
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("did not stop on cancel")
	}
	if sc.Scan() {
		t.Errorf("extra output: %q", sc.Text())
	}
}
