package metasim

import (
	"strings"

	"golang.org/x/time/rate"
)

// Creating businesses, accounts and numbers, shared by the Graph endpoints,
// Embedded Signup and the test-account seed.

func (s *Sim) createBusiness(id, name string) *business {
	if id == "" {
		id = s.ids.object()
	}
	b := &business{ID: id, Name: name}
	s.mu.Lock()
	s.businesses[id] = b
	s.mu.Unlock()
	return b
}

func (s *Sim) createWABA(id, businessID, name string) *waba {
	if id == "" {
		id = s.ids.object()
	}
	w := &waba{wabaState: wabaState{ID: id, BusinessID: businessID, Name: name, Currency: "USD",
		TimezoneID: "1", Namespace: strings.ReplaceAll(secret(16), "-", "_")},
		templateIndex: map[string]*template{}}
	s.mu.Lock()
	s.wabas[id] = w
	s.mu.Unlock()
	return w
}

// newToken is an access token of a new system user of that business ("" =
// every business). Caller may hold s.mu: ids need no lock.
func (s *Sim) newToken(tok, businessID string) *accessToken {
	return &accessToken{Token: tok, BusinessID: businessID, UserID: s.ids.object()}
}

// defaultThroughput is Meta's standard Cloud API throughput per number.
const defaultThroughput = 80

// Meta's pair rate limit (131056), from the Cloud API overview
// (developers.facebook.com/docs/whatsapp/cloud-api/overview, "Pair rate
// limits"): one message every 6 seconds to the same user (10 a minute), and
// bursts of up to 45 messages, repaid at that rate. A token bucket of 45
// refilled one per 6 s lets a person chatting (even a few quick replies in a
// row) never hit it; only a loop hammering one customer does.
const (
	defaultPairPerMinute = 10
	defaultPairBurst     = 45
)

func (s *Sim) addPhone(id, wabaID, cc, national, verifiedName string) *phone {
	if id == "" {
		id = s.ids.object()
	}
	p := &phone{phoneState: phoneState{ID: id, WABAID: wabaID, CC: cc, National: national,
		VerifiedName: verifiedName, NameStatus: nameStatusFor(verifiedName),
		CodeStatus: "NOT_VERIFIED", Quality: "GREEN", Tier: "TIER_250",
		MPS: defaultThroughput, PairPerMinute: s.opts.PairPerMinute, PairBurst: s.opts.PairBurst}}
	p.init()
	s.mu.Lock()
	s.phones[id] = p
	s.mu.Unlock()
	return p
}

// init builds the unexported parts of a number (also after a snapshot load).
func (p *phone) init() {
	if p.chats == nil {
		p.chats = map[string]*chat{}
	}
	p.limiter = newLimiter(p.MPS)
}

// newLimiter is a token bucket of mps per second with a burst of one
// second's worth, as Meta describes throughput; mps <= 0 never limits.
func newLimiter(mps int) *rate.Limiter {
	if mps <= 0 {
		return rate.NewLimiter(rate.Inf, 1)
	}
	return rate.NewLimiter(rate.Limit(mps), mps)
}

// nameStatusFor is the display-name review outcome: names containing
// "REJECT" are declined, everything else approved (documented rule).
func nameStatusFor(name string) string {
	if strings.Contains(strings.ToUpper(name), "REJECT") {
		return "DECLINED"
	}
	return "APPROVED"
}

// seedTestAccount creates the account Meta gives every developer: a
// verified, registered number with a payment method and hello_world.
func (s *Sim) seedTestAccount(keep *Account) {
	var k Account
	if keep != nil {
		k = *keep
	}
	if k.AccessToken == "" {
		k.AccessToken = token()
	}
	b := s.createBusiness(k.BusinessID, "Conversa Sandbox")
	w := s.createWABA(k.WABAID, b.ID, "Conversa Sandbox WABA")
	w.FundingID = s.ids.object()
	w.Subscribed = true
	p := s.addPhone(k.PhoneNumberID, w.ID, "55", "1130001000", "Conversa Sandbox")
	p.CodeStatus, p.Registered, p.PIN = "VERIFIED", true, "000000"
	for _, t := range seedTemplates() {
		t.Status = "APPROVED"
		s.insertTemplate(w, t)
	}
	s.mu.Lock()
	s.tokens[k.AccessToken] = s.newToken(k.AccessToken, b.ID)
	s.test = Account{AccessToken: k.AccessToken, BusinessID: b.ID, WABAID: w.ID,
		PhoneNumberID: p.ID, DisplayPhoneNumber: p.display()}
	s.mu.Unlock()
}

// seedTemplates are hello_world as on Meta's test accounts plus two pt_BR
// examples the sandbox walkthrough uses.
func seedTemplates() []*template {
	return []*template{
		{Name: "hello_world", Language: "en_US", Category: "UTILITY", Components: []component{
			{Type: "HEADER", Format: "TEXT", Text: "Hello World"},
			{Type: "BODY", Text: "Welcome and congratulations!! This message demonstrates your ability to send a WhatsApp message notification from the Cloud API, hosted by Meta. Thank you for taking the time to test with us."},
			{Type: "FOOTER", Text: "WhatsApp Business Platform sample message"},
		}},
		{Name: "pedido_enviado", Language: "pt_BR", Category: "UTILITY", Components: []component{
			{Type: "BODY", Text: "Olá {{1}}, seu pedido {{2}} foi enviado.",
				Example: &example{BodyText: [][]string{{"Ana", "#12345"}}}},
			{Type: "BUTTONS", Buttons: []button{{Type: "QUICK_REPLY", Text: "Falar com atendente"}}},
		}},
		{Name: "promocao_semana", Language: "pt_BR", Category: "MARKETING", Components: []component{
			{Type: "BODY", Text: "Oi {{1}}! Esta semana tem {{2}} de desconto para você.",
				Example: &example{BodyText: [][]string{{"Ana", "20%"}}}},
			{Type: "FOOTER", Text: "Responda NÃO para não receber ofertas"},
			{Type: "BUTTONS", Buttons: []button{{Type: "QUICK_REPLY", Text: "Quero saber mais"}, {Type: "QUICK_REPLY", Text: "NÃO"}}},
		}},
	}
}
