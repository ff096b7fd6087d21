package metasim

import (
	"errors"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Options configures a Sim. The zero value is a working simulator.
type Options struct {
	Clock        *conversa.ShiftClock // nil: a new one; shared with the app in the sandbox
	ReviewDelay  time.Duration        // template review time by the sim clock; 0 = settled at the next look
	SnapshotPath string               // optional JSON snapshot, loaded at New, saved periodically and on Close
	HTTPClient   *http.Client         // webhook delivery and callback verification
	Logger       *slog.Logger
	BasePath     string // prefix the handler is mounted under ("/sim"); links and media URLs use it
	PublicURL    string // scheme://host the Graph API is reached at; TestAccount().GraphURL = PublicURL+BasePath

	WebhookRetryBase   time.Duration // first retry delay, doubled per attempt (default 1s)
	WebhookMaxAttempts int           // attempts per delivery before giving up (default 10)
	WebhookWorkers     int           // delivery shards (default 8)
	AutoRead           bool          // customers "read" every delivered message at once

	// Pair rate limit of new numbers (131056): messages per minute to one
	// customer and the burst allowed. 0 = Meta's (10/min, burst 45);
	// PairPerMinute < 0 turns the limit off.
	PairPerMinute int
	PairBurst     int
}

// Account describes a ready-to-use business account.
type Account struct {
	GraphURL           string `json:"graph_url"`
	AccessToken        string `json:"access_token"`
	AppSecret          string `json:"app_secret"`
	BusinessID         string `json:"business_id"`
	WABAID             string `json:"waba_id"`
	PhoneNumberID      string `json:"phone_number_id"`
	DisplayPhoneNumber string `json:"display_phone_number"`
}

// Sim is an in-memory WhatsApp Cloud API. See the package README.
type Sim struct {
	opts  Options
	clock *conversa.ShiftClock
	log   *slog.Logger
	ids   *idGen
	hooks *dispatcher
	media *mediaStore

	mu            sync.RWMutex
	appID         string
	appSecret     string
	publicURL     string
	appCallback   string
	appVerify     string
	tokens        map[string]*accessToken
	businesses    map[string]*business
	wabas         map[string]*waba
	phones        map[string]*phone
	templates     map[string]*waba // template id → owning WABA
	customers     map[string]*customer
	otherProvider map[string]bool
	signupCodes   map[string]string // Embedded Signup code → business id
	test          Account

	msgIndex sync.Map // inbound wamid → *msgRef (mark-as-read); outbound ids are found through their chat
	autoRead atomic.Bool
	pinned   atomic.Pointer[time.Time] // tests only: see now
	stop     chan struct{}
	wg       sync.WaitGroup
	closed   atomic.Bool
}

// msgRef finds an inbound message from its wamid (mark-as-read).
type msgRef struct {
	phone *phone
	chat  *chat
	msg   *chatMsg
}

// New builds a simulator with the test account ready, loading the snapshot
// when one exists.
func New(opts Options) (*Sim, error) {
	if opts.Clock == nil {
		opts.Clock = conversa.NewShiftClock()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.HTTPClient == nil {
		// Enough idle connections for every delivery worker: the default
		// of 2 per host makes workers reconnect all the time under load.
		tr := http.DefaultTransport.(*http.Transport).Clone()
		tr.MaxIdleConnsPerHost = 64
		opts.HTTPClient = &http.Client{Timeout: 10 * time.Second, Transport: tr}
	}
	opts.BasePath = strings.TrimRight(opts.BasePath, "/")
	opts.PairPerMinute, opts.PairBurst = pairDefaults(opts.PairPerMinute, opts.PairBurst)
	s := &Sim{
		opts: opts, clock: opts.Clock, log: opts.Logger, ids: newIDGen(),
		media: newMediaStore(), stop: make(chan struct{}),
		publicURL: strings.TrimRight(opts.PublicURL, "/"),
	}
	s.autoRead.Store(opts.AutoRead)
	s.hooks = newDispatcher(s, opts)
	loaded, err := s.loadSnapshot()
	if err != nil {
		return nil, err
	}
	if !loaded {
		s.resetState(nil)
	}
	s.wg.Add(1)
	go s.background()
	return s, nil
}

// resetState empties every registry and seeds the test account; keep (when
// non-nil) makes the new test account reuse the old ids and token so
// running clients keep working across a reset.
func (s *Sim) resetState(keep *Account) {
	s.mu.Lock()
	if s.appID == "" {
		s.appID = s.ids.object()
		s.appSecret = secret(16)
	}
	s.tokens = map[string]*accessToken{}
	s.businesses = map[string]*business{}
	s.wabas = map[string]*waba{}
	s.phones = map[string]*phone{}
	s.templates = map[string]*waba{}
	s.customers = map[string]*customer{}
	s.otherProvider = map[string]bool{}
	s.signupCodes = map[string]string{}
	s.mu.Unlock()
	s.msgIndex.Clear()
	s.media.reset()
	s.seedTestAccount(keep)
}

// Handler serves the Graph API (/v{N}.0/...), the control API (/_sim/...)
// and the customer phone page (/_sim/phone).
func (s *Sim) Handler() http.Handler {
	mux := http.NewServeMux()
	s.controlRoutes(mux)
	mux.HandleFunc("/", s.serveGraph)
	if s.opts.BasePath == "" {
		return mux
	}
	base := s.opts.BasePath
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		// Accept both a raw mount and one behind http.StripPrefix.
		if p, ok := strings.CutPrefix(r.URL.Path, base); ok && (p == "" || p[0] == '/') {
			r2 := r.Clone(r.Context())
			r2.URL.Path = p
			r2.URL.RawPath = ""
			r = r2
		}
		mux.ServeHTTP(w, r)
	})
}

// TestAccount returns the ready test account (verified, registered number,
// payment method, hello_world en_US approved).
func (s *Sim) TestAccount() Account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a := s.test
	a.GraphURL = s.publicURL + s.opts.BasePath
	a.AppSecret = s.appSecret
	return a
}

// SetPublicURL tells the simulator where it is reachable (known only once
// a listener is bound, e.g. on port 0).
func (s *Sim) SetPublicURL(u string) {
	s.mu.Lock()
	s.publicURL = strings.TrimRight(u, "/")
	s.mu.Unlock()
}

// graphBase is where clients reach the Graph API (public URL and mount).
func (s *Sim) graphBase() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.publicURL + s.opts.BasePath
}

// AppID and AppSecret identify the simulated Meta app (Embedded Signup's
// client_id/client_secret; the secret signs webhooks).
func (s *Sim) AppID() string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.appID
}

// Close stops background work, webhook delivery, and saves the snapshot.
func (s *Sim) Close() error {
	if !s.closed.CompareAndSwap(false, true) {
		return nil
	}
	close(s.stop)
	s.wg.Wait()
	s.hooks.close()
	return s.saveSnapshot()
}

// background settles template reviews by the sim clock and saves the
// snapshot now and then.
func (s *Sim) background() {
	defer s.wg.Done()
	review := time.NewTicker(100 * time.Millisecond)
	defer review.Stop()
	save := time.NewTicker(30 * time.Second)
	defer save.Stop()
	for {
		select {
		case <-s.stop:
			return
		case <-review.C:
			s.settleReviews()
		case <-save.C:
			if err := s.saveSnapshot(); err != nil {
				s.log.Warn("metasim: snapshot", "err", err)
			}
		}
	}
}

// Registry lookups. Each takes Sim.mu for reading only.

func (s *Sim) phoneByID(id string) *phone {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.phones[id]
}

func (s *Sim) wabaByID(id string) *waba {
	s.mu.RLock()
	defer s.mu.RUnlock()
	return s.wabas[id]
}

var errNotFound = errors.New("metasim: not found")

// phoneAndWABA returns a number and its account, or errNotFound.
func (s *Sim) phoneAndWABA(id string) (*phone, *waba, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	p := s.phones[id]
	if p == nil {
		return nil, nil, errNotFound
	}
	return p, s.wabas[p.WABAID], nil
}

// businessOf tells which business owns a Graph object ("" if unknown).
func (s *Sim) businessOf(id string) string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if b := s.businesses[id]; b != nil {
		return b.ID
	}
	if w := s.wabas[id]; w != nil {
		return w.BusinessID
	}
	if p := s.phones[id]; p != nil {
		if w := s.wabas[p.WABAID]; w != nil {
			return w.BusinessID
		}
	}
	if w := s.templates[id]; w != nil {
		return w.BusinessID
	}
	return ""
}

// customerFor maps a typed number to its WhatsApp id and reachability.
func (s *Sim) customerFor(digits string) (waID string, onWhatsApp bool) {
	s.mu.RLock()
	c := s.customers[digits]
	s.mu.RUnlock()
	if c == nil {
		return digits, true
	}
	return c.WAID, !c.NotOnWhatsApp
}

// now is the sim clock, or the instant a test pinned it to (a ShiftClock
// keeps flowing, so rate-limit tests could not otherwise be exact).
func (s *Sim) now() time.Time {
	if t := s.pinned.Load(); t != nil {
		return *t
	}
	return s.clock.Now()
}
