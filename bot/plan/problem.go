package plan

import (
	"strconv"
	"strings"
)

// Problem is one thing wrong with a plan file.
type Problem struct {
	File  string
	Line  int    // 1-based; 0 when the YAML library could not say
	Field string // path such as "sessions[2].ends" (0-based index); empty for the file as a whole
	Msg   string
}

// String returns "FILE:LINE: FIELD: problem", leaving out the line or the
// field when the problem has none.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Line > 0 {
		b.WriteString(":")
		b.WriteString(strconv.Itoa(p.Line))
	}
	b.WriteString(": ")
	if p.Field != "" {
		b.WriteString(p.Field)
		b.WriteString(": ")
	}
	b.WriteString(p.Msg)
	return b.String()
}

// Errors is every problem of a plan file, in file order. Parse returns it as
// its error; use errors.As to get at the problems.
type Errors []Problem

// Error returns every problem on its own line.
func (e Errors) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = p.String()
	}
	return strings.Join(lines, "\n")
}
