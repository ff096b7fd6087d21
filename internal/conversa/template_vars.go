package conversa

import "strings"

// Template variables are {{name}} with optional blanks inside the braces
// and a name of ASCII letters, digits and underscores. They are scanned by
// hand rather than with a regular expression: campaigns render and check
// every recipient's message, and the scanner is many times faster.

// Variables returns the variable names in text, in order ("1", "2" or
// "first_name").
func Variables(text string) []string {
	var out []string
	eachVariable(text, func(_, _ int, name string) { out = append(out, name) })
	return out
}

// fillVariables replaces each {{name}} with its value; names without one
// stay as they are, so a preview shows what is still missing.
func fillVariables(text string, byName map[string]string) string {
	var b strings.Builder
	last := 0
	eachVariable(text, func(start, end int, name string) {
		if v, ok := byName[name]; ok {
			b.WriteString(text[last:start])
			b.WriteString(v)
			last = end
		}
	})
	if last == 0 {
		return text
	}
	b.WriteString(text[last:])
	return b.String()
}

// eachVariable calls f with the span and name of each variable in text,
// leftmost first, never overlapping.
func eachVariable(text string, f func(start, end int, name string)) {
	for i := 0; ; {
		open := strings.Index(text[i:], "{{")
		if open < 0 {
			return
		}
		start := i + open
		if end, name, ok := variableAt(text, start); ok {
			f(start, end, name)
			i = end
			continue
		}
		i = start + 1
	}
}

// variableAt matches one variable at text[start:], which begins with "{{".
func variableAt(text string, start int) (end int, name string, ok bool) {
	j := skipBlanks(text, start+2)
	k := j
	for k < len(text) && isNameByte(text[k]) {
		k++
	}
	if k == j {
		return 0, "", false
	}
	e := skipBlanks(text, k)
	if !strings.HasPrefix(text[e:], "}}") {
		return 0, "", false
	}
	return e + 2, text[j:k], true
}

func skipBlanks(s string, i int) int {
	for i < len(s) && strings.IndexByte(" \t\n\f\r", s[i]) >= 0 {
		i++
	}
	return i
}

func isNameByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}
