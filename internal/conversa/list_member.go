package conversa

import "strings"

// Value is the member's value for a list column as campaigns map them to
// template variables: "name" is the member's name, any other column one of
// its variables (columns are stored lower-cased).
func (m ListMember) Value(column string) string {
	if strings.EqualFold(column, "name") {
		return m.Name
	}
	return m.Variables[strings.ToLower(column)]
}
