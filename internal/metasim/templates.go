package metasim

import (
	"encoding/json"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// template is one message template (one name in one language).
type template struct {
	ID              string      `json:"id"`
	Name            string      `json:"name"`
	Language        string      `json:"language"`
	Category        string      `json:"category"`
	Status          string      `json:"status"`
	RejectedReason  string      `json:"rejected_reason,omitempty"`
	ParameterFormat string      `json:"parameter_format"`
	Components      []component `json:"components"`
	ReviewAt        time.Time   `json:"review_at,omitzero"`

	// Derived at insert so sends don't re-scan the text.
	bodyVars   []string
	headerVars []string
}

type component struct {
	Type             string            `json:"type"`
	Format           string            `json:"format,omitempty"`
	Text             string            `json:"text,omitempty"`
	Example          *example          `json:"example,omitempty"`
	Buttons          []button          `json:"buttons,omitempty"`
	LimitedTimeOffer *limitedTimeOffer `json:"limited_time_offer,omitempty"`
}

type example struct {
	HeaderText      []string     `json:"header_text,omitempty"`
	HeaderHandle    []string     `json:"header_handle,omitempty"`
	BodyText        [][]string   `json:"body_text,omitempty"`
	HeaderTextNamed []namedParam `json:"header_text_named_params,omitempty"`
	BodyTextNamed   []namedParam `json:"body_text_named_params,omitempty"`
}

type namedParam struct {
	ParamName string `json:"param_name"`
	Example   string `json:"example"`
}

type button struct {
	Type        string   `json:"type"`
	Text        string   `json:"text,omitempty"`
	URL         string   `json:"url,omitempty"`
	PhoneNumber string   `json:"phone_number,omitempty"`
	Example     examples `json:"example,omitempty"`
}

// examples is a button's example: an array of URLs for a URL button, one
// string for a COPY_CODE button (Meta's documented form). Both decode.
type examples []string

func (e *examples) UnmarshalJSON(b []byte) error {
	var one string
	if json.Unmarshal(b, &one) == nil {
		*e = examples{one}
		return nil
	}
	return json.Unmarshal(b, (*[]string)(e))
}

func (t *template) key() string { return t.Name + "\x00" + t.Language }

func (t *template) component(typ string) *component {
	for i := range t.Components {
		if strings.EqualFold(t.Components[i].Type, typ) {
			return &t.Components[i]
		}
	}
	return nil
}

// derive fills the unexported variable lists from the components.
func (t *template) derive() {
	t.bodyVars, t.headerVars = nil, nil
	if c := t.component("BODY"); c != nil {
		t.bodyVars = variables(c.Text)
	}
	if c := t.component("HEADER"); c != nil && strings.EqualFold(c.Format, "TEXT") {
		t.headerVars = variables(c.Text)
	}
	if t.ParameterFormat == "" {
		t.ParameterFormat = "POSITIONAL"
	}
}

// buttons returns the template's buttons in order (send-time indexes).
func (t *template) buttons() []button {
	if c := t.component("BUTTONS"); c != nil {
		return c.Buttons
	}
	return nil
}

var varRE = regexp.MustCompile(`\{\{\s*([^{}]*?)\s*\}\}`)

// variables lists the variable names in text, in order ("1", "first_name").
func variables(text string) []string {
	var out []string
	for _, m := range varRE.FindAllStringSubmatch(text, -1) {
		out = append(out, m[1])
	}
	return out
}

// render replaces the variables in text with values: positional by
// number, named by name.
func render(text string, positional []string, named map[string]string) string {
	return varRE.ReplaceAllStringFunc(text, func(m string) string {
		name := varRE.FindStringSubmatch(m)[1]
		if v, ok := named[name]; ok {
			return v
		}
		if n, err := strconv.Atoi(name); err == nil && n >= 1 && n <= len(positional) {
			return positional[n-1]
		}
		return m
	})
}

// insertTemplate adds t to w, giving it an id. Caller must not hold w.mu.
func (s *Sim) insertTemplate(w *waba, t *template) {
	if t.ID == "" {
		t.ID = s.ids.object()
	}
	t.derive()
	w.mu.Lock()
	w.Templates = append(w.Templates, t)
	w.templateIndex[t.key()] = t
	w.mu.Unlock()
	s.mu.Lock()
	s.templates[t.ID] = w
	s.mu.Unlock()
}

// removeTemplates deletes w's templates matching keep==false. Returns how
// many were removed.
func (s *Sim) removeTemplates(w *waba, drop func(*template) bool) int {
	w.mu.Lock()
	var removed []*template
	w.Templates = slices.DeleteFunc(w.Templates, func(t *template) bool {
		if drop(t) {
			removed = append(removed, t)
			delete(w.templateIndex, t.key())
			return true
		}
		return false
	})
	w.mu.Unlock()
	s.mu.Lock()
	for _, t := range removed {
		delete(s.templates, t.ID)
	}
	s.mu.Unlock()
	return len(removed)
}

// templateByID finds a template and its account.
func (s *Sim) templateByID(id string) (*template, *waba) {
	s.mu.RLock()
	w := s.templates[id]
	s.mu.RUnlock()
	if w == nil {
		return nil, nil
	}
	w.mu.RLock()
	defer w.mu.RUnlock()
	for _, t := range w.Templates {
		if t.ID == id {
			return t, w
		}
	}
	return nil, nil
}
