package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store/storetest"
)

// The send crash test (issue 5): real `conversa metasim` and `conversa
// serve` processes. Customers write first (so the window is open), N
// free-form replies are queued through the API while the simulator refuses
// the first sends with a transient error (so some wait in the queue, snoozed),
// the server is SIGKILLed mid-way and restarted on the same data. Every
// reply must then be delivered exactly once by the simulator's count, or —
// only for a send in flight at the kill that Meta never got — fail as
// "could not be confirmed" after the confirm timeout (or wait, received zero
// times, for the sweep that leads there):
// Conversa cannot know such a call did not arrive, so it asks a person
// instead of risking a double send. Nothing is ever sent twice.
func TestSendCrashDeliversExactlyOnce(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	bin := buildBinary(t)
	t.Run("sqlite", func(t *testing.T) { sendCrashTest(t, bin, "") })
	t.Run("postgres", func(t *testing.T) { sendCrashTest(t, bin, storetest.PostgresDSN(t)) })
}

const (
	crashSends    = 20
	crashPassword = "secret-123"
)

func sendCrashTest(t *testing.T, bin, dsn string) {
	sim := startMetasim(t, bin)
	dataDir := t.TempDir()
	env := append(os.Environ(), "CONVERSA_DATA_DIR="+dataDir, "CONVERSA_DATABASE_URL="+dsn, "CONVERSA_SECRET_KEY=",
		"CONVERSA_DEMO=false", "CONVERSA_GRAPH_URL="+sim.acc["graph_url"])
	company := runCmd(t, bin, env, "admin", "create-company", "--domain", "envios", "--name", "Envios", "--email", "a@envios.test", "--password", crashPassword)
	runCmd(t, bin, env, "admin", "create-channel", "--domain", "envios", "--phone-number-id", sim.acc["phone_number_id"],
		"--waba-id", sim.acc["waba_id"], "--app-secret", sim.acc["app_secret"], "--access-token", sim.acc["access_token"], "--verify-token", "vt")

	// A fixed address: the simulator keeps retrying webhooks to it while
	// the server is down, as Meta does.
	addr := freeAddr(t)
	srv, base := startProcess(t, bin, env, addr)
	sim.call(t, "POST", "/_sim/webhooks/config", map[string]string{"callback_url": base + "/webhooks/whatsapp", "verify_token": "vt"}, nil)
	api := &apiClient{base: base}
	api.token = api.login(t, "envios", "a@envios.test")
	convs := customersWriteFirst(t, sim, api)

	// The first sends fail with "Something went wrong" (transient): their
	// jobs are snoozed, still queued when the server dies.
	sim.call(t, "POST", "/_sim/phones/"+sim.pid()+"/errors", map[string]any{"code": 131000, "count": crashSends / 3}, nil)
	msgs := map[string]int64{} // recipient → message id
	for to, conv := range convs {
		var m struct{ ID int64 }
		api.call(t, "POST", fmt.Sprintf("/api/v1/conversations/%d/messages", conv), map[string]any{"type": "text",
			"text": map[string]string{"body": "Seu pedido saiu para entrega"}}, &m, http.StatusCreated, "Idempotency-Key", "crash-"+to)
		msgs[to] = m.ID
	}
	waitFor(t, 30*time.Second, "some sends to reach the simulator", func() bool { return sim.sentTotal(t, convs) >= crashSends/4 })
	srv.Process.Kill()
	srv.Wait()
	t.Logf("SIGKILL with %d of %d sends accepted by the simulator", sim.sentTotal(t, convs), crashSends)

	// The restart gives up on unconfirmable sends after 2 s, not 15 min.
	srv2, _ := startProcess(t, bin, append(env, "CONVERSA_SEND_CONFIRM_TIMEOUT=2s"), addr)
	defer stopProcess(t, srv2)
	api.token = api.login(t, "envios", "a@envios.test")
	st := openForTest(t, dataDir, dsn)
	var companyID int64
	fmt.Sscan(company, &companyID)
	var pending, unconfirmed []string
	defer func() { t.Logf("unconfirmed (failed, never resent): %v; unsettled: %v", unconfirmed, pending) }()
	waitFor(t, 120*time.Second, "every reply to be settled", func() bool {
		pending, unconfirmed = pending[:0], unconfirmed[:0]
		for to, id := range msgs {
			m, _ := st.Message(context.Background(), companyID, id)
			n := sim.sent(t, to)
			switch {
			case n > 1:
				t.Fatalf("%s received the reply %d times, want at most once", to, n)
			case (m.Status == conversa.StatusDelivered || m.Status == conversa.StatusRead) && n == 1:
			case m.Status == conversa.StatusFailed && n == 0 && strings.Contains(m.Error, "could not be confirmed"):
				unconfirmed = append(unconfirmed, to)
			case m.Status == conversa.StatusQueued && m.SendState != conversa.SendIdle && n == 0:
				// Cut by the kill and not yet swept: the sweep waits until an
				// attempt is too old to be in flight on any node (3 min), then
				// reconciles it; never resent meanwhile.
				unconfirmed = append(unconfirmed, to+" ("+string(m.SendState)+")")
			default:
				pending = append(pending, fmt.Sprintf("%s: %s/%s sent=%d %s", to, m.Status, m.SendState, n, m.Error))
			}
		}
		return len(pending) == 0
	})
	// Only a call cut by the kill can be unconfirmable: at most one per
	// send worker (jobs.Options.MaxWorkers, 10 by default).
	if len(unconfirmed) > 10 {
		t.Fatalf("%d unconfirmed sends, more than could be in flight at the kill", len(unconfirmed))
	}
}

// customersWriteFirst has crashSends customers write to the number and
// returns their conversations once Conversa has them, window open.
func customersWriteFirst(t *testing.T, sim *metasimProc, api *apiClient) map[string]int64 {
	for i := range crashSends {
		sim.call(t, "POST", "/_sim/customers/messages", map[string]string{"from": fmt.Sprintf("55119870%05d", i),
			"name": fmt.Sprintf("Cliente %d", i), "text": "Meu pedido já saiu?"}, nil)
	}
	convs := map[string]int64{}
	waitFor(t, 30*time.Second, "the customers' conversations", func() bool {
		var list struct {
			Data []struct {
				ID         int64 `json:"id"`
				WindowOpen bool  `json:"window_open"`
				Contact    struct {
					WAID string `json:"wa_id"`
				} `json:"contact"`
			} `json:"data"`
		}
		api.call(t, "GET", "/api/v1/conversations?status=all&limit=200", nil, &list, http.StatusOK)
		for _, c := range list.Data {
			if c.WindowOpen {
				convs[c.Contact.WAID] = c.ID
			}
		}
		return len(convs) == crashSends
	})
	return convs
}

// metasimProc is a `conversa metasim` process and its test account.
type metasimProc struct {
	base string
	acc  map[string]string
}

func startMetasim(t *testing.T, bin string) *metasimProc {
	t.Helper()
	cmd := exec.Command(bin, "metasim", "--addr", "127.0.0.1:0")
	stdout, _ := cmd.StdoutPipe()
	cmd.Stderr = io.Discard
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stdout)
		if sc.Scan() {
			line <- sc.Text()
		}
		io.Copy(io.Discard, stdout)
	}()
	p := &metasimProc{}
	select {
	case l := <-line:
		if err := json.Unmarshal([]byte(l), &p.acc); err != nil {
			t.Fatalf("metasim printed %q: %v", l, err)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("conversa metasim did not start")
	}
	p.base = p.acc["graph_url"]
	return p
}

func (p *metasimProc) pid() string { return p.acc["phone_number_id"] }

func (p *metasimProc) call(t *testing.T, method, path string, body, out any) {
	t.Helper()
	if status := doJSON(t, method, p.base+path, "", body, out); status >= 300 {
		t.Fatalf("simulator %s %s: %d", method, path, status)
	}
}

// sent is the simulator's count of accepted sends to one recipient.
func (p *metasimProc) sent(t *testing.T, to string) int {
	var n struct{ Count int }
	p.call(t, "GET", "/_sim/sent/"+p.pid()+"/"+to, nil, &n)
	return n.Count
}

func (p *metasimProc) sentTotal(t *testing.T, convs map[string]int64) int {
	total := 0
	for to := range convs {
		total += p.sent(t, to)
	}
	return total
}

// apiClient calls Conversa's API as one signed-in user.
type apiClient struct{ base, token string }

func (a *apiClient) login(t *testing.T, domain, email string) string {
	var out struct{ Token string }
	a.call(t, "POST", "/api/v1/auth/login", map[string]string{"domain": domain, "email": email, "password": crashPassword}, &out, http.StatusOK)
	return out.Token
}

// call checks the status; header is name, value pairs.
func (a *apiClient) call(t *testing.T, method, path string, body, out any, want int, header ...string) {
	t.Helper()
	if status := doJSON(t, method, a.base+path, a.token, body, out, header...); status != want {
		t.Fatalf("%s %s: %d, want %d", method, path, status, want)
	}
}

func doJSON(t *testing.T, method, url, token string, body, out any, header ...string) int {
	t.Helper()
	var rd io.Reader
	if body != nil {
		raw, _ := json.Marshal(body)
		rd = bytes.NewReader(raw)
	}
	req, _ := http.NewRequest(method, url, rd)
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, url, err)
	}
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if out != nil && resp.StatusCode < 300 {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, url, err, raw)
		}
	}
	return resp.StatusCode
}

func waitFor(t *testing.T, d time.Duration, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}
