package bot

import "fmt"

// Catalogue holds texts by language and key: the core's, or the core's
// merged with the features' (Features.Catalogue).
type Catalogue map[Lang]map[string]string

// Text returns the entry for key in lang, formatted with args. A key
// missing in English falls back to Vietnamese; a key missing in both
// comes back as itself, which the catalogue tests forbid.
func (c Catalogue) Text(lang Lang, key string, args ...any) string {
	s, ok := c[lang][key]
	if !ok {
		s, ok = c[VI][key]
		if !ok {
			return key
		}
	}
	if len(args) == 0 {
		return s
	}
	return fmt.Sprintf(s, args...)
}

// TextN is Text for a text about n things. English says "1 day" but
// "2 days", so a catalogue may hold the form for one under key+".one";
// Vietnamese has no plural, and its ".one" entries repeat the others so
// that both catalogues keep the same keys. n only picks the form: the
// count is among args where the text wants it.
func (c Catalogue) TextN(lang Lang, key string, n int, args ...any) string {
	if _, ok := c[lang][key+".one"]; ok && n == 1 {
		key += ".one"
	}
	return c.Text(lang, key, args...)
}

// Text returns the core catalogue's entry for key in lang (Catalogue.Text).
// A feature's texts are the bot's (Bot.Text), merged at start.
func Text(lang Lang, key string, args ...any) string {
	return Catalogue{VI: textsVI, EN: textsEN}.Text(lang, key, args...)
}

// TextN is Catalogue.TextN on the core catalogue.
func TextN(lang Lang, key string, n int, args ...any) string {
	return Catalogue{VI: textsVI, EN: textsEN}.TextN(lang, key, n, args...)
}

// Text returns the catalogue entry, the core's or a feature's, for key in
// lang (Catalogue.Text).
func (b *Bot) Text(lang Lang, key string, args ...any) string {
	return b.texts.Text(lang, key, args...)
}

// TextN is Text for a text about n things (Catalogue.TextN).
func (b *Bot) TextN(lang Lang, key string, n int, args ...any) string {
	return b.texts.TextN(lang, key, n, args...)
}

// OrCore returns the catalogue's entry for key in lang when the catalogue
// has the key, else the core's: a feature's own texts first, then the
// texts every feature shares (buttons, errors).
func (c Catalogue) OrCore(lang Lang, key string, args ...any) string {
	if _, ok := c[VI][key]; ok {
		return c.Text(lang, key, args...)
	}
	return Text(lang, key, args...)
}

// OrCoreN is OrCore for a text about n things (Catalogue.TextN).
func (c Catalogue) OrCoreN(lang Lang, key string, n int, args ...any) string {
	if _, ok := c[VI][key]; ok {
		return c.TextN(lang, key, n, args...)
	}
	return TextN(lang, key, n, args...)
}
