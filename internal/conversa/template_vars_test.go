package conversa

import (
	"math/rand/v2"
	"regexp"
	"slices"
	"testing"
)

// The regular expression the scanner replaces: the two must agree.
var variableRE = regexp.MustCompile(`\{\{\s*([A-Za-z0-9_]+)\s*\}\}`)

func regexVariables(text string) []string {
	var out []string
	for _, m := range variableRE.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

func regexFill(text string, byName map[string]string) string {
	return variableRE.ReplaceAllStringFunc(text, func(m string) string {
		if v, ok := byName[variableRE.FindStringSubmatch(m)[1]]; ok {
			return v
		}
		return m
	})
}

func TestVariablesScanner(t *testing.T) {
	fixed := []string{"", "Olá {{1}}, pedido {{2}}.", "{{ first_name }} e {{x}}", "{{{1}}}", "{{1}", "{{}}", "{{ }}",
		"{{a b}}", "{{\t1\n}}", "{{1}}{{2}}", "}}{{", "{{é}}", "{{1 }} {{ 2}}", "{{1}}}}", "{{{{2}}"}
	for _, s := range fixed {
		checkScanner(t, s)
	}
	// Random texts over the characters that matter.
	r := rand.New(rand.NewPCG(1, 2))
	alphabet := []rune("{} \t\n1a_Zé.-")
	for range 20000 {
		b := make([]rune, r.IntN(24))
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		checkScanner(t, string(b))
	}
}

func checkScanner(t *testing.T, s string) {
	t.Helper()
	if got, want := Variables(s), regexVariables(s); !slices.Equal(got, want) {
		t.Fatalf("Variables(%q) = %q, want %q", s, got, want)
	}
	values := map[string]string{"1": "Ana", "a": "{{1}}", "first_name": "Bia"}
	if got, want := fillVariables(s, values), regexFill(s, values); got != want {
		t.Fatalf("fillVariables(%q) = %q, want %q", s, got, want)
	}
}

func BenchmarkVariables(b *testing.B) {
	text := "Olá {{1}}, seu pedido {{2}} foi enviado e chega em {{3}}. Obrigado por comprar com a {{4}}!"
	b.Run("scanner", func(b *testing.B) {
		for b.Loop() {
			Variables(text)
		}
	})
	b.Run("regexp", func(b *testing.B) {
		for b.Loop() {
			regexVariables(text)
		}
	})
}
