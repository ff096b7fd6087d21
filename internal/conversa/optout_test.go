package conversa

import (
	"slices"
	"strings"
	"testing"
)

func TestIsOptOut(t *testing.T) {
	yes := []string{"NÃO", "não", "Nao", "  não!! ", "PARAR", "parar.", "Sair", "STOP", "stop 🛑"}
	no := []string{"", "não recebi meu pedido", "nãoo", "obrigado", "parar de receber?x"}
	for _, s := range yes {
		if !IsOptOut(s, DefaultOptOutKeywords) {
			t.Errorf("IsOptOut(%q) = false", s)
		}
	}
	for _, s := range no {
		if IsOptOut(s, DefaultOptOutKeywords) {
			t.Errorf("IsOptOut(%q) = true", s)
		}
	}
	if IsOptOut("basta", DefaultOptOutKeywords) || !IsOptOut("Basta", []string{"BASTA"}) {
		t.Error("custom keywords not honoured")
	}
}

func TestCleanOptOutKeywords(t *testing.T) {
	got, err := CleanOptOutKeywords([]string{" Basta ", "BASTA", "basta!", "Não quero", "nao quero", "Chega"})
	if err != nil || !slices.Equal(got, []string{"Basta", "Não quero", "Chega"}) {
		t.Fatalf("cleaned = %q, %v", got, err)
	}
	many := make([]string, MaxOptOutKeywords+1)
	for i := range many {
		many[i] = "palavra" + strings.Repeat("x", i)
	}
	for name, words := range map[string][]string{
		"none":        nil,
		"only blanks": {" ", ""},
		"no letters":  {"PARAR", "!!!"},
		"too long":    {strings.Repeat("a", MaxOptOutKeywordLen+1)},
		"too many":    many,
	} {
		if _, err := CleanOptOutKeywords(words); ErrorCode(err) != EINVALID {
			t.Errorf("%s: %v, want invalid", name, err)
		}
	}
	if _, err := CleanOptOutKeywords([]string{strings.Repeat("é", MaxOptOutKeywordLen)}); err != nil {
		t.Errorf("a keyword of exactly the limit (counted in characters): %v", err)
	}
}
