package channels

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// The number steps of the guided connection: add it, get a code by SMS or
// voice, verify it (the seed's rules: ask again only after 2 minutes, stop
// after 2 wrong codes), register it and subscribe the webhooks.

// PhoneInput picks a number already in the account (PhoneNumberID) or adds
// one: CC is the country code ("55"), Number the national number.
type PhoneInput struct {
	PhoneNumberID string
	CC, Number    string
}

// AddPhone sets the onboarding's number.
func (s *Service) AddPhone(ctx context.Context, companyID, id int64, in PhoneInput) (conversa.Onboarding, error) {
	in.PhoneNumberID, in.CC, in.Number = strings.TrimSpace(in.PhoneNumberID), digits(in.CC), digits(in.Number)
	if in.PhoneNumberID == "" && (in.CC == "" || in.Number == "") {
		return conversa.Onboarding{}, invalid("phone_number")
	}
	return s.advance(ctx, companyID, id, func(o conversa.Onboarding) (change, error) {
		if o.PhoneNumberID != "" && (o.PhoneNumberID == in.PhoneNumberID || digits(o.DisplayPhoneNumber) == in.CC+in.Number) {
			return nil, nil
		}
		// Until the code is verified the number may still be replaced (a typo).
		if err := at(o, conversa.StepPhone, conversa.StepCode, conversa.StepVerify); err != nil {
			return nil, err
		}
		p, err := s.phone(ctx, o, in)
		if err != nil {
			return nil, err
		}
		next := conversa.StepCode
		if p.CodeVerificationStatus == "VERIFIED" {
			next = conversa.StepRegister // Meta's popup may have verified it already
		}
		return func(o *conversa.Onboarding) {
			o.PhoneNumberID, o.DisplayPhoneNumber, o.Step = p.ID, p.DisplayPhoneNumber, next
			o.CodeRequests, o.FailedAttempts, o.CodeRequestedAt, o.Registered = 0, 0, nil, false
		}, nil
	})
}

func (s *Service) phone(ctx context.Context, o conversa.Onboarding, in PhoneInput) (*whatsapp.PhoneNumber, error) {
	id := in.PhoneNumberID
	if id == "" {
		var err error
		id, err = s.graph.AddPhoneNumber(ctx, o.AccessToken, o.WABAID, whatsapp.NewPhoneNumber{CC: in.CC, PhoneNumber: in.Number, VerifiedName: o.DisplayName})
		if whatsapp.IsRegisteredElsewhere(err) {
			return nil, errOtherProvider("+" + in.CC + in.Number)
		}
		if err != nil {
			return nil, metaError(err)
		}
	}
	p, err := s.graph.GetPhoneNumber(ctx, o.AccessToken, id)
	if err != nil {
		return nil, metaError(err)
	}
	if p.ID == "" {
		p.ID = id
	}
	return p, nil
}

// errOtherProvider is the seed's explanation: only the customer can free a
// number still registered with another provider.
func errOtherProvider(number string) error {
	return conversa.Errorf(conversa.ECONFLICT, "The number %s is still registered with another WhatsApp provider or app. The customer must delete it there first (in the other provider's WhatsApp Manager, or WhatsApp app: Settings > Account > Delete account); Conversa cannot do it for them. This connection stays saved: come back to this step once the number is free.", number).
		Pt("O número %s ainda está registrado em outro provedor ou app do WhatsApp. O próprio cliente precisa excluí-lo lá primeiro (no Gerenciador do WhatsApp do outro provedor, ou no app: Configurações > Conta > Apagar conta); o Conversa não pode fazer isso por ele. Esta conexão fica salva: volte a esta etapa quando o número estiver livre.", number)
}

// RequestCode asks Meta to send the verification code by SMS or VOICE. A
// new code may be asked for only CodeResendAfter after the previous one.
func (s *Service) RequestCode(ctx context.Context, companyID, id int64, method, language string) (conversa.Onboarding, error) {
	m := whatsapp.CodeMethod(strings.ToUpper(strings.TrimSpace(method)))
	if m != whatsapp.CodeSMS && m != whatsapp.CodeVoice {
		return conversa.Onboarding{}, conversa.Errorf(conversa.EINVALID, "Field \"method\" must be SMS or VOICE.").Pt("O campo \"method\" deve ser SMS ou VOICE.")
	}
	if blank(language) {
		language = "pt_BR"
	}
	return s.advance(ctx, companyID, id, func(o conversa.Onboarding) (change, error) {
		if err := at(o, conversa.StepCode, conversa.StepVerify); err != nil {
			return nil, err
		}
		now := s.cfg.Clock.Now()
		if o.CodeRequestedAt != nil && now.Sub(*o.CodeRequestedAt) < conversa.CodeResendAfter {
			return nil, errTooSoon(conversa.CodeResendAfter - now.Sub(*o.CodeRequestedAt))
		}
		err := s.graph.RequestCode(ctx, o.AccessToken, o.PhoneNumberID, m, language)
		if whatsapp.IsRegisteredElsewhere(err) {
			return nil, errOtherProvider(o.DisplayPhoneNumber)
		}
		if err != nil {
			return nil, metaError(err)
		}
		return func(o *conversa.Onboarding) {
			o.CodeMethod, o.CodeRequests, o.CodeRequestedAt, o.Step = string(m), o.CodeRequests+1, &now, conversa.StepVerify
		}, nil
	})
}

func errTooSoon(wait time.Duration) error {
	secs := int(wait.Seconds() + 0.999)
	return conversa.Errorf(conversa.ERATELIMIT, "A code was just sent. Wait %d s before asking again; if none arrives within 2 minutes, check that the number receives SMS or calls, or try VOICE.", secs).
		Pt("Um código acabou de ser enviado. Aguarde %d s para pedir outro; se nada chegar em 2 minutos, verifique se o número recebe SMS ou ligações, ou tente por ligação (VOICE).", secs)
}

// VerifyCode submits the code the number received. MaxFailedCodes wrong
// codes stop the flow with the seed's advice; Restart resumes it.
func (s *Service) VerifyCode(ctx context.Context, companyID, id int64, code string) (conversa.Onboarding, error) {
	if code = digits(code); code == "" {
		return conversa.Onboarding{}, invalid("code")
	}
	return s.advance(ctx, companyID, id, func(o conversa.Onboarding) (change, error) {
		if o.Step == conversa.StepRegister || o.Step == conversa.StepDone {
			return nil, nil // already verified
		}
		if err := at(o, conversa.StepVerify); err != nil {
			return nil, err
		}
		err := s.graph.VerifyCode(ctx, o.AccessToken, o.PhoneNumberID, code)
		if err == nil {
			return func(o *conversa.Onboarding) { o.Step = conversa.StepRegister }, nil
		}
		if !wrongCode(err) {
			return nil, metaError(err)
		}
		failed := o.FailedAttempts + 1
		apply := func(o *conversa.Onboarding) {
			o.FailedAttempts = failed
			if failed >= conversa.MaxFailedCodes {
				o.Step = conversa.StepStopped
			}
		}
		if failed >= conversa.MaxFailedCodes {
			return apply, errStopped()
		}
		return apply, wrongCodeLeft(metaError(err), conversa.MaxFailedCodes-failed)
	})
}

// wrongCode is Meta's 136025 "verify code error".
func wrongCode(err error) bool {
	var e *whatsapp.Error
	return errors.As(err, &e) && e.Code == 136025
}

func wrongCodeLeft(ce *conversa.Error, left int) error {
	return conversa.Errorf(ce.Code, "%s %d attempt(s) left.", ce.Message, left).Pt("%s Resta(m) %d tentativa(s).", ce.PT, left)
}

// Restart resumes a verification stopped by wrong codes, once the admin
// has checked the number: counters reset and the flow goes back to
// requesting a code. (A code that never came needs no restart: a new one
// may be asked for after CodeResendAfter.)
func (s *Service) Restart(ctx context.Context, companyID, actor, id int64) (conversa.Onboarding, error) {
	o, err := s.store.ModifyOnboarding(ctx, companyID, id, func(o *conversa.Onboarding) error {
		if err := at(*o, conversa.StepStopped); err != nil {
			return err
		}
		o.Step, o.FailedAttempts, o.CodeRequestedAt, o.LastError = conversa.StepCode, 0, nil, nil
		return nil
	})
	if err != nil {
		return o, err
	}
	return o, s.audit(ctx, companyID, actor, "onboarding.restart", onboardingTarget(id), nil)
}

func digits(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}
