package conversa

import "golang.org/x/text/language"

// The languages Conversa speaks.
const (
	Portuguese = "pt-BR"
	English    = "en"
)

var languages = language.NewMatcher([]language.Tag{language.English, language.BrazilianPortuguese})

// PreferredLanguage picks Portuguese or English from an Accept-Language
// header (or a single locale such as "pt-BR"), honouring its order and
// q-values: "es-ES,pt-BR;q=0.9,en;q=0.5" is Portuguese. A header naming
// neither, or none at all, gives fallback.
func PreferredLanguage(acceptLanguage, fallback string) string {
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return fallback
	}
	_, index, confidence := languages.Match(tags...)
	if confidence == language.No {
		return fallback
	}
	if index == 1 {
		return Portuguese
	}
	return English
}
