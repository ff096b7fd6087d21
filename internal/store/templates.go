package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

const templateColumns = "id, company_id, channel_id, meta_id, name, language, category, status, rejected_reason, status_info, " +
	"quality, parameter_format, components, status_at, category_at, created_at, updated_at"

func scanTemplate(row interface{ Scan(...any) error }) (conversa.Template, error) {
	var t conversa.Template
	var components string
	err := row.Scan(&t.ID, &t.CompanyID, &t.ChannelID, &t.MetaID, &t.Name, &t.Language, &t.Category, &t.Status, &t.RejectedReason,
		&t.StatusInfo, &t.Quality, &t.ParameterFormat, &components, &t.StatusAt, &t.CategoryAt, &t.CreatedAt, &t.UpdatedAt)
	if err != nil {
		return t, err
	}
	utc(&t.StatusAt, &t.CategoryAt, &t.CreatedAt, &t.UpdatedAt)
	if err := json.Unmarshal([]byte(components), &t.Components); err != nil {
		return t, fmt.Errorf("store: template %d components: %w", t.ID, err)
	}
	return t, nil
}

// TemplateFilter narrows a template listing; zero fields match everything.
// DELETED templates are listed only when Status asks for them.
type TemplateFilter struct {
	ChannelID int64
	Status    conversa.TemplateStatus
	Category  conversa.Category
	Query     string // case-insensitive substring of the name
}

// Templates lists the company's templates, by channel then name and
// language.
func (s *Store) Templates(ctx context.Context, companyID int64, f TemplateFilter) ([]conversa.Template, error) {
	q := "SELECT " + templateColumns + " FROM templates WHERE company_id = ?"
	args := []any{companyID}
	if f.ChannelID != 0 {
		q += " AND channel_id = ?"
		args = append(args, f.ChannelID)
	}
	if f.Status != "" {
		q += " AND status = ?"
		args = append(args, string(f.Status))
	} else {
		q += " AND status <> ?"
		args = append(args, string(conversa.TemplateDeleted))
	}
	if f.Category != "" {
		q += " AND category = ?"
		args = append(args, string(f.Category))
	}
	if f.Query != "" {
		q += ` AND LOWER(name) LIKE ? ESCAPE '\'`
		args = append(args, "%"+likeEscape(strings.ToLower(f.Query))+"%")
	}
	return s.queryTemplates(ctx, q+" ORDER BY channel_id, name, language", args...)
}

// likeEscape neutralises LIKE wildcards typed by a user; template names
// are [a-z0-9_] and "_" is itself a wildcard.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, ``, `%`, ``, `_`, `\_`).Replace(s)
}

func (s *Store) queryTemplates(ctx context.Context, q string, args ...any) ([]conversa.Template, error) {
	rows, err := s.r.query(ctx, q, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []conversa.Template
	for rows.Next() {
		t, err := scanTemplate(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// Template returns one template of the company.
func (s *Store) Template(ctx context.Context, companyID, id int64) (conversa.Template, error) {
	t, err := scanTemplate(s.r.queryRow(ctx, "SELECT "+templateColumns+" FROM templates WHERE company_id = ? AND id = ?", companyID, id))
	return t, notFound(err, "Template")
}

// TemplateByName returns a channel's template in one language.
func (s *Store) TemplateByName(ctx context.Context, companyID, channelID int64, name, language string) (conversa.Template, error) {
	t, err := scanTemplate(s.r.queryRow(ctx, "SELECT "+templateColumns+
		" FROM templates WHERE company_id = ? AND channel_id = ? AND name = ? AND language = ?", companyID, channelID, name, language))
	return t, notFound(err, "Template")
}

// ApprovedTemplate returns the template a send may use. A template that
// exists but is not APPROVED comes back together with its
// template_not_approved error (SendableError), so callers can show its
// status; a missing or deleted one is template_not_approved too, not
// not_found, because to the sender both mean "pick another template"
// (the contract's 422 for POST /api/v1/messages). An empty language means
// pt_BR.
func (s *Store) ApprovedTemplate(ctx context.Context, companyID, channelID int64, name, language string) (conversa.Template, error) {
	if language == "" {
		language = conversa.DefaultTemplateLanguage
	}
	t, err := s.TemplateByName(ctx, companyID, channelID, name, language)
	if conversa.ErrorCode(err) == conversa.ENOTFOUND || (err == nil && t.Status == conversa.TemplateDeleted) {
		return t, conversa.Errorf(conversa.ETEMPLATENOTAPPROVED, "Template %q (%s) does not exist on this channel; sync templates or pick another.", name, language).
			Pt("O modelo %q (%s) não existe neste canal; sincronize os modelos ou escolha outro.", name, language)
	}
	if err != nil {
		return t, err
	}
	return t, t.SendableError()
}

// SaveTemplate writes t by its key (company, channel, name, language).
// When the row exists, merge receives it locked and returns the row to
// write, or false to leave it as is; a nil merge overwrites it with t. The
// id and creation time always stay. It returns the row as stored and
// whether anything was written.
func (s *Store) SaveTemplate(ctx context.Context, t conversa.Template, merge func(stored conversa.Template) (conversa.Template, bool)) (conversa.Template, bool, error) {
	var out conversa.Template
	var wrote bool
	err := s.InTx(ctx, func(tx *Store) error {
		stored, err := scanTemplate(tx.w.queryRow(ctx, "SELECT "+templateColumns+
			" FROM templates WHERE company_id = ? AND channel_id = ? AND name = ? AND language = ?"+tx.d.forUpdate(),
			t.CompanyID, t.ChannelID, t.Name, t.Language))
		if err := notFound(err, "Template"); conversa.ErrorCode(err) == conversa.ENOTFOUND {
			out, wrote = t, true
			return tx.insertTemplate(ctx, &out)
		} else if err != nil {
			return err
		}
		next := t
		if merge != nil {
			if next, wrote = merge(stored); !wrote {
				out = stored
				return nil
			}
		}
		next.ID, next.CompanyID, next.ChannelID, next.CreatedAt = stored.ID, stored.CompanyID, stored.ChannelID, stored.CreatedAt
		next.Name, next.Language = stored.Name, stored.Language
		out, wrote = next, true
		return tx.updateTemplate(ctx, &out)
	})
	return out, wrote, err
}

// UpdateTemplate changes one template by id under a row lock: fn edits it
// and reports whether to write. It returns the row as stored and whether
// fn changed it.
func (s *Store) UpdateTemplate(ctx context.Context, companyID, id int64, fn func(*conversa.Template) bool) (conversa.Template, bool, error) {
	var t conversa.Template
	var changed bool
	err := s.InTx(ctx, func(tx *Store) error {
		var err error
		t, err = scanTemplate(tx.w.queryRow(ctx, "SELECT "+templateColumns+" FROM templates WHERE company_id = ? AND id = ?"+tx.d.forUpdate(), companyID, id))
		if err != nil {
			return notFound(err, "Template")
		}
		if changed = fn(&t); !changed {
			return nil
		}
		return tx.updateTemplate(ctx, &t)
	})
	return t, changed, err
}

func (s *Store) insertTemplate(ctx context.Context, t *conversa.Template) error {
	components, err := templateComponents(t)
	if err != nil {
		return err
	}
	if err := s.ownsChannel(ctx, t.CompanyID, t.ChannelID); err != nil {
		return err
	}
	now := dbTime(s.now())
	t.CreatedAt, t.UpdatedAt = now, now
	t.StatusAt, t.CategoryAt = dbTime(t.StatusAt), dbTime(t.CategoryAt)
	t.ID, err = s.w.insert(ctx, `INSERT INTO templates (company_id, channel_id, meta_id, name, language, category, status, rejected_reason,
		status_info, quality, parameter_format, components, status_at, category_at, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		t.CompanyID, t.ChannelID, t.MetaID, t.Name, t.Language, string(t.Category), string(t.Status), t.RejectedReason,
		t.StatusInfo, t.Quality, t.ParameterFormat, components, t.StatusAt, t.CategoryAt, now, now)
	if isUniqueViolation(err) {
		return conversa.Errorf(conversa.ECONFLICT, "Template %q already exists in %s on this channel.", t.Name, t.Language).
			Pt("O modelo %q já existe em %s neste canal.", t.Name, t.Language)
	}
	return err
}

func (s *Store) updateTemplate(ctx context.Context, t *conversa.Template) error {
	components, err := templateComponents(t)
	if err != nil {
		return err
	}
	t.UpdatedAt = dbTime(s.now())
	t.StatusAt, t.CategoryAt = dbTime(t.StatusAt), dbTime(t.CategoryAt)
	_, err = s.w.exec(ctx, `UPDATE templates SET meta_id = ?, category = ?, status = ?, rejected_reason = ?, status_info = ?, quality = ?,
		parameter_format = ?, components = ?, status_at = ?, category_at = ?, updated_at = ? WHERE company_id = ? AND id = ?`,
		t.MetaID, string(t.Category), string(t.Status), t.RejectedReason, t.StatusInfo, t.Quality,
		t.ParameterFormat, components, t.StatusAt, t.CategoryAt, t.UpdatedAt, t.CompanyID, t.ID)
	return err
}

// ownsChannel refuses a channel id of another company (the foreign key
// alone would accept it).
func (s *Store) ownsChannel(ctx context.Context, companyID, channelID int64) error {
	var one int
	err := s.w.queryRow(ctx, "SELECT 1 FROM channels WHERE company_id = ? AND id = ?", companyID, channelID).Scan(&one)
	return notFound(err, "Channel")
}

func templateComponents(t *conversa.Template) (string, error) {
	if t.ParameterFormat == "" {
		t.ParameterFormat = "POSITIONAL"
	}
	if t.Components == nil {
		t.Components = []conversa.TemplateComponent{}
	}
	b, err := json.Marshal(t.Components)
	return string(b), err
}

// TemplateSyncChannels lists every connected WhatsApp channel of every
// company, for the periodic template sync. Unscoped on purpose: the job
// serves all tenants and each channel then scopes its own work.
func (s *Store) TemplateSyncChannels(ctx context.Context) ([]conversa.Channel, error) {
	return s.queryChannels(ctx, "SELECT "+channelColumns+" FROM channels WHERE type = ? AND status = ? ORDER BY id",
		string(conversa.ChannelWABA), string(conversa.ChannelConnected))
}
