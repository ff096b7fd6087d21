package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/pprof"
	"time"

	"github.com/conversa/conversa/internal/loadgen"
	"github.com/conversa/conversa/internal/metasim"
	"github.com/conversa/conversa/internal/secrets"
	"github.com/conversa/conversa/internal/store"
)

// loadgenCampaign runs real campaigns (store + engine) against a simulator
// started in this process and reports the achieved rate per number, the
// total, the duration against the ideal and the 130429 answers.
func loadgenCampaign(ctx context.Context, args []string, out io.Writer) error {
	fs := flag.NewFlagSet("loadgen campaign", flag.ContinueOnError)
	var p loadgen.CampaignPlan
	fs.IntVar(&p.Recipients, "recipients", 100_000, "recipients in total, split evenly over the numbers")
	fs.IntVar(&p.Rate, "rate", 1000, "messages per second per number (Meta: 80 default, up to 1,000)")
	fs.IntVar(&p.Numbers, "numbers", 1, "numbers sending in parallel (one campaign each)")
	fs.IntVar(&p.Batch, "batch", 0, "recipients claimed / settled per transaction (0 = engine default)")
	fs.IntVar(&p.Workers, "workers", 0, "calls in flight per campaign (0 = engine default)")
	fs.DurationVar(&p.Timeout, "timeout", 10*time.Minute, "give up after this long")
	dbURL := fs.String("db", "", "postgres:// DSN (a fresh company is created); empty = SQLite in a temp dir")
	asJSON := fs.Bool("json", false, "print a JSON summary")
	cpuProfile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if p.Numbers < 1 || p.Rate < 1 || p.Recipients < p.Numbers {
		return fmt.Errorf("loadgen campaign: need -numbers >= 1, -rate >= 1 and -recipients >= -numbers")
	}
	st, cleanup, err := loadgenStore(ctx, *dbURL)
	if err != nil {
		return err
	}
	defer cleanup()
	sim, graphURL, stopSim, err := embeddedSim()
	if err != nil {
		return err
	}
	defer stopSim()
	if *cpuProfile != "" {
		stopProfile, err := startCPUProfile(*cpuProfile)
		if err != nil {
			return err
		}
		defer stopProfile()
	}
	res, err := loadgen.RunCampaign(ctx, st, sim, graphURL, p)
	if err != nil {
		return err
	}
	fmt.Fprintln(out, res)
	if *asJSON {
		return json.NewEncoder(out).Encode(res)
	}
	return nil
}

func loadgenStore(ctx context.Context, dbURL string) (*store.Store, func(), error) {
	dir := ""
	if dbURL == "" {
		d, err := os.MkdirTemp("", "conversa-loadgen-")
		if err != nil {
			return nil, nil, err
		}
		dir = d
	}
	st, err := store.Open(ctx, dbURL, dir)
	if err != nil {
		return nil, nil, err
	}
	cleanup := func() {
		st.Close()
		if dir != "" {
			os.RemoveAll(dir)
		}
	}
	box, err := secrets.New(make([]byte, 32)) // throwaway data only
	if err == nil {
		st.SetSealer(box)
		_, err = st.Migrate(ctx)
	}
	if err != nil {
		cleanup()
		return nil, nil, err
	}
	return st, cleanup, nil
}

// startCPUProfile profiles the whole process (engine, store and the
// embedded simulator alike) until the returned func is called.
func startCPUProfile(path string) (func(), error) {
	f, err := os.Create(path)
	if err != nil {
		return nil, err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return nil, err
	}
	return func() { pprof.StopCPUProfile(); f.Close() }, nil
}

// embeddedSim serves a fresh simulator on a loopback port.
func embeddedSim() (*metasim.Sim, string, func(), error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, "", nil, err
	}
	sim, err := metasim.New(metasim.Options{Logger: slog.New(slog.DiscardHandler), PublicURL: "http://" + ln.Addr().String()})
	if err != nil {
		ln.Close()
		return nil, "", nil, err
	}
	srv := &http.Server{Handler: sim.Handler(), ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	return sim, sim.TestAccount().GraphURL, func() { srv.Close(); sim.Close() }, nil
}
