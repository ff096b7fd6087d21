package conversa

import "testing"

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
