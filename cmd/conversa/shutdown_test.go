package main

import (
	"bufio"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"
)

// SIGTERM stops the server gracefully and promptly, even with an agent's
// live-update stream open (streams never end by themselves): the process
// exits 0 well before the shutdown deadline, and the stream is closed.
func TestGracefulShutdownWithOpenStream(t *testing.T) {
	bin := buildBinary(t)
	env := append(os.Environ(), "CONVERSA_DATA_DIR="+t.TempDir(), "CONVERSA_DATABASE_URL=", "CONVERSA_SECRET_KEY=")
	srv, base := startProcess(t, bin, env, "127.0.0.1:0")

	resp := post(t, base+"/api/v1/auth/login", map[string]string{"domain": "demo", "email": "agent@demo.example", "password": demoPassword})
	var login struct{ Token string }
	if err := json.NewDecoder(resp.Body).Decode(&login); err != nil || login.Token == "" {
		t.Fatalf("login: %d %v", resp.StatusCode, err)
	}
	req, _ := http.NewRequest("GET", base+"/api/v1/events", nil)
	req.Header.Set("Authorization", "Bearer "+login.Token)
	stream, err := http.DefaultClient.Do(req)
	if err != nil || stream.StatusCode != 200 {
		t.Fatalf("events: %v %v", stream, err)
	}
	defer stream.Body.Close()
	if line, _ := bufio.NewReader(stream.Body).ReadString('\n'); !strings.HasPrefix(line, "retry:") {
		t.Fatalf("stream began with %q", line)
	}

	began := time.Now()
	if err := srv.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- srv.Wait() }()
	select {
	case err := <-exited:
		if err != nil {
			t.Fatalf("conversa exited with %v after SIGTERM", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("conversa still running 10 s after SIGTERM with a stream open")
	}
	t.Logf("stopped in %s", time.Since(began).Round(time.Millisecond))
	if _, err := io.Copy(io.Discard, stream.Body); err != nil && !strings.Contains(err.Error(), "EOF") {
		t.Logf("stream ended with %v", err)
	}
}
