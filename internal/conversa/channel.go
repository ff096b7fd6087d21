package conversa

import "time"

// ChannelGroup is a team or queue ("Vendas") holding channels; its agents
// answer what arrives on them.
type ChannelGroup struct {
	ID        int64     `json:"id"`
	CompanyID int64     `json:"-"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// ChannelType names a kind of channel. WhatsApp (Cloud API) is the first; the
// model keeps type-specific settings in Config so a web-chat widget needs no
// schema change.
type ChannelType string

const (
	ChannelWABA    ChannelType = "waba"
	ChannelWebChat ChannelType = "webchat"
)

// ChannelStatus is where a channel is in its life.
type ChannelStatus string

const (
	ChannelPending      ChannelStatus = "pending"      // onboarding in progress
	ChannelConnected    ChannelStatus = "connected"    // can send and receive
	ChannelError        ChannelStatus = "error"        // Meta refused (token, lock, payment...)
	ChannelDisconnected ChannelStatus = "disconnected" // stopped by an admin; history kept
)

// Channel is one connected number (or, later, widget) inside a group.
type Channel struct {
	ID        int64         `json:"id"`
	CompanyID int64         `json:"-"`
	GroupID   int64         `json:"group_id"`
	Type      ChannelType   `json:"type"`
	Name      string        `json:"name"`
	Status    ChannelStatus `json:"status"`
	WABA      *WABAConfig   `json:"waba,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
}

// WABAConfig is a WhatsApp channel's Cloud API identity. The secrets are
// held decrypted only in memory and never serialised.
type WABAConfig struct {
	BusinessID         string `json:"business_id,omitempty"`
	WABAID             string `json:"waba_id"`
	PhoneNumberID      string `json:"phone_number_id"`
	DisplayPhoneNumber string `json:"display_phone_number,omitempty"`
	VerifiedName       string `json:"verified_name,omitempty"`
	AccessToken        string `json:"-"`
	AppSecret          string `json:"-"`
	VerifyToken        string `json:"-"`
	Throughput         int    `json:"throughput"` // messages per second Meta allows this number
	// Health is the last known state of the account, from the Graph API
	// (readiness checks) and account webhooks; it survives restarts.
	Health WABAHealth `json:"health"`
}

// WABAHealth is what Conversa last learnt about a WhatsApp account and
// number: facts, not sentences, so the checklist can be rendered in any
// language. Empty strings mean "not known yet".
type WABAHealth struct {
	CheckedAt          *time.Time `json:"checked_at,omitempty"` // last live read from the Graph API
	CodeVerification   string     `json:"code_verification_status,omitempty"`
	Registered         bool       `json:"registered,omitempty"`
	NameStatus         string     `json:"name_status,omitempty"`
	QualityRating      string     `json:"quality_rating,omitempty"`
	MessagingLimitTier string     `json:"messaging_limit_tier,omitempty"`
	PaymentMethod      bool       `json:"payment_method,omitempty"`
	Currency           string     `json:"currency,omitempty"`
	Subscribed         bool       `json:"subscribed,omitempty"`
	CallbackURL        string     `json:"callback_url,omitempty"` // the override callback Meta reports
	ApprovedTemplates  bool       `json:"approved_templates,omitempty"`
	// Problem is why the channel is in error (ban, lock), in both languages.
	Problem *Error `json:"problem,omitempty"`
	// ProblemCode is Meta's error code when Problem came from a Meta error
	// (a send, a failed status, an error webhook), so a later live read
	// can tell whether it still holds; 0 otherwise.
	ProblemCode int `json:"problem_code,omitempty"`
	// PaymentRefused: Meta refused a template for billing (131042) since
	// the last live read. Templates are held until a read finds a payment
	// method again; free service replies still go, as they do at Meta.
	PaymentRefused bool                 `json:"payment_refused,omitempty"`
	EventTime      map[string]time.Time `json:"event_time,omitempty"` // newest webhook applied, per kind
}

// ReadinessItem is one line of a channel's "can it send?" checklist.
type ReadinessItem struct {
	Key    string `json:"key"` // account_status, number_verified, display_name, payment_method, webhooks_subscribed, approved_template, quality_rating, messaging_limit
	OK     bool   `json:"ok"`
	Detail string `json:"detail"` // the state, or the fix in plain words
}

// SendBlock explains why nothing can be sent from c now — or, for a
// template send, why no template can — and is nil when the send may go.
// Senders check it before calling Meta, so a disconnected or broken
// channel never reaches Meta, and say exactly this to the person.
func (c Channel) SendBlock(template bool) *Error {
	switch c.Status {
	case ChannelConnected:
	case ChannelDisconnected:
		return Errorf(ECHANNELUNAVAILABLE, "The channel %q is disconnected: nothing can be sent from it (its conversations stay readable). Connect the number again to send.", c.Name).
			Pt("O canal %q está desconectado: nada pode ser enviado por ele (as conversas continuam disponíveis). Conecte o número de novo para enviar.", c.Name)
	case ChannelError:
		if p := c.problem(); p != nil {
			return Errorf(ECHANNELUNAVAILABLE, "The channel %q can't send: %s", c.Name, p.Message).
				Pt("O canal %q não pode enviar: %s", c.Name, p.Localize("pt"))
		}
		return Errorf(ECHANNELUNAVAILABLE, "The channel %q can't send: Meta reported a problem with it. See its readiness checklist.", c.Name).
			Pt("O canal %q não pode enviar: a Meta informou um problema com ele. Veja o checklist de prontidão.", c.Name)
	default:
		return Errorf(ECHANNELUNAVAILABLE, "The channel %q is not connected yet: finish connecting it before sending.", c.Name).
			Pt("O canal %q ainda não está conectado: conclua a conexão antes de enviar.", c.Name)
	}
	if template && c.WABA != nil && c.WABA.Health.PaymentRefused {
		return Errorf(ECHANNELUNAVAILABLE, "WhatsApp refused templates from the channel %q for billing (Meta error 131042): the account has no valid payment method. Add a credit card in US Dollars (USD) in Meta Business Manager (Payment settings), then check the channel's readiness again. Replies inside the 24-hour window still go.", c.Name).
			Pt("O WhatsApp recusou modelos do canal %q por cobrança (erro 131042 da Meta): a conta não tem forma de pagamento válida. Adicione um cartão de crédito em Dólar Americano (USD) no Gerenciador de Negócios da Meta (Configuração de pagamento) e verifique a prontidão do canal de novo. Respostas dentro da janela de 24 horas continuam sendo enviadas.", c.Name)
	}
	return nil
}

func (c Channel) problem() *Error {
	if c.WABA == nil {
		return nil
	}
	return c.WABA.Health.Problem
}
