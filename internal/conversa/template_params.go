package conversa

import (
	"strings"
)

// CheckParams validates the values an agent filled for the body variables
// before anything reaches Meta: the count must match (Meta's 132000) and
// each value must follow Meta's format rules (132012).
func (t *Template) CheckParams(values []string) error {
	vars := t.BodyVariables()
	if len(values) != len(vars) {
		return Errorf(ETEMPLATEPARAMS, "Template %q needs %d parameter(s), got %d.", t.Name, len(vars), len(values)).
			Pt("O modelo %q precisa de %d parâmetro(s), recebeu %d.", t.Name, len(vars), len(values))
	}
	for i, v := range values {
		if msg, pt := paramProblem(v); msg != "" {
			return Errorf(ETEMPLATEPARAMS, "Parameter %d (%s) %s.", i+1, vars[i], msg).
				Pt("O parâmetro %d (%s) %s.", i+1, vars[i], pt)
		}
	}
	return nil
}

// paramProblem mirrors Meta's parameter text rules: not empty, no new
// lines or tabs, no more than four spaces in a row.
func paramProblem(v string) (en, pt string) {
	switch {
	case strings.TrimSpace(v) == "":
		return "is empty", "está vazio"
	case strings.ContainsAny(v, "\n\t"):
		return "may not contain line breaks or tabs", "não pode ter quebras de linha nem tabulações"
	case strings.Contains(v, "     "):
		return "may not contain more than four spaces in a row", "não pode ter mais de quatro espaços seguidos"
	case len([]rune(v)) > maxBodyLen:
		return "is too long", "é longo demais"
	}
	return "", ""
}

// Render fills the template with values (in body-variable order) and
// returns the text the customer will read: header, body and footer. It is
// the preview agents see and the text stored with the sent message.
func (t *Template) Render(values []string) string {
	byName := map[string]string{}
	for i, v := range t.BodyVariables() {
		if i < len(values) {
			byName[v] = values[i]
		}
	}
	var parts []string
	for _, typ := range []string{"HEADER", "BODY", "FOOTER"} {
		c := t.Component(typ)
		if c == nil || c.Text == "" {
			continue
		}
		text := c.Text
		if typ == "BODY" {
			text = variableRE.ReplaceAllStringFunc(text, func(m string) string {
				name := variableRE.FindStringSubmatch(m)[1]
				if v, ok := byName[name]; ok {
					return v
				}
				return m
			})
		}
		parts = append(parts, text)
	}
	return strings.Join(parts, "\n\n")
}
