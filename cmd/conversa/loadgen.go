package main

import (
	"bufio"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/loadgen"
)

// loadgens are the load scenarios: `conversa loadgen NAME [flags]`.
var loadgens = map[string]func(ctx context.Context, args []string, out io.Writer) error{
	"webhooks": loadgenWebhooks,
	"campaign": loadgenCampaign,
	"bare":     loadgenBare,
}

func runLoadgen(ctx context.Context, args []string) error {
	if len(args) == 0 || loadgens[args[0]] == nil {
		return fmt.Errorf("usage: conversa loadgen webhooks|campaign|bare [flags] (see -h)")
	}
	return loadgens[args[0]](ctx, args[1:], os.Stdout)
}

// loadgenWebhooks posts signed Meta-shaped inbound message webhooks to a
// running Conversa. With -compare-bare it first sends the same load to a
// bare net/http handler running, like Conversa, in a process of its own
// (`conversa loadgen bare`), on the still quiet machine, then prints both
// and the ratio. (A handler inside this process would skip the costs of
// crossing processes that every server pays, and would be measured after
// Conversa, while Conversa still works through the stored burst.)
func loadgenWebhooks(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadgen webhooks", flag.ContinueOnError)
	var t loadgen.WebhookTarget
	var plan loadgen.Plan
	fs.StringVar(&t.URL, "url", "http://127.0.0.1:8080/webhooks/whatsapp", "webhook endpoint (loopback only)")
	fs.StringVar(&t.AppSecret, "app-secret", "", "the channel's app secret (signs each request)")
	fs.StringVar(&t.PhoneNumberID, "phone-number-id", "", "the channel's phone-number id")
	fs.StringVar(&t.WABAID, "waba-id", "0", "the channel's WhatsApp Business Account id")
	fs.IntVar(&plan.Rate, "rate", 0, "requests per second (0 = as fast as answered)")
	fs.DurationVar(&plan.Duration, "duration", 10*time.Second, "how long to run at most")
	fs.IntVar(&plan.Requests, "requests", 0, "how many requests at most (0 = until -duration)")
	fs.IntVar(&plan.Concurrency, "concurrency", 64, "requests in flight at most")
	compare := fs.Bool("compare-bare", false, "first measure a bare net/http 200 handler (own process), then print the ratio")
	asJSON := fs.Bool("json", false, "print a JSON summary")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if t.AppSecret == "" || t.PhoneNumberID == "" {
		return fmt.Errorf("loadgen webhooks: -app-secret and -phone-number-id are required")
	}
	client := loadgen.NewClient(plan.Concurrency)
	t.RunID = loadgen.RunID()
	report := map[string]any{}
	var base loadgen.Result
	if *compare {
		var err error
		if base, err = runBare(ctx, client, plan, t); err != nil {
			return err
		}
		client.CloseIdleConnections()
	}
	got := loadgen.Run(ctx, client, plan, t.Requests())
	report["conversa"] = summary(got)
	fmt.Fprintln(out, "conversa:", got)
	if *compare {
		ratio := got.Throughput() / max(base.Throughput(), 1e-9)
		fmt.Fprintln(out, "bare:    ", base)
		fmt.Fprintf(out, "ratio:    %.2f (conversa/bare throughput)\n", ratio)
		report["bare"], report["ratio"] = summary(base), ratio
	}
	if *asJSON {
		return json.NewEncoder(out).Encode(report)
	}
	return nil
}

// runBare measures the load against `conversa loadgen bare` in a child
// process.
func runBare(ctx context.Context, client *http.Client, plan loadgen.Plan, t loadgen.WebhookTarget) (loadgen.Result, error) {
	exe, err := os.Executable()
	if err != nil {
		return loadgen.Result{}, err
	}
	cmd := exec.CommandContext(ctx, exe, "loadgen", "bare")
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		return loadgen.Result{}, err
	}
	if err := cmd.Start(); err != nil {
		return loadgen.Result{}, err
	}
	defer func() { cmd.Process.Kill(); cmd.Wait() }()
	line, err := bufio.NewReader(stdout).ReadString('\n')
	if err != nil {
		return loadgen.Result{}, fmt.Errorf("loadgen bare: %w", err)
	}
	t.URL = strings.TrimSpace(line)
	return loadgen.Run(ctx, client, plan, t.Requests()), nil
}

// loadgenBare serves the bare yardstick handler on a loopback port and
// prints its webhook URL, until interrupted.
func loadgenBare(ctx context.Context, _ []string, out io.Writer) error {
	url, stop, err := loadgen.BareServer()
	if err != nil {
		return err
	}
	defer stop()
	fmt.Fprintln(out, url)
	<-ctx.Done()
	return nil
}

func summary(r loadgen.Result) map[string]any {
	return map[string]any{
		"sent": r.Sent, "ok": r.OK, "failed": r.Failed, "first_error": r.FirstError,
		"elapsed_s": r.Elapsed.Seconds(), "throughput": r.Throughput(),
		"p50_ms": ms(r.Percentile(50)), "p90_ms": ms(r.Percentile(90)), "p99_ms": ms(r.Percentile(99)),
	}
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }
