package conversa

import (
	"strings"
	"unicode"
	"unicode/utf8"

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

// Limits of a company's own keyword list. A keyword is matched against
// the whole reply, so a long phrase would never match; a huge list is a
// mistake (a pasted text), not a policy.
const (
	MaxOptOutKeywords   = 50
	MaxOptOutKeywordLen = 40 // characters
)

// CleanOptOutKeywords validates a company's keyword list and returns it
// trimmed, without repeats (as IsOptOut compares them: "Não" and "nao" are
// one keyword). At least one keyword is required: honouring opt-outs is
// both Meta's policy and the customer's LGPD right, so it can't be switched
// off by emptying the list.
func CleanOptOutKeywords(words []string) ([]string, error) {
	seen := map[string]bool{}
	out := make([]string, 0, len(words))
	for _, w := range words {
		w = strings.TrimSpace(w)
		switch n := utf8.RuneCountInString(w); {
		case w == "":
			continue // a blank line of the settings form
		case foldKeyword(w) == "":
			return nil, Errorf(EINVALID, "Opt-out keywords must have letters or digits; %q has none.", w).
				Pt("As palavras de descadastro precisam ter letras ou números; %q não tem.", w)
		case n > MaxOptOutKeywordLen:
			return nil, Errorf(EINVALID, "The opt-out keyword %q has %d characters; the most is %d (it must be the whole reply).", w, n, MaxOptOutKeywordLen).
				Pt("A palavra de descadastro %q tem %d caracteres; o máximo é %d (ela deve ser a resposta inteira).", w, n, MaxOptOutKeywordLen)
		case seen[foldKeyword(w)]:
			continue
		}
		seen[foldKeyword(w)] = true
		out = append(out, w)
	}
	switch {
	case len(out) == 0:
		return nil, Errorf(EINVALID, "Give at least one opt-out keyword: customers must always be able to opt out.").
			Pt("Informe ao menos uma palavra de descadastro: o cliente precisa sempre poder se descadastrar.")
	case len(out) > MaxOptOutKeywords:
		return nil, Errorf(EINVALID, "%d opt-out keywords is too many; the most is %d.", len(out), MaxOptOutKeywords).
			Pt("%d palavras de descadastro é demais; o máximo é %d.", len(out), MaxOptOutKeywords)
	}
	return out, nil
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
