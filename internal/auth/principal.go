package auth

import (
	"context"
	"time"

	"github.com/conversa/conversa/internal/conversa"
)

// Principal is the authenticated caller of a request.
type Principal struct {
	User    conversa.User
	Company conversa.Company
	Session conversa.Session
	Bearer  bool // authenticated by Authorization header, not by cookie
}

type principalKey struct{}

// WithPrincipal returns ctx carrying p.
func WithPrincipal(ctx context.Context, p *Principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}

// FromContext returns the request's principal, or nil when anonymous.
func FromContext(ctx context.Context) *Principal {
	p, _ := ctx.Value(principalKey{}).(*Principal)
	return p
}

// RequireRole refuses a principal below min (admin > supervisor > agent).
func (p *Principal) RequireRole(min conversa.Role) error {
	if p == nil {
		return errLoginRequired()
	}
	if !p.User.Role.AtLeast(min) {
		return conversa.Errorf(conversa.EFORBIDDEN, "This action needs the %s role.", min).
			Pt("Esta ação exige o perfil %s.", min)
	}
	return nil
}

// RequireStepUp refuses unless the session confirmed the password within
// maxAge of now (POST /api/v1/auth/reauth). Sensitive actions, such as
// connecting a WhatsApp number, call it even with a live session.
func (p *Principal) RequireStepUp(now time.Time, maxAge time.Duration) error {
	if p == nil {
		return errLoginRequired()
	}
	if at := p.Session.ReauthAt; at != nil && !now.Before(*at) && now.Sub(*at) <= maxAge {
		return nil
	}
	return conversa.Errorf(conversa.EREAUTH, "Confirm your password to continue (POST /api/v1/auth/reauth).").
		Pt("Confirme sua senha para continuar (POST /api/v1/auth/reauth).")
}

func errLoginRequired() error {
	return conversa.Errorf(conversa.EUNAUTHORIZED, "Log in to continue.").Pt("Entre para continuar.")
}
