package bot

import (
	"strings"
	"unicode/utf16"
)

// Platforms count text limits in UTF-16 units (Telegram's 4,096,
// Zalo's 2,000): these are the counts and cuts both adapters use.

// Units is the length of s in UTF-16 units.
func Units(s string) int { return len(utf16.Encode([]rune(s))) }

// SplitUnits cuts s into parts of at most max UTF-16 units, at line breaks
// where it can, never inside a character.
func SplitUnits(s string, max int) []string {
	var parts []string
	for Units(s) > max {
		cut := TruncateUnits(s, max)
		if i := strings.LastIndex(cut, "\n"); i > len(cut)/2 {
			cut = cut[:i+1]
		}
		parts = append(parts, cut)
		s = s[len(cut):]
	}
	return append(parts, s)
}

// TruncateUnits returns the longest prefix of s within max UTF-16 units.
func TruncateUnits(s string, max int) string {
	n := 0
	for i, r := range s {
		w := 1
		if r >= 0x10000 {
			w = 2
		}
		if n+w > max {
			return s[:i]
		}
		n += w
	}
	return s
}
