package conversa

import (
	"regexp"
	"strings"
	"time"
	"unicode/utf8"
)

// Note is an internal note in a conversation: shown to the company's users
// in the thread with its author, never sent to the customer.
type Note struct {
	ID             int64
	CompanyID      int64
	ConversationID int64
	AuthorID       *int64 // nil for the system or a deleted user
	AuthorName     string // filled by reads
	Body           string
	CreatedAt      time.Time
}

// Label tags conversations ("VIP", "Reclamação"); names are unique per company.
type Label struct {
	ID        int64
	CompanyID int64
	Name      string
	Color     string // "#rrggbb" or ""
	CreatedAt time.Time
}

// CannedResponse is a saved reply an agent inserts by typing /shortcut.
type CannedResponse struct {
	ID        int64
	CompanyID int64
	Shortcut  string // lower case, without the leading "/"
	Text      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

const (
	maxNoteLen     = 4096 // like a WhatsApp text, so a note can be pasted into a reply
	maxLabelLen    = 50
	maxShortcutLen = 32
	maxCannedLen   = 4096 // Meta's text limit: a canned response must be sendable
)

// Validate trims the note and checks its length.
func (n *Note) Validate() error {
	n.Body = strings.TrimSpace(n.Body)
	if n.Body == "" {
		return Errorf(EINVALID, "The note is empty.").Pt("A nota está vazia.")
	}
	return checkLen(n.Body, maxNoteLen, "note", "nota")
}

var colorRe = regexp.MustCompile(`^#[0-9a-fA-F]{6}$`)

// Validate trims the label's name and checks name and colour.
func (l *Label) Validate() error {
	l.Name, l.Color = strings.TrimSpace(l.Name), strings.ToLower(strings.TrimSpace(l.Color))
	if l.Name == "" {
		return Errorf(EINVALID, "Label name is required.").Pt("O nome da etiqueta é obrigatório.")
	}
	if l.Color != "" && !colorRe.MatchString(l.Color) {
		return Errorf(EINVALID, "Label colour must look like #1a2b3c.").Pt("A cor da etiqueta deve ser como #1a2b3c.")
	}
	return checkLen(l.Name, maxLabelLen, "label name", "nome da etiqueta")
}

var shortcutRe = regexp.MustCompile(`^[\p{Ll}\p{N}_-]+$`)

// Validate normalises the shortcut ("/Oi" → "oi") and checks both fields.
func (c *CannedResponse) Validate() error {
	c.Shortcut = strings.ToLower(strings.TrimPrefix(strings.TrimSpace(c.Shortcut), "/"))
	c.Text = strings.TrimSpace(c.Text)
	if !shortcutRe.MatchString(c.Shortcut) || utf8.RuneCountInString(c.Shortcut) > maxShortcutLen {
		return Errorf(EINVALID, "The shortcut must be 1 to %d letters, digits, _ or -, without spaces.", maxShortcutLen).
			Pt("O atalho deve ter de 1 a %d letras, números, _ ou -, sem espaços.", maxShortcutLen)
	}
	if c.Text == "" {
		return Errorf(EINVALID, "The response text is empty.").Pt("O texto da resposta está vazio.")
	}
	return checkLen(c.Text, maxCannedLen, "response text", "texto da resposta")
}

func checkLen(s string, limit int, en, pt string) error {
	if n := utf8.RuneCountInString(s); n > limit {
		return Errorf(EINVALID, "The %s has %d characters; the limit is %d.", en, n, limit).
			Pt("O campo %s tem %d caracteres; o limite é %d.", pt, n, limit)
	}
	return nil
}
