package channels

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
	"github.com/conversa/conversa/internal/whatsapp"
)

// The guided connection (Meta's Embedded Signup, PRODUCT.md §3). Each step
// is a method that is safe to repeat: a step already done answers the
// saved state instead of calling Meta again. Graph calls run outside any
// database transaction (a slow Meta must not hold SQLite's one writer);
// what a call changed is then applied to the freshly locked row.

// StartOnboarding begins a guided connection of a new channel in a group.
func (s *Service) StartOnboarding(ctx context.Context, companyID, actor, groupID int64, name string) (conversa.Onboarding, error) {
	if blank(name) {
		return conversa.Onboarding{}, invalid("name")
	}
	if err := s.checkGroup(ctx, companyID, groupID); err != nil {
		return conversa.Onboarding{}, err
	}
	if err := s.checkLicence(ctx, companyID); err != nil {
		return conversa.Onboarding{}, err
	}
	o, err := s.store.CreateOnboarding(ctx, conversa.Onboarding{CompanyID: companyID, UserID: actor, GroupID: groupID,
		ChannelName: strings.TrimSpace(name), Step: conversa.StepSignup})
	if err != nil {
		return o, err
	}
	return o, s.audit(ctx, companyID, actor, "onboarding.start", onboardingTarget(o.ID), map[string]any{"group_id": groupID})
}

// Onboarding returns one onboarding of the company, where it stands.
func (s *Service) Onboarding(ctx context.Context, companyID, id int64) (conversa.Onboarding, error) {
	return s.store.Onboarding(ctx, companyID, id)
}

// Onboardings lists the company's onboardings, newest first.
func (s *Service) Onboardings(ctx context.Context, companyID int64) ([]conversa.Onboarding, error) {
	return s.store.Onboardings(ctx, companyID)
}

// change is what a step decided, applied to the locked row.
type change func(*conversa.Onboarding)

// advance runs a step: do reads the saved state and calls Meta; the change
// it returns is saved (even when the step failed, e.g. a counted wrong
// code), together with the step's error so a resumed session shows it.
// A nil change with a nil error means "already done": nothing is written.
func (s *Service) advance(ctx context.Context, companyID, id int64, do func(o conversa.Onboarding) (change, error)) (conversa.Onboarding, error) {
	o, err := s.store.Onboarding(ctx, companyID, id)
	if err != nil {
		return o, err
	}
	if err := stepAllowed(o); err != nil {
		return o, err
	}
	apply, stepErr := do(o)
	if apply == nil && stepErr == nil {
		return o, nil
	}
	var lastErr *conversa.Error
	if stepErr != nil && !errors.As(stepErr, &lastErr) {
		return o, stepErr // a bug or an outage of ours, not the admin's to fix
	}
	saved, err := s.store.ModifyOnboarding(ctx, companyID, id, func(cur *conversa.Onboarding) error {
		if apply != nil {
			apply(cur)
		}
		cur.LastError = lastErr
		return nil
	})
	if err != nil {
		return saved, err
	}
	return saved, stepErr
}

// stepAllowed refuses any step of a stopped or finished onboarding.
func stepAllowed(o conversa.Onboarding) error {
	if o.Step == conversa.StepStopped {
		return errStopped()
	}
	return nil
}

func errStopped() error {
	return conversa.Errorf(conversa.ECONFLICT, "This connection stopped after %d wrong codes. Check that the number really receives SMS or calls (call it or send it an SMS), then restart the verification.", conversa.MaxFailedCodes).
		Pt("Esta conexão foi interrompida após %d códigos errados. Verifique se o número realmente recebe SMS ou ligações (ligue ou envie um SMS para ele) e então reinicie a verificação.", conversa.MaxFailedCodes)
}

// at refuses a step when the onboarding is not at one of the given steps.
func at(o conversa.Onboarding, steps ...conversa.OnboardingStep) error {
	if slices.Contains(steps, o.Step) {
		return nil
	}
	return conversa.Errorf(conversa.ECONFLICT, "This connection is at step %q; this action is not possible now.", o.Step).
		Pt("Esta conexão está na etapa %q; esta ação não é possível agora.", o.Step)
}

func hashCode(code string) string {
	sum := sha256.Sum256([]byte(code))
	return hex.EncodeToString(sum[:])
}

// Signup exchanges the Embedded Signup code for an access token to the
// business portfolio the admin chose in Meta's popup.
func (s *Service) Signup(ctx context.Context, companyID, id int64, code, businessID string) (conversa.Onboarding, error) {
	if blank(code) {
		return conversa.Onboarding{}, invalid("code")
	}
	if blank(businessID) {
		return conversa.Onboarding{}, invalid("business_id")
	}
	return s.advance(ctx, companyID, id, func(o conversa.Onboarding) (change, error) {
		if o.SignupCodeHash == hashCode(code) {
			return nil, nil // the code is single-use: a repeat must not spend another call
		}
		if err := at(o, conversa.StepSignup, conversa.StepAccount); err != nil {
			return nil, err
		}
		tok, err := s.graph.ExchangeCode(ctx, s.cfg.AppID, s.cfg.AppSecret, strings.TrimSpace(code))
		if err != nil {
			return nil, metaError(err)
		}
		return func(o *conversa.Onboarding) {
			o.AccessToken, o.SignupCodeHash, o.BusinessID = tok.AccessToken, hashCode(code), strings.TrimSpace(businessID)
			o.WABAID, o.WABAName, o.Step = "", "", conversa.StepAccount
		}, nil
	})
}

// Accounts lists the WhatsApp Business Accounts of the chosen portfolio.
func (s *Service) Accounts(ctx context.Context, companyID, id int64) ([]whatsapp.WABA, error) {
	o, err := s.store.Onboarding(ctx, companyID, id)
	if err != nil {
		return nil, err
	}
	if o.AccessToken == "" {
		return nil, at(o, conversa.StepAccount)
	}
	list, err := s.graph.OwnedWABAs(ctx, o.AccessToken, o.BusinessID)
	if err != nil {
		return nil, metaError(err)
	}
	return list, nil
}

// AccountInput picks an existing account (WABAID) or creates one (Name).
// DisplayName is the number's public name; Meta reviews it against the
// company's legal name (CNPJ).
type AccountInput struct {
	WABAID      string
	Name        string
	DisplayName string
}

// DisplayNameAdvice is the warning shown with the account step.
func DisplayNameAdvice() *conversa.Error {
	return say("The display name should be the company's legal name as in its CNPJ (or as close as possible): Meta reviews it, and a mismatch gets it declined.").
		Pt("O nome de exibição deve ser a razão social da empresa como no CNPJ (ou o mais parecido possível): a Meta o avalia, e uma divergência leva à recusa.")
}

// ChooseAccount sets the onboarding's WhatsApp Business Account, creating
// it when no id is given (the seed: on a first connection, always create).
func (s *Service) ChooseAccount(ctx context.Context, companyID, id int64, in AccountInput) (conversa.Onboarding, error) {
	if blank(in.DisplayName) {
		return conversa.Onboarding{}, invalid("display_name")
	}
	if blank(in.WABAID) && blank(in.Name) {
		return conversa.Onboarding{}, invalid("name")
	}
	in.WABAID, in.Name, in.DisplayName = strings.TrimSpace(in.WABAID), strings.TrimSpace(in.Name), strings.TrimSpace(in.DisplayName)
	return s.advance(ctx, companyID, id, func(o conversa.Onboarding) (change, error) {
		if o.WABAID != "" && (o.WABAID == in.WABAID || (in.WABAID == "" && o.WABAName == in.Name)) && o.DisplayName == in.DisplayName {
			return nil, nil // repeated: never create a second account
		}
		if err := at(o, conversa.StepAccount, conversa.StepPhone); err != nil {
			return nil, err
		}
		waba, err := s.account(ctx, o, in)
		if err != nil {
			return nil, err
		}
		return func(o *conversa.Onboarding) {
			o.WABAID, o.WABAName, o.DisplayName, o.Step = waba.ID, waba.Name, in.DisplayName, conversa.StepPhone
		}, nil
	})
}

func (s *Service) account(ctx context.Context, o conversa.Onboarding, in AccountInput) (*whatsapp.WABA, error) {
	if in.WABAID != "" {
		w, err := s.graph.GetWABA(ctx, o.AccessToken, in.WABAID, "name", "currency")
		if err != nil {
			return nil, metaError(err)
		}
		return w, nil
	}
	// USD: the seed's Checkpoint 2 has the payment method in US dollars.
	w, err := s.graph.CreateWABA(ctx, o.AccessToken, o.BusinessID, whatsapp.NewWABA{Name: in.Name, Currency: "USD"})
	if err != nil {
		return nil, metaError(err)
	}
	return w, nil
}

func onboardingTarget(id int64) string { return fmt.Sprintf("onboarding:%d", id) }
