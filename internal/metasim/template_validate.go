package metasim

import (
	"net/http"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// templateRequest is the body of POST /{waba-id}/message_templates and of
// POST /{template-id} (edit).
type templateRequest struct {
	Name            string      `json:"name"`
	Language        string      `json:"language"`
	Category        string      `json:"category"`
	ParameterFormat string      `json:"parameter_format"`
	Components      []component `json:"components"`
}

// Meta's template-creation errors: code 100 with a subcode and a sentence
// meant for people (error_user_title / error_user_msg).
const (
	subInvalidParam     = 2388040 // a field is invalid
	subDuplicate        = 2388024 // same name and language already exist
	subMissingExample   = 2388043 // variables without examples
	subVarsAtEdges      = 2388299 // body starts or ends with a variable
	subVarsNotSequence  = 2388293 // {{1}} {{3}} ...
	subTooManyHeaderVar = 2388072
)

func tplErr(sub int, title, msg string) *metaError {
	return &metaError{Code: 100, Subcode: sub, HTTP: http.StatusBadRequest,
		Title: "Invalid parameter", Details: msg, UserHead: title, UserMsg: msg}
}

var (
	templateNameRE = regexp.MustCompile(`^[a-z0-9_]{1,512}$`)
	namedVarRE     = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)
)

// knownLanguages are the template language codes Meta supports.
var knownLanguages = map[string]bool{}

func init() {
	for _, c := range strings.Fields(`af sq ar ar_EG ar_AE ar_LB ar_MA ar_QA az be_BY bn bn_IN bg ca zh_CN zh_HK zh_TW
		hr cs da prs_AF nl nl_BE en en_GB en_US en_AE en_AU en_CA en_GH en_IE en_IN en_JM en_MY en_NZ en_QA
		en_SG en_UG en_ZA et fil fi fr fr_BE fr_CA fr_CH fr_CI fr_MA ka de de_AT de_CH el gu ha he hi hu
		id ga it ja kn kk rw_RW ko ky_KG lo lv lt mk ms ml mr nb ps_AF fa pl pt_BR pt_PT pa ro ru sr si_LK
		sk sl es es_AR es_CL es_CO es_CR es_DO es_EC es_HN es_MX es_PA es_PE es_ES es_UY sw sv ta te th tr
		uk ur uz vi zu`) {
		knownLanguages[c] = true
	}
}

// buildTemplate validates a creation request like Meta does and returns
// the template to store (status not yet set).
func buildTemplate(req *templateRequest) (*template, *metaError) {
	if !templateNameRE.MatchString(req.Name) {
		return nil, tplErr(subInvalidParam, "Invalid template name",
			"Template name can only contain lowercase letters, numbers and underscores, up to 512 characters.")
	}
	if !knownLanguages[req.Language] {
		return nil, tplErr(subInvalidParam, "Invalid language", "Language '"+req.Language+"' is not supported for message templates.")
	}
	cat := strings.ToUpper(req.Category)
	if cat != "MARKETING" && cat != "UTILITY" && cat != "AUTHENTICATION" {
		return nil, metaErr(100, "Param category must be one of {AUTHENTICATION, MARKETING, UTILITY} - got \""+req.Category+"\".")
	}
	t := &template{Name: req.Name, Language: req.Language, Category: cat,
		ParameterFormat: strings.ToUpper(req.ParameterFormat)}
	if t.ParameterFormat == "" {
		t.ParameterFormat = "POSITIONAL"
	}
	if t.ParameterFormat != "POSITIONAL" && t.ParameterFormat != "NAMED" {
		return nil, metaErr(100, "Param parameter_format must be one of {NAMED, POSITIONAL}.")
	}
	for _, c := range req.Components {
		c.Type, c.Format = strings.ToUpper(c.Type), strings.ToUpper(c.Format)
		for i := range c.Buttons {
			c.Buttons[i].Type = strings.ToUpper(c.Buttons[i].Type)
		}
		t.Components = append(t.Components, c)
	}
	if err := validateComponents(t); err != nil {
		return nil, err
	}
	t.derive()
	return t, nil
}

func validateComponents(t *template) *metaError {
	seen := map[string]bool{}
	for i := range t.Components {
		c := &t.Components[i]
		if seen[c.Type] {
			return tplErr(subInvalidParam, "Duplicate component", "Only one "+c.Type+" component is allowed.")
		}
		seen[c.Type] = true
		var err *metaError
		switch c.Type {
		case "HEADER":
			err = validateHeader(t, c)
		case "BODY":
			err = validateBody(t, c)
		case "FOOTER":
			err = validateFooter(c)
		case "BUTTONS":
			err = validateButtons(c)
		case "LIMITED_TIME_OFFER":
			err = validateOffer(c.LimitedTimeOffer)
		default:
			err = metaErr(100, "Param components["+strconv.Itoa(i)+"][type] must be one of {BODY, BUTTONS, FOOTER, HEADER, LIMITED_TIME_OFFER}.")
		}
		if err != nil {
			return err
		}
	}
	if !seen["BODY"] {
		return tplErr(subInvalidParam, "Body is required", "A template must have a BODY component.")
	}
	if seen["LIMITED_TIME_OFFER"] {
		return validateOfferTemplate(t)
	}
	return nil
}

func validateBody(t *template, c *component) *metaError {
	n := utf8.RuneCountInString(c.Text)
	if n == 0 || n > 1024 {
		return tplErr(subInvalidParam, "Body text is too long", "Body text must have between 1 and 1024 characters.")
	}
	trimmed := strings.TrimSpace(c.Text)
	if strings.HasPrefix(trimmed, "{{") || strings.HasSuffix(trimmed, "}}") {
		return tplErr(subVarsAtEdges, "Variables can't be at the start or end of the template.",
			"Variables can't be at the start or end of the template.")
	}
	vars := variables(c.Text)
	if err := checkVarNames(t.ParameterFormat, vars); err != nil {
		return err
	}
	if len(vars) == 0 {
		return nil
	}
	return checkExamples(t.ParameterFormat, vars, bodyExamples(c.Example))
}

func validateHeader(t *template, c *component) *metaError {
	switch c.Format {
	case "TEXT":
		if n := utf8.RuneCountInString(c.Text); n == 0 || n > 60 {
			return tplErr(subInvalidParam, "Header text is too long", "Header text must have between 1 and 60 characters.")
		}
		vars := variables(c.Text)
		if len(vars) > 1 {
			return tplErr(subTooManyHeaderVar, "Too many variables", "The header can have at most one variable.")
		}
		if err := checkVarNames(t.ParameterFormat, vars); err != nil {
			return err
		}
		if len(vars) == 1 {
			return checkExamples(t.ParameterFormat, vars, headerExamples(c.Example))
		}
	case "IMAGE", "VIDEO", "DOCUMENT":
		if c.Example == nil || len(c.Example.HeaderHandle) == 0 {
			return tplErr(subMissingExample, "Missing sample", "A "+strings.ToLower(c.Format)+" header needs example.header_handle.")
		}
	case "LOCATION":
	default:
		return metaErr(100, "Param components[HEADER][format] must be one of {DOCUMENT, IMAGE, LOCATION, TEXT, VIDEO}.")
	}
	return nil
}

func validateFooter(c *component) *metaError {
	if n := utf8.RuneCountInString(c.Text); n == 0 || n > 60 {
		return tplErr(subInvalidParam, "Footer text is too long", "Footer text must have between 1 and 60 characters.")
	}
	if len(variables(c.Text)) > 0 {
		return tplErr(subInvalidParam, "Variables not allowed", "The footer can't contain variables.")
	}
	return nil
}

// validateButtons applies Meta's limits: at most 10 buttons, at most 2 URL
// buttons, 1 phone button and 1 copy code button.
func validateButtons(c *component) *metaError {
	if len(c.Buttons) == 0 || len(c.Buttons) > 10 {
		return tplErr(subInvalidParam, "Invalid buttons", "A BUTTONS component needs between 1 and 10 buttons.")
	}
	count := map[string]int{}
	for _, b := range c.Buttons {
		count[b.Type]++
		if err := validateButton(b); err != nil {
			return err
		}
	}
	if count["URL"] > 2 || count["PHONE_NUMBER"] > 1 || count["COPY_CODE"] > 1 {
		return tplErr(subInvalidParam, "Too many buttons", "A template can have at most 2 URL buttons, 1 PHONE_NUMBER button and 1 COPY_CODE button.")
	}
	return nil
}

// maxCopyCode is the longest COPY_CODE example, from "Copy code buttons"
// in Meta's template components reference.
const maxCopyCode = 20

// validateButton checks one button: a label of up to 25 characters
// (a COPY_CODE button has none: WhatsApp shows its own "Copy code") and
// what its type needs.
func validateButton(b button) *metaError {
	if n := utf8.RuneCountInString(b.Text); n > 25 || (n == 0 && b.Type != "COPY_CODE") {
		return tplErr(subInvalidParam, "Invalid button text", "Button text must have between 1 and 25 characters.")
	}
	switch b.Type {
	case "QUICK_REPLY", "OTP", "FLOW":
	case "COPY_CODE":
		if len(b.Example) != 1 || b.Example[0] == "" || utf8.RuneCountInString(b.Example[0]) > maxCopyCode {
			return tplErr(subMissingExample, "Invalid sample", "A COPY_CODE button needs an example code of 1 to "+strconv.Itoa(maxCopyCode)+" characters.")
		}
	case "URL":
		return validateURLButton(b)
	case "PHONE_NUMBER":
		if b.PhoneNumber == "" {
			return tplErr(subInvalidParam, "Invalid phone number", "A PHONE_NUMBER button needs phone_number.")
		}
	default:
		return metaErr(100, "Param buttons[type] must be one of {COPY_CODE, FLOW, OTP, PHONE_NUMBER, QUICK_REPLY, URL}.")
	}
	return nil
}

func validateURLButton(b button) *metaError {
	if b.URL == "" || !(strings.HasPrefix(b.URL, "https://") || strings.HasPrefix(b.URL, "http://")) {
		return tplErr(subInvalidParam, "Invalid URL", "A URL button needs a valid url.")
	}
	vars := variables(b.URL)
	if len(vars) > 1 || (len(vars) == 1 && !strings.HasSuffix(b.URL, "}}")) {
		return tplErr(subInvalidParam, "Invalid URL", "A URL button can have one variable, at the end of the url.")
	}
	if len(vars) == 1 && len(b.Example) == 0 {
		return tplErr(subMissingExample, "Missing sample", "A URL button with a variable needs an example.")
	}
	return nil
}

// checkVarNames enforces {{1}}..{{n}} in order for POSITIONAL and
// lowercase names for NAMED, never mixed.
func checkVarNames(format string, vars []string) *metaError {
	if format == "NAMED" {
		for _, v := range vars {
			if !namedVarRE.MatchString(v) {
				return tplErr(subInvalidParam, "Invalid parameter name",
					"Named parameters must be lowercase letters, numbers and underscores, starting with a letter: {{"+v+"}}.")
			}
		}
		return nil
	}
	for i, v := range vars {
		if v != strconv.Itoa(i+1) {
			return tplErr(subVarsNotSequence, "Variables must be sequential",
				"Variable parameters must be whole numbers with two sets of curly brackets, in order: {{1}}, {{2}}, ...")
		}
	}
	return nil
}

// exampleSet is what an example offers: positional values or named ones.
type exampleSet struct {
	positional []string
	named      []namedParam
}

func bodyExamples(e *example) exampleSet {
	if e == nil {
		return exampleSet{}
	}
	var pos []string
	if len(e.BodyText) > 0 {
		pos = e.BodyText[0]
	}
	return exampleSet{positional: pos, named: e.BodyTextNamed}
}

func headerExamples(e *example) exampleSet {
	if e == nil {
		return exampleSet{}
	}
	return exampleSet{positional: e.HeaderText, named: e.HeaderTextNamed}
}

func checkExamples(format string, vars []string, ex exampleSet) *metaError {
	missing := tplErr(subMissingExample, "Missing sample",
		"Add a sample for each variable parameter in your template (example).")
	if format == "NAMED" {
		for _, v := range vars {
			if !slices.ContainsFunc(ex.named, func(p namedParam) bool { return p.ParamName == v && p.Example != "" }) {
				return missing
			}
		}
		return nil
	}
	if len(ex.positional) != len(vars) {
		return missing
	}
	return nil
}
