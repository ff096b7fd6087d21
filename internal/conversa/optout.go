package conversa

import (
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// DefaultOptOutKeywords are the replies that opt a contact out of marketing
// when they are the whole message (case, accents and punctuation ignored).
var DefaultOptOutKeywords = []string{"NÃO", "PARAR", "PARE", "SAIR", "STOP", "CANCELAR", "DESCADASTRAR", "UNSUBSCRIBE"}

// IsOptOut reports whether an inbound text is an opt-out request. Only the
// whole message counts: "não" alone opts out, "não recebi meu pedido" does not.
func IsOptOut(text string, keywords []string) bool {
	t := foldKeyword(text)
	if t == "" {
		return false
	}
	for _, k := range keywords {
		if foldKeyword(k) == t {
			return true
		}
	}
	return false
}

// foldKeyword lowercases, strips accents and drops surrounding punctuation,
// symbols and spaces ("Não!!" -> "nao").
func foldKeyword(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(s)) {
		if !unicode.Is(unicode.Mn, r) {
			b.WriteRune(r)
		}
	}
	return strings.TrimFunc(b.String(), func(r rune) bool {
		return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || r > unicode.MaxLatin1 && !unicode.IsLetter(r)
	})
}
