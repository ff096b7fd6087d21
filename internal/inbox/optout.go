package inbox

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/store"
)

// Marketing consent (PRODUCT.md §9, §13). A customer opts out by replying
// with one of the company's opt-out keywords (its own list, or Options.OptOut
// by default); a supervisor or admin may opt them back in when the customer
// asks. Both are kept in the audit log, since under LGPD consent is a record:
// who decided, when, and from which message or for which reason.

// OptOutSetting is a company's opt-out keyword list as admins see it.
type OptOutSetting struct {
	Keywords []string `json:"keywords"` // in force
	Custom   bool     `json:"custom"`   // false: the defaults
	Defaults []string `json:"defaults"`
}

// keywordTTL bounds how long a node keeps a company's keywords: a change
// made on another node applies here within it (the node making the change
// applies it at once).
const keywordTTL = 30 * time.Second

type keywordCache struct {
	mu sync.Mutex
	m  map[int64]cachedKeywords
}

type cachedKeywords struct {
	words []string
	at    time.Time
}

// OptOutKeywords returns the company's setting.
func (s *Service) OptOutKeywords(ctx context.Context, companyID int64) (OptOutSetting, error) {
	return s.optOutSetting(ctx, s.store, companyID)
}

func (s *Service) optOutSetting(ctx context.Context, st *store.Store, companyID int64) (OptOutSetting, error) {
	words, custom, err := st.OptOutKeywords(ctx, companyID)
	if !custom {
		words = s.optOut
	}
	return OptOutSetting{Keywords: words, Custom: custom, Defaults: s.optOut}, err
}

// SetOptOutKeywords replaces the company's keywords (validated by
// conversa.CleanOptOutKeywords); nil goes back to the defaults. Admins only
// (the HTTP layer checks); audited.
func (s *Service) SetOptOutKeywords(ctx context.Context, a Actor, words []string) (OptOutSetting, error) {
	if words != nil {
		var err error
		if words, err = conversa.CleanOptOutKeywords(words); err != nil {
			return OptOutSetting{}, err
		}
	}
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		if err := tx.SetOptOutKeywords(ctx, a.CompanyID, words); err != nil {
			return err
		}
		return tx.Audit(ctx, conversa.AuditEntry{CompanyID: a.CompanyID, ActorID: &a.UserID, Action: "settings.opt_out_keywords",
			Target: fmt.Sprintf("company:%d", a.CompanyID), Detail: map[string]any{"keywords": words, "custom": words != nil}})
	})
	if err != nil {
		return OptOutSetting{}, err
	}
	s.keywords.forget(a.CompanyID)
	return s.OptOutKeywords(ctx, a.CompanyID)
}

// companyKeywords is the keyword list the inbound check uses, cached. A
// miss reads through tx, the receiving transaction: taking a second pooled
// connection while holding one could starve the pool under a burst of
// webhooks.
func (s *Service) companyKeywords(ctx context.Context, tx *store.Store, companyID int64) ([]string, error) {
	now := s.clock.Now()
	if words, ok := s.keywords.get(companyID, now); ok {
		return words, nil
	}
	set, err := s.optOutSetting(ctx, tx, companyID)
	if err != nil {
		return nil, err
	}
	s.keywords.put(companyID, set.Keywords, now)
	return set.Keywords, nil
}

func (c *keywordCache) get(companyID int64, now time.Time) ([]string, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.m[companyID]
	if !ok || now.Sub(e.at) >= keywordTTL || now.Before(e.at) {
		return nil, false
	}
	return e.words, true
}

func (c *keywordCache) put(companyID int64, words []string, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.m == nil {
		c.m = map[int64]cachedKeywords{}
	}
	c.m[companyID] = cachedKeywords{words: words, at: now}
}

func (c *keywordCache) forget(companyID int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.m, companyID)
}

// recordOptOut marks the contact opted out of marketing because of the
// inbound message wamid (which said keyword), inside the receiving
// transaction, and keeps the consent record.
func (s *Service) recordOptOut(ctx context.Context, tx *store.Store, c conversa.Contact, wamid, keyword string) error {
	if err := tx.SetContactOptedOut(ctx, c.CompanyID, c.ID, s.clock.Now()); err != nil {
		return err
	}
	return tx.Audit(ctx, conversa.AuditEntry{CompanyID: c.CompanyID, Action: "contact.opt_out", Target: contactTarget(c.ID),
		Detail: map[string]any{"wamid": wamid, "text": keyword}})
}

// OptIn opts a contact back in to marketing messages, at the customer's
// request; reason (optional) says how they asked. Supervisors and admins
// only (the HTTP layer checks). A contact who never opted out is left as
// is, and nothing is recorded.
func (s *Service) OptIn(ctx context.Context, a Actor, contactID int64, reason string) (conversa.Contact, error) {
	var c conversa.Contact
	err := s.store.InTx(ctx, func(tx *store.Store) error {
		var err error
		if c, err = tx.Contact(ctx, a.CompanyID, contactID); err != nil || c.OptedOut == nil {
			return err
		}
		if err := tx.ClearContactOptOut(ctx, a.CompanyID, c.ID); err != nil {
			return err
		}
		detail := map[string]any{"opted_out_at": c.OptedOut.UTC().Format(time.RFC3339), "reason": reason}
		c.OptedOut = nil
		return tx.Audit(ctx, conversa.AuditEntry{CompanyID: a.CompanyID, ActorID: &a.UserID, Action: "contact.opt_in",
			Target: contactTarget(c.ID), Detail: detail})
	})
	return c, err
}

func contactTarget(id int64) string { return fmt.Sprintf("contact:%d", id) }
