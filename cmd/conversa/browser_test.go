package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// browser drives Debian's chromium for the UI end-to-end test. Each step of
// a walk runs under its own deadline and leaves a screenshot named
// NN-step.png in shots, so a reviewer sees what the user saw.
type browser struct {
	t     *testing.T
	ctx   context.Context
	base  string
	shots string
	n     int
}

// chromiumPath finds the browser or skips the test, saying how to get it.
func chromiumPath(t *testing.T) string {
	for _, p := range []string{"/usr/bin/chromium", "chromium", "chromium-browser"} {
		if path, err := exec.LookPath(p); err == nil {
			return path
		}
	}
	t.Skip("chromium not installed: apt-get install -y chromium (.ci/run does this) to run the browser tests")
	return ""
}

// screenshotDir is CONVERSA_SCREENSHOTS/<name>, else a fresh temp dir that
// is kept after the test (its path is logged) so the pictures can be seen.
func screenshotDir(t *testing.T, name string) string {
	root := os.Getenv("CONVERSA_SCREENSHOTS")
	if root == "" {
		var err error
		if root, err = os.MkdirTemp("", "conversa-screenshots-"); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(root, name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshots in %s", dir)
	return dir
}

func newBrowser(t *testing.T, base, shots string) *browser {
	// Only the flags we chose (NewExecAllocator adds no defaults).
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(chromiumPath(t)),
		chromedp.Flag("headless", true), chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck,
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 860),
	}
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	t.Cleanup(func() { cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil { // start the browser now, not inside the first step's deadline
		t.Fatalf("starting chromium: %v", err)
	}
	logConsole(t, ctx)
	return &browser{t: t, ctx: ctx, base: base, shots: shots}
}

// logConsole reports the page's script errors in the test log: a broken
// app.js shows up as a reason, not only as a timeout.
func logConsole(t *testing.T, ctx context.Context) {
	msgs := chromedp.Console(ctx)
	go func() {
		for m, err := range msgs {
			if err != nil {
				return
			}
			if m.Type == chromedp.ConsoleError || m.Type == chromedp.ConsoleException || m.Type == chromedp.ConsoleWarning {
				t.Logf("browser console %s: %s", m.Type, m.Text)
			}
		}
	}()
}

var nonWord = regexp.MustCompile(`[^a-z0-9]+`)

// step runs actions under a deadline, then screenshots; a failure stops the
// walk with the step's name (and a screenshot of where it stood).
func (b *browser) step(name string, timeout time.Duration, actions ...chromedp.Action[chromedp.Void]) {
	b.t.Helper()
	b.n++
	ctx, cancel := context.WithTimeout(b.ctx, timeout)
	defer cancel()
	err := chromedp.Do(ctx, actions...)
	b.shot(name)
	if err != nil {
		b.t.Fatalf("step %d %q: %v (url %s)", b.n, name, err, b.url())
	}
	b.t.Logf("step %d %q: ok", b.n, name)
}

func (b *browser) shot(name string) {
	ctx, cancel := context.WithTimeout(b.ctx, 10*time.Second)
	defer cancel()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		b.t.Logf("screenshot %q: %v", name, err)
		return
	}
	file := fmt.Sprintf("%02d-%s.png", b.n, strings.Trim(nonWord.ReplaceAllString(strings.ToLower(name), "-"), "-"))
	if err := os.WriteFile(filepath.Join(b.shots, file), png, 0o644); err != nil {
		b.t.Logf("screenshot %q: %v", name, err)
	}
}

func (b *browser) url() string {
	ctx, cancel := context.WithTimeout(b.ctx, 2*time.Second)
	defer cancel()
	u, _ := chromedp.Run(ctx, chromedp.Location())
	return u
}

// textContains waits until the element's text contains want.
func textContains(sel, want string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		var got string
		for {
			qctx, cancel := context.WithTimeout(ctx, time.Second)
			s, err := chromedp.Text(chromedp.CSS(sel), chromedp.NodeVisible)(qctx, t)
			cancel()
			if err == nil {
				got = s
			}
			if err == nil && strings.Contains(got, want) {
				return nil
			}
			select {
			case <-ctx.Done():
				return fmt.Errorf("%s never showed %q (last text %q): %w", sel, want, trimText(got), ctx.Err())
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

func trimText(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

// fill replaces an input's value (SetValue skips key events, so it also
// fires "input" for the live previews).
func fill(sel, value string) chromedp.Action[chromedp.Void] {
	return chromedp.Steps(
		visible(sel),
		chromedp.SetValue(chromedp.CSS(sel), value),
		js(fmt.Sprintf(`document.querySelector(%q).dispatchEvent(new Event("input",{bubbles:true}))`, sel)),
	)
}

// click waits for sel and clicks it.
func click(sel string) chromedp.Action[chromedp.Void] {
	return retrying(chromedp.Steps(chromedp.WaitVisible(chromedp.CSS(sel)), chromedp.Click(chromedp.CSS(sel))))
}

// visible waits until sel is shown.
func visible(sel string) chromedp.Action[chromedp.Void] {
	return retrying(chromedp.WaitVisible(chromedp.CSS(sel)))
}

// retrying runs a until it succeeds or the step's deadline passes. Live
// parts of a page (SSE refreshes) may replace an element between finding
// it and acting on it; the action then starts again on the new one.
func retrying(a chromedp.Action[chromedp.Void]) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		for {
			_, err := a(ctx, t)
			if err == nil || ctx.Err() != nil {
				return err
			}
			select {
			case <-ctx.Done():
				return err
			case <-time.After(100 * time.Millisecond):
			}
		}
	})
}

// js runs a statement in the page, ignoring its value.
func js(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Evaluate[*runtime.RemoteObject](expr)(ctx, t)
		return err
	})
}

// until waits for a JavaScript expression to become truthy (for what
// WaitVisible can't see, such as an <option>).
func until(expr string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := chromedp.Poll[bool](expr, chromedp.WithPollingInterval(100*time.Millisecond))(ctx, t)
		return err
	})
}

func (b *browser) open(path string) chromedp.Action[chromedp.Void] {
	return chromedp.Navigate(b.base + path)
}
