package metasim

import (
	"encoding/json"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
)

// Snapshots: the whole state as one JSON file (Options.SnapshotPath),
// loaded at New and written atomically on Close and every 30 s. The clock
// is not saved: it belongs to whoever shares it.

type snapshot struct {
	Version       int               `json:"version"`
	AppID         string            `json:"app_id"`
	AppSecret     string            `json:"app_secret"`
	AppCallback   string            `json:"app_callback"`
	AppVerify     string            `json:"app_verify_token"`
	Test          Account           `json:"test_account"`
	Tokens        []accessToken     `json:"tokens"`
	Businesses    []business        `json:"businesses"`
	WABAs         []wabaSnap        `json:"wabas"`
	Phones        []phoneSnap       `json:"phones"`
	Customers     []customer        `json:"customers"`
	OtherProvider []string          `json:"other_provider"`
	SignupCodes   map[string]string `json:"signup_codes"`
	Media         []mediaItem       `json:"media"`
	Webhooks      []pendingDelivery `json:"pending_webhooks,omitempty"`
}

type wabaSnap struct {
	wabaState
	Templates []template `json:"templates"`
}

type phoneSnap struct {
	phoneState
	Chats []chatSnap `json:"chats"`
}

type chatSnap struct {
	chatState
	Messages []chatMsg `json:"messages"`
}

func (s *Sim) saveSnapshot() error {
	if s.opts.SnapshotPath == "" {
		return nil
	}
	snap := s.takeSnapshot()
	// After Close the workers are stopped and queued events can be drained.
	snap.Webhooks = s.hooks.pendingSnap(s.closed.Load())
	b, err := json.Marshal(snap)
	if err != nil {
		return err
	}
	tmp := s.opts.SnapshotPath + ".tmp"
	if err := os.MkdirAll(filepath.Dir(s.opts.SnapshotPath), 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return err
	}
	return os.Rename(tmp, s.opts.SnapshotPath)
}

// takeSnapshot copies the state under each object's own lock.
func (s *Sim) takeSnapshot() *snapshot {
	s.mu.RLock()
	snap := &snapshot{Version: 1, AppID: s.appID, AppSecret: s.appSecret, AppCallback: s.appCallback,
		AppVerify: s.appVerify, Test: s.test, SignupCodes: map[string]string{}}
	for _, t := range s.tokens {
		snap.Tokens = append(snap.Tokens, *t)
	}
	for _, b := range s.businesses {
		snap.Businesses = append(snap.Businesses, *b)
	}
	for _, c := range s.customers {
		snap.Customers = append(snap.Customers, *c)
	}
	for n, v := range s.otherProvider {
		if v {
			snap.OtherProvider = append(snap.OtherProvider, n)
		}
	}
	for k, v := range s.signupCodes {
		snap.SignupCodes[k] = v
	}
	wabas := make([]*waba, 0, len(s.wabas))
	for _, w := range s.wabas {
		wabas = append(wabas, w)
	}
	phones := make([]*phone, 0, len(s.phones))
	for _, p := range s.phones {
		phones = append(phones, p)
	}
	s.mu.RUnlock()
	for _, w := range wabas {
		snap.WABAs = append(snap.WABAs, w.snap())
	}
	for _, p := range phones {
		snap.Phones = append(snap.Phones, p.snap())
	}
	s.media.mu.RLock()
	for _, m := range s.media.items {
		snap.Media = append(snap.Media, *m)
	}
	s.media.mu.RUnlock()
	return snap
}

func (w *waba) snap() wabaSnap {
	w.mu.RLock()
	defer w.mu.RUnlock()
	ws := wabaSnap{wabaState: w.wabaState}
	for _, t := range w.Templates {
		ws.Templates = append(ws.Templates, *t)
	}
	return ws
}

func (p *phone) snap() phoneSnap {
	p.mu.Lock()
	ps := phoneSnap{phoneState: p.phoneState}
	chats := make([]*chat, 0, len(p.chats))
	for _, c := range p.chats {
		chats = append(chats, c)
	}
	p.mu.Unlock()
	for _, c := range chats {
		c.mu.Lock()
		cs := chatSnap{chatState: c.chatState}
		for _, m := range c.Messages {
			cs.Messages = append(cs.Messages, *m)
		}
		c.mu.Unlock()
		ps.Chats = append(ps.Chats, cs)
	}
	return ps
}

// loadSnapshot restores a saved state; false when there is none yet.
func (s *Sim) loadSnapshot() (bool, error) {
	if s.opts.SnapshotPath == "" {
		return false, nil
	}
	b, err := os.ReadFile(s.opts.SnapshotPath)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	var snap snapshot
	if err := json.Unmarshal(b, &snap); err != nil {
		return false, errors.New("metasim: snapshot " + s.opts.SnapshotPath + ": " + err.Error())
	}
	s.restore(&snap)
	return true, nil
}

func (s *Sim) restore(snap *snapshot) {
	s.appID, s.appSecret, s.appCallback, s.appVerify = snap.AppID, snap.AppSecret, snap.AppCallback, snap.AppVerify
	s.test = snap.Test
	s.tokens, s.businesses = map[string]*accessToken{}, map[string]*business{}
	s.wabas, s.phones, s.templates = map[string]*waba{}, map[string]*phone{}, map[string]*waba{}
	s.customers, s.otherProvider, s.signupCodes = map[string]*customer{}, map[string]bool{}, snap.SignupCodes
	if s.signupCodes == nil {
		s.signupCodes = map[string]string{}
	}
	for i := range snap.Tokens {
		t := &snap.Tokens[i]
		if t.UserID == "" { // snapshots from before /me existed
			t.UserID = s.ids.object()
		}
		s.tokens[t.Token] = t
	}
	for i := range snap.Businesses {
		s.businesses[snap.Businesses[i].ID] = &snap.Businesses[i]
	}
	for i := range snap.Customers {
		s.customers[snap.Customers[i].Typed] = &snap.Customers[i]
	}
	for _, n := range snap.OtherProvider {
		s.otherProvider[n] = true
	}
	for _, ws := range snap.WABAs {
		w := &waba{wabaState: ws.wabaState, templateIndex: map[string]*template{}}
		for i := range ws.Templates {
			t := &ws.Templates[i]
			t.derive()
			w.Templates = append(w.Templates, t)
			w.templateIndex[t.key()] = t
			s.templates[t.ID] = w
		}
		s.wabas[w.ID] = w
	}
	for _, ps := range snap.Phones {
		s.phones[ps.ID] = s.restorePhone(ps)
	}
	for i := range snap.Media {
		s.media.put(&snap.Media[i])
	}
	s.resumeDeliveries(snap.Webhooks)
}

func (s *Sim) restorePhone(ps phoneSnap) *phone {
	p := &phone{phoneState: ps.phoneState}
	p.init()
	for _, cs := range ps.Chats {
		c := &chat{chatState: cs.chatState}
		for i := range cs.Messages {
			m := &cs.Messages[i]
			c.Messages = append(c.Messages, m)
			if m.Direction == "in" {
				s.msgIndex.Store(m.ID, &msgRef{phone: p, chat: c, msg: m})
			}
		}
		p.chats[c.WAID] = c
	}
	return p
}
