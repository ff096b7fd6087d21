package channels

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// ManualInput is the manual WhatsApp connection: what an experienced admin
// copies from Meta's App Dashboard.
type ManualInput struct {
	GroupID       int64
	Name          string
	PhoneNumberID string
	WABAID        string
	AccessToken   string
	AppSecret     string
	VerifyToken   string // generated when empty
}

func (in ManualInput) validate() error {
	for _, f := range []struct{ name, v string }{
		{"phone_number_id", in.PhoneNumberID}, {"waba_id", in.WABAID}, {"access_token", in.AccessToken}, {"app_secret", in.AppSecret},
	} {
		if blank(f.v) {
			return invalid(f.name)
		}
	}
	if in.GroupID <= 0 {
		return invalid("group_id")
	}
	return nil
}

// ConnectManual validates the credentials against the Graph API (the token
// works, the number belongs to the account), saves the channel, subscribes
// the app to the account's webhooks and marks the channel connected.
func (s *Service) ConnectManual(ctx context.Context, companyID, actor int64, in ManualInput) (conversa.Channel, error) {
	if err := in.validate(); err != nil {
		return conversa.Channel{}, err
	}
	if err := s.checkGroup(ctx, companyID, in.GroupID); err != nil {
		return conversa.Channel{}, err
	}
	if err := s.checkLicence(ctx, companyID); err != nil {
		return conversa.Channel{}, err
	}
	token := strings.TrimSpace(in.AccessToken)
	phone, err := s.checkNumber(ctx, token, strings.TrimSpace(in.WABAID), strings.TrimSpace(in.PhoneNumberID))
	if err != nil {
		return conversa.Channel{}, err
	}
	ch := conversa.Channel{CompanyID: companyID, GroupID: in.GroupID, Type: conversa.ChannelWABA,
		Name: strings.TrimSpace(in.Name), Status: conversa.ChannelPending,
		WABA: &conversa.WABAConfig{WABAID: strings.TrimSpace(in.WABAID), PhoneNumberID: phone.ID,
			DisplayPhoneNumber: phone.DisplayPhoneNumber, VerifiedName: phone.VerifiedName,
			AccessToken: token, AppSecret: strings.TrimSpace(in.AppSecret), VerifyToken: strings.TrimSpace(in.VerifyToken),
			Throughput: throughputOf(phone)}}
	if ch.Name == "" {
		ch.Name = phone.VerifiedName
	}
	if ch.WABA.VerifyToken == "" {
		ch.WABA.VerifyToken = randomToken()
	}
	ch, err = s.store.CreateChannel(ctx, ch)
	if err != nil {
		return ch, err
	}
	connected, err := s.connect(ctx, actor, ch, "manual")
	if err != nil {
		// Nothing was ever received on it: drop the row so the seat and the
		// number are free for the next try.
		return ch, errors.Join(err, s.store.DeleteChannel(ctx, companyID, ch.ID))
	}
	return connected, nil
}

// checkGroup refuses a group the company doesn't own (not found) before
// anything else, Meta included: CreateChannel checks again, but only after
// the Graph calls, which a request naming another company's group must
// never cost.
func (s *Service) checkGroup(ctx context.Context, companyID, groupID int64) error {
	_, err := s.store.Group(ctx, companyID, groupID)
	return err
}

// checkLicence refuses early, before any Graph call, when no channel seat
// is left; CreateChannel checks again under lock.
func (s *Service) checkLicence(ctx context.Context, companyID int64) error {
	u, err := s.store.LicenceUsage(ctx, companyID)
	if err != nil {
		return err
	}
	return conversa.CheckLicence(conversa.LicenceChannels, u.Channels, u.MaxChannels)
}

// checkNumber reads the number and the account with the token and checks
// the number is one of the account's.
func (s *Service) checkNumber(ctx context.Context, token, wabaID, phoneNumberID string) (*whatsapp.PhoneNumber, error) {
	phone, err := s.graph.GetPhoneNumber(ctx, token, phoneNumberID)
	if err != nil {
		return nil, metaError(err)
	}
	if _, err := s.graph.GetWABA(ctx, token, wabaID, "name", "currency"); err != nil {
		return nil, metaError(err)
	}
	numbers, err := s.graph.PhoneNumbers(ctx, token, wabaID)
	if err != nil {
		return nil, metaError(err)
	}
	if !slices.ContainsFunc(numbers, func(p whatsapp.PhoneNumber) bool { return p.ID == phoneNumberID }) {
		return nil, conversa.Errorf(conversa.EMETAREJECTED, "The number %s does not belong to the WhatsApp Business Account %s. Check both ids in WhatsApp Manager.", phoneNumberID, wabaID).
			Pt("O número %s não pertence à conta do WhatsApp Business %s. Confira os dois ids no Gerenciador do WhatsApp.", phoneNumberID, wabaID)
	}
	if phone.ID == "" {
		phone.ID = phoneNumberID
	}
	return phone, nil
}

// connect subscribes the app to the channel's account, sending its webhooks
// to Conversa (Meta runs the GET handshake with the channel's verify token
// first, which is why the channel is saved before), then marks it connected.
func (s *Service) connect(ctx context.Context, actor int64, ch conversa.Channel, method string) (conversa.Channel, error) {
	sub := whatsapp.Subscription{}
	if s.cfg.WebhookURL != "" {
		sub = whatsapp.Subscription{OverrideCallbackURI: s.cfg.WebhookURL, VerifyToken: ch.WABA.VerifyToken}
	}
	if err := s.graph.SubscribeApp(ctx, ch.WABA.AccessToken, ch.WABA.WABAID, sub); err != nil {
		return ch, metaError(err)
	}
	ch, err := s.store.ModifyChannel(ctx, ch.CompanyID, ch.ID, func(c *conversa.Channel) error {
		c.Status = conversa.ChannelConnected
		c.WABA.Health.Subscribed, c.WABA.Health.CallbackURL, c.WABA.Health.Problem = true, s.cfg.WebhookURL, nil
		return nil
	})
	if err != nil {
		return ch, err
	}
	return ch, s.audit(ctx, ch.CompanyID, actor, "channel.connect", channelTarget(ch.ID), map[string]any{
		"method": method, "waba_id": ch.WABA.WABAID, "phone_number_id": ch.WABA.PhoneNumberID})
}

// Channels lists the company's channels.
func (s *Service) Channels(ctx context.Context, companyID int64) ([]conversa.Channel, error) {
	return s.store.Channels(ctx, companyID)
}

// Channel returns one channel of the company.
func (s *Service) Channel(ctx context.Context, companyID, id int64) (conversa.Channel, error) {
	return s.store.Channel(ctx, companyID, id)
}

// ChannelPatch changes a channel's name or group; nil leaves it as is.
type ChannelPatch struct {
	Name    *string
	GroupID *int64
}

// UpdateChannel renames a channel or moves it to another group.
func (s *Service) UpdateChannel(ctx context.Context, companyID, actor, id int64, p ChannelPatch) (conversa.Channel, error) {
	ch, err := s.store.ModifyChannel(ctx, companyID, id, func(c *conversa.Channel) error {
		if p.Name != nil {
			if blank(*p.Name) {
				return invalid("name")
			}
			c.Name = strings.TrimSpace(*p.Name)
		}
		if p.GroupID != nil {
			c.GroupID = *p.GroupID
		}
		return nil
	})
	if err != nil {
		return ch, err
	}
	return ch, s.audit(ctx, companyID, actor, "channel.update", channelTarget(id), map[string]any{"name": ch.Name, "group_id": ch.GroupID})
}

// Disconnect stops a channel: the app is unsubscribed from the account's
// webhooks (best effort: Meta refusing must not keep a channel the admin
// wants gone), the status becomes disconnected, which frees the licence
// seat and the number, and the history stays. The warnings say what Meta
// refused.
func (s *Service) Disconnect(ctx context.Context, companyID, actor, id int64) (conversa.Channel, []*conversa.Error, error) {
	ch, err := s.store.Channel(ctx, companyID, id)
	if err != nil || ch.Status == conversa.ChannelDisconnected {
		return ch, nil, err
	}
	var warnings []*conversa.Error
	if ch.WABA != nil && s.lastOnAccount(ctx, ch) {
		if err := s.graph.UnsubscribeApp(ctx, ch.WABA.AccessToken, ch.WABA.WABAID); err != nil {
			w := whatsapp.ToConversa(err)
			warnings = append(warnings, say("Meta did not confirm the webhook unsubscription: %s", w.Message).
				Pt("A Meta não confirmou o cancelamento dos webhooks: %s", w.PT))
		}
	}
	ch, err = s.store.ModifyChannel(ctx, companyID, id, func(c *conversa.Channel) error {
		c.Status = conversa.ChannelDisconnected
		if c.WABA != nil {
			c.WABA.Health.Subscribed = false
		}
		return nil
	})
	if err != nil {
		return ch, warnings, err
	}
	return ch, warnings, s.audit(ctx, companyID, actor, "channel.disconnect", channelTarget(id), map[string]any{"warnings": len(warnings)})
}

// lastOnAccount reports whether no other live channel uses the channel's
// account: unsubscribing the app would silence those too.
func (s *Service) lastOnAccount(ctx context.Context, ch conversa.Channel) bool {
	live, err := s.store.ChannelsByWABAID(ctx, ch.WABA.WABAID)
	if err != nil {
		return false
	}
	return !slices.ContainsFunc(live, func(o conversa.Channel) bool { return o.ID != ch.ID })
}
