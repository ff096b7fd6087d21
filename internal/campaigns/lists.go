package campaigns

import (
	"context"
	"encoding/csv"
	"errors"
	"io"
	"slices"
	"strconv"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// ListImport is a contact list to create: CSV text, or rows already split
// (the JSON API). The header names the columns: phone (required), name,
// tags (separated by ";" or "|"); every other column is a variable.
type ListImport struct {
	Name   string     `json:"name"`
	CSV    string     `json:"csv,omitempty"`
	Header []string   `json:"header,omitempty"`
	Rows   [][]string `json:"rows,omitempty"`
}

// maxListRows bounds one import; bigger lists are split by the client.
const maxListRows = 500_000

// ImportList validates every row and stores the accepted ones. Rejected
// rows (bad number, the same person twice by CanonicalWAID, opted out of
// marketing) are reported on the list, never silently dropped.
func (s *Service) ImportList(ctx context.Context, companyID int64, in ListImport) (conversa.ContactList, error) {
	header, rows, err := in.table()
	if err != nil {
		return conversa.ContactList{}, err
	}
	optedOut, err := s.store.OptedOutKeys(ctx, companyID)
	if err != nil {
		return conversa.ContactList{}, err
	}
	l, members := parseMembers(header, rows, optedOut)
	l.CompanyID, l.Name = companyID, strings.TrimSpace(in.Name)
	if l.Name == "" {
		return l, invalid("Give the list a name.", "Dê um nome à lista.")
	}
	return s.store.CreateContactList(ctx, l, members)
}

func (in ListImport) table() ([]string, [][]string, error) {
	header, rows := in.Header, in.Rows
	if in.CSV != "" {
		r := csv.NewReader(strings.NewReader(in.CSV))
		r.FieldsPerRecord, r.TrimLeadingSpace = -1, true
		if strings.Count(firstLine(in.CSV), ";") > strings.Count(firstLine(in.CSV), ",") {
			r.Comma = ';' // Brazilian spreadsheets export with semicolons
		}
		all, err := r.ReadAll()
		if err != nil && !errors.Is(err, io.EOF) {
			return nil, nil, invalid("The CSV file could not be read: "+err.Error(), "Não foi possível ler o CSV: "+err.Error())
		}
		if len(all) > 0 {
			header, rows = all[0], all[1:]
		}
	}
	for i, h := range header {
		header[i] = strings.ToLower(strings.TrimSpace(strings.TrimPrefix(h, "\ufeff")))
	}
	if !slices.Contains(header, "phone") {
		return nil, nil, invalid("The list needs a \"phone\" column.", "A lista precisa de uma coluna \"phone\".")
	}
	if len(rows) > maxListRows {
		return nil, nil, invalid("A list holds at most 500,000 rows.", "Uma lista tem no máximo 500.000 linhas.")
	}
	return header, rows, nil
}

func firstLine(s string) string {
	line, _, _ := strings.Cut(s, "\n")
	return line
}

// parseMembers turns rows into members and the report of rejected rows.
func parseMembers(header []string, rows [][]string, optedOut map[string]bool) (conversa.ContactList, []conversa.ListMember) {
	var l conversa.ContactList
	for _, h := range header {
		if h != "phone" && h != "name" && h != "tags" && h != "" {
			l.Columns = append(l.Columns, h)
		}
	}
	seen := map[string]int{} // wa_key → line
	var members []conversa.ListMember
	for i, row := range rows {
		line := i + 2
		m, rej := member(header, row)
		if rej == nil {
			if first, dup := seen[m.WAKey]; dup {
				rej = &conversa.RejectedRow{Reason: "duplicate", Detail: "Same person as line " + strconv.Itoa(first) + ".",
					DetailPT: "Mesma pessoa da linha " + strconv.Itoa(first) + "."}
			} else if optedOut[m.WAKey] {
				rej = &conversa.RejectedRow{Reason: "opted_out", Detail: "Opted out of marketing messages.",
					DetailPT: "Pediu para não receber mensagens de marketing."}
			}
		}
		if rej != nil {
			rej.Line, rej.Phone = line, cell(header, row, "phone")
			l.Rejected = append(l.Rejected, *rej)
			continue
		}
		seen[m.WAKey] = line
		members = append(members, m)
	}
	return l, members
}

func member(header, row []string) (conversa.ListMember, *conversa.RejectedRow) {
	e164, err := conversa.NormalizePhone(cell(header, row, "phone"), conversa.DefaultRegion)
	if err != nil {
		return conversa.ListMember{}, &conversa.RejectedRow{Reason: "invalid_phone", Detail: conversa.ErrorMessage(err, "en"),
			DetailPT: conversa.ErrorMessage(err, "pt-BR")}
	}
	m := conversa.ListMember{Phone: e164, WAKey: conversa.CanonicalWAID(strings.TrimPrefix(e164, "+")),
		Name: cell(header, row, "name"), Variables: map[string]string{}}
	for i, h := range header {
		switch {
		case i >= len(row) || h == "phone" || h == "name" || h == "":
		case h == "tags":
			m.Tags = splitTags(row[i])
		default:
			m.Variables[h] = strings.TrimSpace(row[i])
		}
	}
	return m, nil
}

func cell(header, row []string, name string) string {
	i := slices.Index(header, name)
	if i < 0 || i >= len(row) {
		return ""
	}
	return strings.TrimSpace(row[i])
}

func splitTags(s string) []string {
	var out []string
	for _, t := range strings.FieldsFunc(s, func(r rune) bool { return r == ';' || r == '|' || r == ',' }) {
		if t = strings.TrimSpace(t); t != "" {
			out = append(out, t)
		}
	}
	return out
}
