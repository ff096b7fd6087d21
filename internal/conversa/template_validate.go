package conversa

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Meta's limits on template content.
const (
	maxTemplateName = 512
	maxBodyLen      = 1024
	maxHeaderLen    = 60
	maxFooterLen    = 60
	maxButtons      = 10
	maxURLButtons   = 2
	maxPhoneButtons = 1
)

var (
	templateNameRE = regexp.MustCompile(`^[a-z0-9_]+$`)
	languageRE     = regexp.MustCompile(`^[a-z]{2,3}(_[A-Z]{2})?$`)
	namedVarRE     = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// Validate checks a template the way Meta's review does before it accepts
// the submission, so authors see every problem before anything is sent.
func (t *Template) Validate() error {
	var problems []string
	add := func(en string) { problems = append(problems, en) }
	if len(t.Name) == 0 || len(t.Name) > maxTemplateName || !templateNameRE.MatchString(t.Name) {
		add("name must be lowercase letters, digits and underscores (at most 512)")
	}
	if !languageRE.MatchString(t.Language) {
		add("language must be a code such as pt_BR or en_US")
	}
	if t.Category != CategoryMarketing && t.Category != CategoryUtility && t.Category != CategoryAuthentication {
		add("category must be MARKETING, UTILITY or AUTHENTICATION")
	}
	problems = append(problems, t.componentProblems()...)
	if len(problems) == 0 {
		return nil
	}
	msg := strings.Join(problems, "; ")
	return Errorf(EINVALID, "Template is not valid: %s.", msg).
		Pt("Modelo inválido: %s.", msg)
}

func (t *Template) componentProblems() []string {
	var out []string
	seen := map[string]int{}
	for _, c := range t.Components {
		typ := strings.ToUpper(c.Type)
		seen[typ]++
		switch typ {
		case "BODY":
			out = append(out, t.textProblems("body", c.Text, maxBodyLen, bodyExamples(c.Example, t.Named()))...)
			if v := Variables(c.Text); len(v) > 0 {
				trimmed := strings.TrimSpace(c.Text)
				if strings.HasPrefix(trimmed, "{{") || strings.HasSuffix(trimmed, "}}") {
					out = append(out, "the body may not start or end with a variable")
				}
			}
		case "HEADER":
			out = append(out, headerProblems(t, c)...)
		case "FOOTER":
			if len([]rune(c.Text)) > maxFooterLen || c.Text == "" {
				out = append(out, "footer must have 1 to 60 characters")
			}
			if len(Variables(c.Text)) > 0 {
				out = append(out, "footer may not have variables")
			}
		case "BUTTONS":
			out = append(out, buttonProblems(c.Buttons)...)
		default:
			out = append(out, "unknown component "+strconv.Quote(c.Type))
		}
	}
	if seen["BODY"] != 1 {
		out = append(out, "exactly one BODY is required")
	}
	for _, typ := range []string{"HEADER", "FOOTER", "BUTTONS"} {
		if seen[typ] > 1 {
			out = append(out, "only one "+typ+" is allowed")
		}
	}
	return out
}

func headerProblems(t *Template, c TemplateComponent) []string {
	format := strings.ToUpper(c.Format)
	if format != "" && format != "TEXT" {
		if !slices.Contains([]string{"IMAGE", "VIDEO", "DOCUMENT", "LOCATION"}, format) {
			return []string{"header format must be TEXT, IMAGE, VIDEO, DOCUMENT or LOCATION"}
		}
		return nil
	}
	out := t.textProblems("header", c.Text, maxHeaderLen, headerExamples(c.Example, t.Named()))
	if len(Variables(c.Text)) > 1 {
		out = append(out, "header may have at most one variable")
	}
	return out
}

// textProblems checks length, variable numbering and examples of a text.
func (t *Template) textProblems(part, text string, limit int, examples []string) []string {
	var out []string
	if n := len([]rune(text)); n == 0 || n > limit {
		out = append(out, part+" must have 1 to "+strconv.Itoa(limit)+" characters")
	}
	vars := Variables(text)
	for i, v := range vars {
		if t.Named() {
			if !namedVarRE.MatchString(v) {
				out = append(out, part+" variable {{"+v+"}} must be lowercase letters, digits and underscores")
			}
		} else if v != strconv.Itoa(i+1) {
			out = append(out, part+" variables must be numbered {{1}}, {{2}}, ... in order")
			break
		}
	}
	if len(vars) > 0 && len(examples) != len(vars) {
		out = append(out, part+" needs one example value per variable")
	}
	return out
}

func bodyExamples(e *TemplateExample, named bool) []string {
	if e == nil {
		return nil
	}
	if named {
		return sampleValues(e.BodyTextNamedParams)
	}
	if len(e.BodyText) > 0 {
		return e.BodyText[0]
	}
	return nil
}

func headerExamples(e *TemplateExample, named bool) []string {
	if e == nil {
		return nil
	}
	if named {
		return sampleValues(e.HeaderTextNamedParams)
	}
	return e.HeaderText
}

func sampleValues(s []NamedSample) []string {
	out := make([]string, len(s))
	for i, p := range s {
		out[i] = p.Example
	}
	return out
}

func buttonProblems(buttons []TemplateButton) []string {
	var out []string
	count := map[string]int{}
	for _, b := range buttons {
		typ := strings.ToUpper(b.Type)
		count[typ]++
		if b.Text == "" || len([]rune(b.Text)) > 25 {
			out = append(out, "button text must have 1 to 25 characters")
		}
		switch typ {
		case "URL":
			if !strings.HasPrefix(b.URL, "https://") && !strings.HasPrefix(b.URL, "http://") {
				out = append(out, "URL buttons need an http(s) address")
			}
		case "PHONE_NUMBER":
			if b.PhoneNumber == "" {
				out = append(out, "phone buttons need a phone number")
			}
		case "QUICK_REPLY", "COPY_CODE", "OTP":
		default:
			out = append(out, "unknown button type "+strconv.Quote(b.Type))
		}
	}
	if len(buttons) == 0 || len(buttons) > maxButtons {
		out = append(out, "BUTTONS needs 1 to 10 buttons")
	}
	if count["URL"] > maxURLButtons || count["PHONE_NUMBER"] > maxPhoneButtons {
		out = append(out, "at most 2 URL buttons and 1 phone button")
	}
	return out
}
