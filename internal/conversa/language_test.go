package conversa

import "testing"

func TestPreferredLanguage(t *testing.T) {
	for _, c := range []struct{ header, fallback, want string }{
		{"pt-BR", English, Portuguese},
		{"pt", English, Portuguese},
		{"pt-PT,pt;q=0.9", English, Portuguese},
		{"en-US,en;q=0.9", Portuguese, English},
		{"es-ES,pt-BR;q=0.9,en;q=0.5", English, Portuguese},
		{"es-ES,en;q=0.8,pt-BR;q=0.5", Portuguese, English},
		{"en;q=0.1,pt-BR;q=0.9", English, Portuguese}, // q-values, not order
		{"", English, English},
		{"", Portuguese, Portuguese},
		{"de-DE,fr;q=0.9", Portuguese, Portuguese}, // neither: the fallback
		{"*", English, English},
		{";;garbage", Portuguese, Portuguese},
	} {
		if got := PreferredLanguage(c.header, c.fallback); got != c.want {
			t.Errorf("PreferredLanguage(%q, %q) = %q, want %q", c.header, c.fallback, got, c.want)
		}
	}
}
