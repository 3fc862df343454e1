package bot

import "fmt"

// Text returns the catalogue entry for key in lang, formatted with args.
// A key missing in English falls back to Vietnamese; a key missing in both
// comes back as itself, which the catalogue test forbids.
func Text(lang Lang, key string, args ...any) string {
	s, ok := catalogue(lang)[key]
	if !ok {
		s, ok = textsVI[key]
		if !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

func catalogue(l Lang) map[string]string {
	if l == EN {
		return textsEN
	}
	return textsVI
}
