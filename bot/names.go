package bot

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// Limits on what members type about themselves.
const (
	maxNameRunes = 80
	maxOrgRunes  = 120
)

// validName tidies a full name and checks it could go on a certificate.
func validName(s string) (string, bool) {
	s = CleanName(s)
	n := utf8.RuneCountInString(s)
	if n < 2 || n > maxNameRunes || strings.HasPrefix(s, "/") {
		return "", false
	}
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
	}
	return s, letters >= 2
}

// ValidName is the check registration makes of a full name, for the
// features that take a name to print (the certificate's).
func ValidName(s string) (string, bool) { return validName(s) }

func ValidOrg(s string) (string, bool) {
	s = CleanName(s)
	n := utf8.RuneCountInString(s)
	return s, n >= 2 && n <= maxOrgRunes && !strings.HasPrefix(s, "/")
}

// cleanName collapses white space and drops control and invisible format
// characters, keeping every letter and mark. It composes to NFC, because
// some phone keyboards send Vietnamese diacritics as combining marks, which
// would otherwise print apart on a certificate and compare unequal.
func CleanName(s string) string {
	var sb strings.Builder
	space := false
	for _, r := range norm.NFC.String(strings.TrimSpace(s)) {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r), unicode.Is(unicode.Cf, r) && r != '\u200d':
			continue
		}
		if space && sb.Len() > 0 {
			sb.WriteByte(' ')
		}
		space = false
		sb.WriteRune(r)
	}
	return sb.String()
}
