package channels

import (
	"context"

	"github.com/conversa/conversa/internal/conversa"
)

// Finish registers the verified number with the Cloud API (pin is its
// 6-digit two-step verification PIN), creates the channel and subscribes
// the app to the account's webhooks: the channel is then connected. Each
// part is saved as it succeeds, so a retry after a failure (a licence
// seat taken meanwhile, Meta unreachable) continues where it stopped.
func (s *Service) Finish(ctx context.Context, companyID, actor, id int64, pin string) (conversa.Onboarding, error) {
	o, err := s.register(ctx, companyID, id, pin)
	if err != nil || o.Step == conversa.StepDone {
		return o, err
	}
	if o, err = s.createOnboardedChannel(ctx, companyID, id); err != nil {
		return o, err
	}
	return s.advance(ctx, companyID, id, func(o conversa.Onboarding) (change, error) {
		ch, err := s.store.Channel(ctx, companyID, *o.ChannelID)
		if err != nil {
			return nil, err
		}
		if _, err := s.connect(ctx, actor, ch, "onboarding"); err != nil {
			return nil, err
		}
		return func(o *conversa.Onboarding) { o.Step = conversa.StepDone }, nil
	})
}

func (s *Service) register(ctx context.Context, companyID, id int64, pin string) (conversa.Onboarding, error) {
	return s.advance(ctx, companyID, id, func(o conversa.Onboarding) (change, error) {
		if o.Registered || o.Step == conversa.StepDone {
			return nil, nil
		}
		if err := at(o, conversa.StepRegister); err != nil {
			return nil, err
		}
		if pin = digits(pin); len(pin) != 6 {
			return nil, conversa.Errorf(conversa.EINVALID, "Field \"pin\" must be the number's 6-digit two-step verification PIN.").
				Pt("O campo \"pin\" deve ser o PIN de 6 dígitos da verificação em duas etapas do número.")
		}
		if err := s.graph.Register(ctx, o.AccessToken, o.PhoneNumberID, pin); err != nil {
			return nil, metaError(err)
		}
		return func(o *conversa.Onboarding) { o.Registered = true }, nil
	})
}

// createOnboardedChannel saves the channel (pending until subscribed) once;
// its verify token is Conversa's own and its app secret Conversa's Meta
// app's, which signs the webhooks of accounts onboarded through it.
func (s *Service) createOnboardedChannel(ctx context.Context, companyID, id int64) (conversa.Onboarding, error) {
	return s.advance(ctx, companyID, id, func(o conversa.Onboarding) (change, error) {
		if o.ChannelID != nil {
			return nil, nil
		}
		p, err := s.graph.GetPhoneNumber(ctx, o.AccessToken, o.PhoneNumberID)
		if err != nil {
			return nil, metaError(err)
		}
		ch, err := s.store.CreateChannel(ctx, conversa.Channel{CompanyID: companyID, GroupID: o.GroupID, Type: conversa.ChannelWABA,
			Name: o.ChannelName, Status: conversa.ChannelPending, WABA: &conversa.WABAConfig{
				BusinessID: o.BusinessID, WABAID: o.WABAID, PhoneNumberID: o.PhoneNumberID,
				DisplayPhoneNumber: p.DisplayPhoneNumber, VerifiedName: p.VerifiedName,
				AccessToken: o.AccessToken, AppSecret: s.cfg.AppSecret, VerifyToken: randomToken(), Throughput: throughputOf(p)}})
		if err != nil {
			return nil, err
		}
		return func(o *conversa.Onboarding) { o.ChannelID = &ch.ID }, nil
	})
}
