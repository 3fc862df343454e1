package plan

import (
	"fmt"
	"strconv"
	"strings"
)

// Languages of Problem.Text. They are the values of bot.Lang, which this
// package cannot import.
const (
	EN = "en"
	VI = "vi"
)

// Problem is one thing wrong with a plan file or a course workbook.
type Problem struct {
	File  string
	Line  int    // YAML: 1-based; 0 when the YAML library could not say
	Field string // YAML: a path such as "sessions[2].ends" (0-based index); empty for the file as a whole
	// Sheet and Cell place a workbook's problem: the sheet as the workbook
	// names it and a cell such as "D7"; Cell is empty for a problem of the
	// whole sheet, and both are empty for one of the whole file.
	Sheet string
	Cell  string
	Msg   string // in English: what String and the command line print
	// Key is the message's English format, constant for each kind of
	// problem (gettext's msgid): the key of its Vietnamese text. Args are
	// its arguments; Text renders both in a language.
	Key  string
	Args []any
}

// newProblem renders a problem's English message from its key.
func newProblem(file string, line int, field, key string, args ...any) Problem {
	return Problem{File: file, Line: line, Field: field, Key: key, Args: args, Msg: render(EN, key, args)}
}

// String returns "FILE:LINE: FIELD: problem" for a YAML file, leaving out
// the line or the field when the problem has none, and
// "FILE: Sheet!Cell: problem" for a workbook.
func (p Problem) String() string {
	var b strings.Builder
	b.WriteString(p.File)
	if p.Sheet != "" {
		b.WriteString(": ")
		b.WriteString(p.Place())
		b.WriteString(": ")
		b.WriteString(p.Msg)
		return b.String()
	}
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

// Place is where a workbook's problem is: "Buổi học!D7", or the sheet
// alone; empty for a YAML problem.
func (p Problem) Place() string {
	if p.Cell == "" {
		return p.Sheet
	}
	return p.Sheet + "!" + p.Cell
}

// Text is the problem's message in lang (VI or EN; English for any other),
// without its place: what the bot shows an organiser beside Place.
func (p Problem) Text(lang string) string {
	if p.Key == "" {
		return p.Msg
	}
	return render(lang, p.Key, p.Args)
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

// localized is an argument of a problem that reads differently by
// language: a word, a place, a nested message.
type localized interface{ local(lang string) string }

// render formats a message in lang, translating the key and every
// localized argument.
func render(lang, key string, args []any) string {
	format := key
	if lang == VI {
		if vi, ok := messagesVI[key]; ok {
			format = vi
		}
	}
	out := make([]any, len(args))
	for i, a := range args {
		if l, ok := a.(localized); ok {
			out[i] = l.local(lang)
		} else {
			out[i] = a
		}
	}
	return fmt.Sprintf(format, out...)
}

// word is an English word of a message that has a Vietnamese one.
type word string

func (w word) local(lang string) string {
	if lang == VI {
		if vi, ok := wordsVI[string(w)]; ok {
			return vi
		}
	}
	return string(w)
}

// choice is a list of allowed values, "a or b".
type choice []string

func (c choice) local(lang string) string {
	or := " or "
	if lang == VI {
		or = " hoặc "
	}
	return strings.Join(c, or)
}

// place is where something was first seen: a line of a YAML file, or a
// cell once the workbook reader has placed it.
type place struct {
	line int
	cell string // "Buổi học!A5"
}

func (p place) local(lang string) string {
	switch {
	case p.cell != "":
		return p.cell
	case lang == VI:
		return "dòng " + strconv.Itoa(p.line)
	}
	return "line " + strconv.Itoa(p.line)
}

// msgError is an error with a keyed message (ParseClock, parseDuration), so
// that the problem it becomes is translated too.
type msgError struct {
	format string
	args   []any
}

func badf(format string, args ...any) error { return &msgError{format, args} }

func (e *msgError) Error() string { return render(EN, e.format, e.args) }

func (e *msgError) local(lang string) string { return render(lang, e.format, e.args) }
