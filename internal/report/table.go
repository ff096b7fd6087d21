package report

import (
	"encoding/csv"
	"io"
	"strconv"
	"strings"

	"github.com/conversa/conversa/internal/conversa"
)

// A Table is a report as rows of typed cells: the CSV export and the web
// page's tables are both printed from it by Cell.Format, so the file a
// supervisor downloads shows exactly the numbers on the screen.
type Table struct {
	Name    string // file name stem: summary, daily, agents, templates
	Columns []Label
	Rows    [][]Cell
}

// Label is a text in both UI languages.
type Label struct{ Pt, En string }

// In returns the label in lang ("pt-BR" or "en"; Portuguese otherwise).
func (l Label) In(lang string) string {
	if strings.HasPrefix(strings.ToLower(lang), "en") {
		return l.En
	}
	return l.Pt
}

// Kind says how a cell is printed.
type Kind int

// Cell kinds.
const (
	Text    Kind = iota
	Int          // a count
	Money        // USD, four decimals (Meta's rate cards)
	Percent      // a fraction shown as a percentage with one decimal
	Minutes      // milliseconds shown as minutes with one decimal; empty when none
	Named        // a Label in the reader's language
)

// Cell is one value of a table.
type Cell struct {
	Kind  Kind
	Text  string
	Int   int64 // Int, Money (micro-USD), Minutes (milliseconds)
	Float float64
	Empty bool  // Minutes with no sample
	Label Label // Named
}

func text(s string) Cell        { return Cell{Kind: Text, Text: s} }
func count(n int64) Cell        { return Cell{Kind: Int, Int: n} }
func money(a Amount) Cell       { return Cell{Kind: Money, Int: int64(a.Micros)} }
func percent(f float64) Cell    { return Cell{Kind: Percent, Float: f} }
func label(pt, en string) Label { return Label{Pt: pt, En: en} }
func named(l Label) Cell        { return Cell{Kind: Named, Label: l} }
func minutes(ms *int64) Cell {
	if ms == nil {
		return Cell{Kind: Minutes, Empty: true}
	}
	return Cell{Kind: Minutes, Int: *ms}
}

// Format prints the cell in lang; comma selects the decimal comma (pt-BR).
func (c Cell) Format(lang string, comma bool) string {
	var s string
	switch c.Kind {
	case Text:
		return c.Text
	case Named:
		return c.Label.In(lang)
	case Int:
		return strconv.FormatInt(c.Int, 10)
	case Money:
		s = conversa.Money(c.Int).String()
	case Percent:
		s = strconv.FormatFloat(c.Float*100, 'f', 1, 64)
	case Minutes:
		if c.Empty {
			return ""
		}
		s = strconv.FormatFloat(float64(c.Int)/60000, 'f', 1, 64)
	}
	if comma {
		s = strings.Replace(s, ".", ",", 1)
	}
	return s
}

// WriteCSV writes t for spreadsheets: UTF-8 with a byte-order mark (Excel
// otherwise reads accents as Latin-1), CRLF line ends, and with the decimal
// comma a ";" separator, as Excel in pt-BR expects.
func WriteCSV(w io.Writer, t Table, lang string, comma bool) error {
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return err
	}
	cw := csv.NewWriter(w)
	cw.UseCRLF = true
	if comma {
		cw.Comma = ';'
	}
	head := make([]string, len(t.Columns))
	for i, c := range t.Columns {
		head[i] = c.In(lang)
	}
	if err := cw.Write(head); err != nil {
		return err
	}
	for _, row := range t.Rows {
		rec := make([]string, len(row))
		for i, c := range row {
			rec[i] = c.Format(lang, comma)
		}
		if err := cw.Write(rec); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
