package store

import (
	"context"
	"fmt"

	"github.com/conversa/conversa/internal/conversa"
)

const companyColumns = "id, domain, name, max_channels, max_agents, locale, time_zone, created_at"

func scanCompany(row interface{ Scan(...any) error }) (conversa.Company, error) {
	var c conversa.Company
	err := row.Scan(&c.ID, &c.Domain, &c.Name, &c.MaxChannels, &c.MaxAgents, &c.Locale, &c.TimeZone, &c.CreatedAt)
	utc(&c.CreatedAt)
	return c, err
}

// CreateCompany validates and inserts a company; a taken domain is a
// conflict.
func (s *Store) CreateCompany(ctx context.Context, c conversa.Company) (conversa.Company, error) {
	if err := c.Validate(); err != nil {
		return c, err
	}
	c.CreatedAt = dbTime(s.now())
	id, err := s.w.insert(ctx, `INSERT INTO companies (domain, name, max_channels, max_agents, locale, time_zone, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, c.Domain, c.Name, c.MaxChannels, c.MaxAgents, c.Locale, c.TimeZone, c.CreatedAt)
	if isUniqueViolation(err) {
		return c, conversa.Errorf(conversa.ECONFLICT, "The domain %q is already taken.", c.Domain).
			Pt("O domínio %q já está em uso.", c.Domain)
	}
	c.ID = id
	return c, err
}

// Company returns the company with id.
func (s *Store) Company(ctx context.Context, companyID int64) (conversa.Company, error) {
	c, err := scanCompany(s.r.queryRow(ctx, "SELECT "+companyColumns+" FROM companies WHERE id = ?", companyID))
	return c, notFound(err, "Company")
}

// CompanyByDomain finds a company by its login domain (case-insensitive).
// It is the one company lookup that is not scoped: login starts here.
func (s *Store) CompanyByDomain(ctx context.Context, domain string) (conversa.Company, error) {
	c, err := scanCompany(s.r.queryRow(ctx, "SELECT "+companyColumns+" FROM companies WHERE domain = ?",
		conversa.NormalizeDomain(domain)))
	return c, notFound(err, "Company")
}

// UpdateCompanySettings changes the company's name, language or time zone,
// audited as actor's.
func (s *Store) UpdateCompanySettings(ctx context.Context, companyID int64, actor *int64, set conversa.CompanySettings) (conversa.Company, error) {
	var c conversa.Company
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		if c, err = tx.lockCompany(ctx, companyID); err != nil {
			return err
		}
		if err := set.Apply(&c); err != nil {
			return err
		}
		if _, err := tx.w.exec(ctx, "UPDATE companies SET name = ?, locale = ?, time_zone = ? WHERE id = ?",
			c.Name, c.Locale, c.TimeZone, companyID); err != nil {
			return err
		}
		return tx.Audit(ctx, conversa.AuditEntry{CompanyID: companyID, ActorID: actor, Action: "company.update",
			Target: fmt.Sprintf("company:%d", companyID), Detail: map[string]any{"name": c.Name, "locale": c.Locale, "time_zone": c.TimeZone}})
	})
	return c, err
}

// LicenceUsage counts what the company uses against its licence.
func (s *Store) LicenceUsage(ctx context.Context, companyID int64) (conversa.LicenceUsage, error) {
	c, err := s.Company(ctx, companyID)
	if err != nil {
		return conversa.LicenceUsage{}, err
	}
	agents, err := s.countAgents(ctx, companyID)
	if err != nil {
		return conversa.LicenceUsage{}, err
	}
	channels, err := s.countChannels(ctx, companyID)
	if err != nil {
		return conversa.LicenceUsage{}, err
	}
	return conversa.LicenceUsage{Agents: agents, MaxAgents: c.MaxAgents, Channels: channels, MaxChannels: c.MaxChannels}, nil
}

// lockCompany takes the company row for the rest of the transaction, so
// concurrent licence checks for one company run one after the other.
func (s *Store) lockCompany(ctx context.Context, companyID int64) (conversa.Company, error) {
	c, err := scanCompany(s.w.queryRow(ctx, "SELECT "+companyColumns+" FROM companies WHERE id = ?"+s.d.forUpdate(), companyID))
	return c, notFound(err, "Company")
}
