package intake

import (
	"context"
	"strings"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// channelLookup is what the intake needs from the store to route a
// delivery (implemented by *store.Store).
type channelLookup interface {
	ChannelByPhoneNumberID(ctx context.Context, phoneNumberID string) (conversa.Channel, error)
	ChannelsByWABAID(ctx context.Context, wabaID string) ([]conversa.Channel, error)
}

// target is a live channel as routing needs it.
type target struct {
	companyID, channelID int64
	appSecret            string
}

type cacheEntry struct {
	targets []target
	loaded  time.Time
}

// channelCache keeps live channels by phone-number id and by WABA id for a
// short TTL, so the hot path does not query (and decrypt credentials) per
// request, while a disconnected channel or a rotated app secret stops being
// used within the TTL. Misses are never cached: a number connected a moment
// ago is found on its first webhook. Concurrent misses of one key share one
// query.
type channelCache struct {
	store channelLookup
	ttl   time.Duration
	group singleflight.Group
	mu    sync.RWMutex
	byKey map[string]cacheEntry
}

// minReload stops a flood of badly signed requests from turning every
// request into a database query: an entry younger than this is not reloaded.
const minReload = 250 * time.Millisecond

func newChannelCache(st channelLookup, ttl time.Duration) *channelCache {
	return &channelCache{store: st, ttl: ttl, byKey: map[string]cacheEntry{}}
}

// targets returns the live channels a delivery names, deduplicated. With
// reload it skips cache entries older than minReload (a signature failed
// against cached secrets, which may be stale).
func (c *channelCache) targets(ctx context.Context, k routingKeys, reload bool) ([]target, error) {
	var out []target
	add := func(key string) error {
		ts, err := c.lookup(ctx, key, reload)
		for _, t := range ts {
			if !hasChannel(out, t.channelID) {
				out = append(out, t)
			}
		}
		return err
	}
	for _, id := range k.phoneNumberIDs {
		if err := add("p:" + id); err != nil {
			return nil, err
		}
	}
	for _, id := range k.wabaIDs {
		if err := add("w:" + id); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func (c *channelCache) lookup(ctx context.Context, key string, reload bool) ([]target, error) {
	c.mu.RLock()
	e, ok := c.byKey[key]
	c.mu.RUnlock()
	age := time.Since(e.loaded)
	if ok && age < c.ttl && !(reload && age >= minReload) {
		return e.targets, nil
	}
	// The query must not fail for everyone waiting on it because the first
	// caller's request went away.
	v, err, _ := c.group.Do(key, func() (any, error) { return c.load(context.WithoutCancel(ctx), key) })
	if err != nil {
		return nil, err
	}
	return v.([]target), nil
}

func (c *channelCache) load(ctx context.Context, key string) ([]target, error) {
	var chans []conversa.Channel
	var err error
	if id, ok := strings.CutPrefix(key, "p:"); ok {
		var ch conversa.Channel
		ch, err = c.store.ChannelByPhoneNumberID(ctx, id)
		chans = []conversa.Channel{ch}
	} else if id, ok := strings.CutPrefix(key, "w:"); ok {
		chans, err = c.store.ChannelsByWABAID(ctx, id)
	}
	if conversa.ErrorCode(err) == conversa.ENOTFOUND {
		chans, err = nil, nil
	}
	if err != nil {
		return nil, err
	}
	ts := toTargets(chans)
	c.mu.Lock()
	if len(ts) == 0 {
		delete(c.byKey, key)
	} else {
		c.byKey[key] = cacheEntry{targets: ts, loaded: time.Now()}
	}
	c.mu.Unlock()
	return ts, nil
}

func toTargets(chans []conversa.Channel) []target {
	var ts []target
	for _, ch := range chans {
		if ch.WABA == nil {
			continue
		}
		ts = append(ts, target{companyID: ch.CompanyID, channelID: ch.ID, appSecret: ch.WABA.AppSecret})
	}
	return ts
}

func hasChannel(ts []target, channelID int64) bool {
	for _, t := range ts {
		if t.channelID == channelID {
			return true
		}
	}
	return false
}

// verified keeps the targets whose app secret signed body. Channels of one
// Meta app share a secret, so each distinct secret is checked once;
// channels of another app (or another company's app) named in the same
// delivery are dropped, so a tenant cannot inject events into a number it
// does not hold by signing with its own secret.
func verified(ts []target, body []byte, signature string) []target {
	var out []target
	checked := map[string]bool{}
	for _, t := range ts {
		ok, seen := checked[t.appSecret]
		if !seen {
			ok = whatsapp.VerifySignature(t.appSecret, body, signature)
			checked[t.appSecret] = ok
		}
		if ok {
			out = append(out, t)
		}
	}
	return out
}
