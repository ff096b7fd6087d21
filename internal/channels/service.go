// Package channels holds the use cases of channel groups and WhatsApp
// channels: groups and their agents, the manual and the guided (Embedded
// Signup) connection of a number, the readiness checklist, disconnection,
// and the sink that applies Meta's account webhooks to channels.
//
// It owns no tables of its own: groups, channels and onboardings are kept
// by internal/store, reached through the small interfaces below. Every
// Graph API failure is turned into a sentence an admin can act on
// (metaError); the HTTP layer only checks roles and step-up.
package channels

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// GroupStore keeps channel groups and their members.
type GroupStore interface {
	CreateGroup(ctx context.Context, g conversa.ChannelGroup) (conversa.ChannelGroup, error)
	Group(ctx context.Context, companyID, id int64) (conversa.ChannelGroup, error)
	Groups(ctx context.Context, companyID int64) ([]conversa.ChannelGroup, error)
	RenameGroup(ctx context.Context, companyID, id int64, name string) (conversa.ChannelGroup, error)
	AddGroupMember(ctx context.Context, companyID, groupID, userID int64) error
	RemoveGroupMember(ctx context.Context, companyID, groupID, userID int64) error
	GroupMembers(ctx context.Context, companyID, groupID int64) ([]int64, error)
	Users(ctx context.Context, companyID int64) ([]conversa.User, error)
}

// ChannelStore keeps channels (credentials sealed by the store).
type ChannelStore interface {
	CreateChannel(ctx context.Context, ch conversa.Channel) (conversa.Channel, error)
	Channel(ctx context.Context, companyID, id int64) (conversa.Channel, error)
	Channels(ctx context.Context, companyID int64) ([]conversa.Channel, error)
	ChannelsByWABAID(ctx context.Context, wabaID string) ([]conversa.Channel, error)
	ModifyChannel(ctx context.Context, companyID, id int64, fn func(*conversa.Channel) error) (conversa.Channel, error)
	DeleteChannel(ctx context.Context, companyID, id int64) error
	LicenceUsage(ctx context.Context, companyID int64) (conversa.LicenceUsage, error)
	Audit(ctx context.Context, e conversa.AuditEntry) error
}

// OnboardingStore keeps guided connections, one row per attempt.
type OnboardingStore interface {
	CreateOnboarding(ctx context.Context, o conversa.Onboarding) (conversa.Onboarding, error)
	Onboarding(ctx context.Context, companyID, id int64) (conversa.Onboarding, error)
	Onboardings(ctx context.Context, companyID int64) ([]conversa.Onboarding, error)
	ModifyOnboarding(ctx context.Context, companyID, id int64, fn func(*conversa.Onboarding) error) (conversa.Onboarding, error)
}

// Store is everything the service keeps (*store.Store).
type Store interface {
	GroupStore
	ChannelStore
	OnboardingStore
}

// Graph is the part of the Graph API client (*whatsapp.Client) that
// connects, checks and disconnects channels.
type Graph interface {
	GetPhoneNumber(ctx context.Context, token, phoneNumberID string, fields ...string) (*whatsapp.PhoneNumber, error)
	GetWABA(ctx context.Context, token, wabaID string, fields ...string) (*whatsapp.WABA, error)
	PhoneNumbers(ctx context.Context, token, wabaID string) ([]whatsapp.PhoneNumber, error)
	SubscribeApp(ctx context.Context, token, wabaID string, s whatsapp.Subscription) error
	SubscribedApps(ctx context.Context, token, wabaID string) ([]whatsapp.SubscribedApp, error)
	UnsubscribeApp(ctx context.Context, token, wabaID string) error
	ListTemplates(ctx context.Context, token, wabaID string, q whatsapp.TemplateQuery) (*whatsapp.Page[whatsapp.MessageTemplate], error)
}

// SignupGraph adds what the guided onboarding (Embedded Signup) calls.
type SignupGraph interface {
	Graph
	ExchangeCode(ctx context.Context, appID, appSecret, code string) (*whatsapp.AccessToken, error)
	OwnedWABAs(ctx context.Context, token, businessID string) ([]whatsapp.WABA, error)
	CreateWABA(ctx context.Context, token, businessID string, w whatsapp.NewWABA) (*whatsapp.WABA, error)
	AddPhoneNumber(ctx context.Context, token, wabaID string, n whatsapp.NewPhoneNumber) (string, error)
	RequestCode(ctx context.Context, token, phoneNumberID string, method whatsapp.CodeMethod, language string) error
	VerifyCode(ctx context.Context, token, phoneNumberID, code string) error
	Register(ctx context.Context, token, phoneNumberID, pin string) error
}

// Config configures the Service.
type Config struct {
	Store Store
	Graph SignupGraph
	Clock conversa.Clock
	// WebhookURL is Conversa's public /webhooks/whatsapp URL, sent to Meta as
	// each account's override_callback_uri. Empty: the app-level callback
	// configured in Meta's App Dashboard is used.
	WebhookURL string
	// AppID and AppSecret are Conversa's Meta app: the Embedded Signup code
	// exchange, and the secret that signs webhooks of onboarded channels.
	AppID, AppSecret string
	Logger           *slog.Logger
}

// Service runs the channel use cases.
type Service struct {
	store Store
	graph SignupGraph
	cfg   Config
	log   *slog.Logger
}

// New returns a Service.
func New(cfg Config) *Service {
	if cfg.Clock == nil {
		cfg.Clock = conversa.SystemClock{}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	return &Service{store: cfg.Store, graph: cfg.Graph, cfg: cfg, log: cfg.Logger}
}

// metaError turns a Graph API failure into the error shown to the admin,
// with Meta's reason in plain words (whatsapp.ToConversa). Refusals of what
// the admin entered (token, ids, code) become 422 meta_rejected, so they
// are not mistaken for an outage; conflicts, rate limits and outages keep
// their codes so clients know whether retrying can help.
func metaError(err error) *conversa.Error {
	ce := *whatsapp.ToConversa(err)
	if ce.Code == conversa.EUPSTREAM || ce.Code == conversa.EINVALID {
		ce.Code = conversa.EMETAREJECTED
	}
	return &ce
}

// say is a sentence in both languages (a code-less conversa.Error, the
// project's one bilingual string), localized at the edge.
func say(en string, args ...any) *conversa.Error { return conversa.Errorf("", en, args...) }

func (s *Service) audit(ctx context.Context, companyID, actor int64, action, target string, detail map[string]any) error {
	var a *int64
	if actor != 0 {
		a = &actor
	}
	return s.store.Audit(ctx, conversa.AuditEntry{CompanyID: companyID, ActorID: a, Action: action, Target: target, Detail: detail})
}

func channelTarget(id int64) string { return fmt.Sprintf("channel:%d", id) }

// randomToken is a fresh verify token for a channel's webhook handshake.
func randomToken() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

func invalid(field string) error {
	return conversa.Errorf(conversa.EINVALID, "Field %q is required.", field).Pt("O campo %q é obrigatório.", field)
}

func blank(s string) bool { return strings.TrimSpace(s) == "" }

// throughputOf is the messages per second Meta allows a number.
func throughputOf(p *whatsapp.PhoneNumber) int {
	if p.Throughput != nil && p.Throughput.Level == "HIGH" {
		return 1000
	}
	return 80
}
