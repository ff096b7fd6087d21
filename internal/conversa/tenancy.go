package conversa

import (
	"net/mail"
	"regexp"
	"strings"
	"time"
)

// Company is a tenant. Everything a company owns carries its ID, and every
// read and write is scoped by it.
type Company struct {
	ID          int64
	Domain      string // unique short name used at login, e.g. "minhaempresa"
	Name        string
	MaxChannels int    // contracted channels (licence)
	MaxAgents   int    // contracted agents (licence)
	Locale      string // the language new users start in: pt-BR or en
	TimeZone    string // IANA zone its days follow (reports, dates in messages); America/Sao_Paulo by default
	CreatedAt   time.Time
}

// User is a person who logs into one company.
type User struct {
	ID        int64
	CompanyID int64
	Email     string
	Name      string
	Role      Role
	Active    bool
	CreatedAt time.Time
}

// Session is a logged-in browser or script. The token itself is never
// stored; only its SHA-256 hash is.
type Session struct {
	ID         int64
	CompanyID  int64
	UserID     int64
	CreatedAt  time.Time
	LastSeenAt time.Time
	ExpiresAt  time.Time  // absolute expiry; idle expiry is computed from LastSeenAt
	ReauthAt   *time.Time // last step-up password check, nil when never
	UserAgent  string
	IP         string
}

// AuditEntry records an administrative or security-relevant action.
type AuditEntry struct {
	ID        int64
	CompanyID int64
	ActorID   *int64 // nil for the system or the command line
	Action    string // dotted verb, e.g. "user.create", "auth.locked"
	Target    string // e.g. "user:42"
	Detail    map[string]any
	At        time.Time
}

// Role orders what a user may do: admin > supervisor > agent.
type Role string

const (
	RoleAgent      Role = "agent"
	RoleSupervisor Role = "supervisor"
	RoleAdmin      Role = "admin"
)

func (r Role) rank() int {
	switch r {
	case RoleAgent:
		return 1
	case RoleSupervisor:
		return 2
	case RoleAdmin:
		return 3
	}
	return 0
}

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r.rank() > 0 }

// AtLeast reports whether r includes every permission of min.
func (r Role) AtLeast(min Role) bool { return r.Valid() && r.rank() >= min.rank() }

// ParseRole validates a role name from input.
func ParseRole(s string) (Role, error) {
	r := Role(strings.ToLower(strings.TrimSpace(s)))
	if !r.Valid() {
		return "", Errorf(EINVALID, "Role must be admin, supervisor or agent.").
			Pt("O perfil deve ser admin, supervisor ou agent.")
	}
	return r, nil
}

var domainRE = regexp.MustCompile(`^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$`)

// NormalizeDomain lowercases and trims a company domain, so login is not
// case-sensitive.
func NormalizeDomain(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// NormalizeEmail lowercases and trims an e-mail address; addresses are
// unique per company regardless of case.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// MinPasswordLen is the shortest password accepted when one is set.
const MinPasswordLen = 8

// Validate checks a new company's fields and normalizes them in place.
func (c *Company) Validate() error {
	c.Domain = NormalizeDomain(c.Domain)
	c.Name = strings.TrimSpace(c.Name)
	if !domainRE.MatchString(c.Domain) {
		return Errorf(EINVALID, "The domain must be lowercase letters, digits or hyphens (e.g. minhaempresa).").
			Pt("O domínio deve ter letras minúsculas, dígitos ou hífens (ex.: minhaempresa).")
	}
	if c.Name == "" {
		return Errorf(EINVALID, "The company name is required.").Pt("O nome da empresa é obrigatório.")
	}
	if c.MaxChannels < 0 || c.MaxAgents < 0 {
		return Errorf(EINVALID, "Licence limits cannot be negative.").Pt("Os limites da licença não podem ser negativos.")
	}
	if c.Locale == "" {
		c.Locale = Portuguese
	}
	if c.TimeZone == "" {
		c.TimeZone = DefaultTimeZone
	}
	return c.validateSettings()
}

// DefaultTimeZone is where most of our users work.
const DefaultTimeZone = "America/Sao_Paulo"

// validateSettings checks what an admin may change about the company.
func (c *Company) validateSettings() error {
	if c.Locale != Portuguese && c.Locale != English {
		return Errorf(EINVALID, "The language must be pt-BR or en.").Pt("O idioma deve ser pt-BR ou en.")
	}
	if loc, err := time.LoadLocation(c.TimeZone); c.TimeZone == "" || err != nil || loc.String() == "Local" {
		return Errorf(EINVALID, "%q is not a time zone; use an IANA name such as America/Sao_Paulo.", c.TimeZone).
			Pt("%q não é um fuso horário; use um nome IANA como America/Sao_Paulo.", c.TimeZone)
	}
	return nil
}

// CompanySettings is what an admin may change about their company.
type CompanySettings struct {
	Name     *string `json:"name"`
	Locale   *string `json:"locale"`
	TimeZone *string `json:"time_zone"`
}

// Apply changes c by s and validates the result.
func (s CompanySettings) Apply(c *Company) error {
	if s.Name != nil {
		c.Name = strings.TrimSpace(*s.Name)
		if c.Name == "" {
			return Errorf(EINVALID, "The company name is required.").Pt("O nome da empresa é obrigatório.")
		}
	}
	if s.Locale != nil {
		c.Locale = *s.Locale
	}
	if s.TimeZone != nil {
		c.TimeZone = *s.TimeZone
	}
	return c.validateSettings()
}

// Validate checks a user's fields and normalizes them in place.
func (u *User) Validate() error {
	u.Email = NormalizeEmail(u.Email)
	u.Name = strings.TrimSpace(u.Name)
	if a, err := mail.ParseAddress(u.Email); err != nil || a.Address != u.Email {
		return Errorf(EINVALID, "Enter a valid e-mail address.").Pt("Informe um e-mail válido.")
	}
	if u.Name == "" {
		return Errorf(EINVALID, "The name is required.").Pt("O nome é obrigatório.")
	}
	if !u.Role.Valid() {
		return Errorf(EINVALID, "Role must be admin, supervisor or agent.").
			Pt("O perfil deve ser admin, supervisor ou agent.")
	}
	return nil
}

// ValidatePassword checks a new password's strength.
func ValidatePassword(p string) error {
	if len([]rune(p)) < MinPasswordLen {
		return Errorf(EINVALID, "The password must have at least %d characters.", MinPasswordLen).
			Pt("A senha deve ter pelo menos %d caracteres.", MinPasswordLen)
	}
	if len(p) > 1024 {
		return Errorf(EINVALID, "The password is too long.").Pt("A senha é longa demais.")
	}
	return nil
}
