package conversa

import (
	"strings"
	"testing"
)

func pedidoEnviado() *Template {
	return &Template{
		Name: "pedido_enviado", Language: "pt_BR", Category: CategoryUtility, Status: TemplateApproved,
		Components: []TemplateComponent{
			{Type: "HEADER", Format: "TEXT", Text: "Pedido a caminho"},
			{Type: "BODY", Text: "Olá {{1}}, seu pedido {{2}} foi enviado.",
				Example: &TemplateExample{BodyText: [][]string{{"Ana", "#12345"}}}},
			{Type: "FOOTER", Text: "Loja Exemplo"},
			{Type: "BUTTONS", Buttons: []TemplateButton{{Type: "QUICK_REPLY", Text: "Falar com atendente"}}},
		},
	}
}

func TestTemplateValidate(t *testing.T) {
	if err := pedidoEnviado().Validate(); err != nil {
		t.Fatalf("valid template refused: %v", err)
	}
	tests := []struct {
		name   string
		mutate func(*Template)
		want   string
	}{
		{"uppercase name", func(t *Template) { t.Name = "Pedido" }, "name must be"},
		{"bad language", func(t *Template) { t.Language = "portuguese" }, "language"},
		{"bad category", func(t *Template) { t.Category = "promo" }, "category"},
		{"no body", func(t *Template) { t.Components = t.Components[:1] }, "exactly one BODY"},
		{"body too long", func(t *Template) { t.Components[1].Text = strings.Repeat("a", 1025); t.Components[1].Example = nil }, "1 to 1024"},
		{"missing examples", func(t *Template) { t.Components[1].Example = nil }, "one example value per variable"},
		{"skipped numbering", func(t *Template) { t.Components[1].Text = "Olá {{1}}, pedido {{3}} ok." }, "in order"},
		{"starts with variable", func(t *Template) { t.Components[1].Text = "{{1}}, seu pedido {{2}} foi enviado." }, "start or end"},
		{"footer variable", func(t *Template) { t.Components[2].Text = "Loja {{1}}" }, "footer may not"},
		{"header two variables", func(t *Template) {
			t.Components[0].Text = "{{1}} {{2}}"
			t.Components[0].Example = &TemplateExample{HeaderText: []string{"a", "b"}}
		}, "at most one variable"},
		{"url button without url", func(t *Template) { t.Components[3].Buttons[0] = TemplateButton{Type: "URL", Text: "Ver"} }, "http(s)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tpl := pedidoEnviado()
			tt.mutate(tpl)
			err := tpl.Validate()
			if ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("Validate() = %v, want invalid mentioning %q", err, tt.want)
			}
		})
	}
}

func TestNamedTemplate(t *testing.T) {
	tpl := &Template{Name: "boas_vindas", Language: "pt_BR", Category: CategoryMarketing, ParameterFormat: "NAMED",
		Components: []TemplateComponent{{Type: "BODY", Text: "Oi {{first_name}}, temos {{offer}} para você!",
			Example: &TemplateExample{BodyTextNamedParams: []NamedSample{{"first_name", "Ana"}, {"offer", "10%"}}}}}}
	if err := tpl.Validate(); err != nil {
		t.Fatalf("named template refused: %v", err)
	}
	if got := tpl.Render(TemplateValues{Body: []string{"Bia", "frete grátis"}}); got != "Oi Bia, temos frete grátis para você!" {
		t.Errorf("Render = %q", got)
	}
}

func TestCheckParamsAndRender(t *testing.T) {
	tpl := pedidoEnviado()
	if err := tpl.CheckParams(TemplateValues{Body: []string{"Ana", "#12345"}}); err != nil {
		t.Fatalf("good params refused: %v", err)
	}
	long := strings.Repeat("x", 1000) // each value fits, the filled body (Meta's 132005) does not
	for _, bad := range [][]string{{"Ana"}, {"Ana", "#1", "x"}, {"Ana", ""}, {"Ana\nBia", "#1"}, {"Ana", "a     b"}, {long, "#1"}} {
		if err := tpl.CheckParams(TemplateValues{Body: bad}); ErrorCode(err) != ETEMPLATEPARAMS {
			t.Errorf("CheckParams(%q) = %v, want template_params", bad, err)
		}
	}
	want := "Pedido a caminho\n\nOlá Ana, seu pedido #12345 foi enviado.\n\nLoja Exemplo"
	if got := tpl.Render(TemplateValues{Body: []string{"Ana", "#12345"}}); got != want {
		t.Errorf("Render = %q, want %q", got, want)
	}
}

func TestSendableError(t *testing.T) {
	tpl := pedidoEnviado()
	if err := tpl.SendableError(); err != nil {
		t.Fatalf("approved refused: %v", err)
	}
	for _, s := range []TemplateStatus{TemplatePending, TemplateRejected, TemplatePaused, TemplateDisabled} {
		tpl.Status = s
		if err := tpl.SendableError(); ErrorCode(err) != ETEMPLATENOTAPPROVED {
			t.Errorf("%s: %v", s, err)
		}
	}
}
