package bot

import "fmt"

// Text returns the core catalogue's entry for key in lang, formatted with
// args. A feature's texts are the bot's (Bot.Text), merged at start.
func Text(lang Lang, key string, args ...any) string {
	return lookup(map[Lang]map[string]string{VI: textsVI, EN: textsEN}, lang, key, args...)
}

// Text returns the catalogue entry, the core's or a feature's, for key in
// lang, formatted with args. A key missing in English falls back to
// Vietnamese; a key missing in both comes back as itself, which the
// catalogue tests forbid.
func (b *Bot) Text(lang Lang, key string, args ...any) string {
	return lookup(b.texts, lang, key, args...)
}

// TextN is Text for a text about n things. English says "1 day" but
// "2 days", so a catalogue may hold the form for one under key+".one";
// Vietnamese has no plural, and its ".one" entries repeat the others so
// that both catalogues keep the same keys. n only picks the form: the
// count is among args where the text wants it.
func (b *Bot) TextN(lang Lang, key string, n int, args ...any) string {
	if _, ok := b.texts[lang][key+".one"]; ok && n == 1 {
		key += ".one"
	}
	return b.Text(lang, key, args...)
}

// TextN is Bot.TextN on the core catalogue.
func TextN(lang Lang, key string, n int, args ...any) string {
	if _, ok := catalogue(lang)[key+".one"]; ok && n == 1 {
		key += ".one"
	}
	return Text(lang, key, args...)
}

func lookup(texts map[Lang]map[string]string, lang Lang, key string, args ...any) string {
	s, ok := texts[lang][key]
	if !ok {
		s, ok = texts[VI][key]
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
