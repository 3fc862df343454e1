package telegramtest

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf16"
	"unicode/utf8"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// The parsers below follow tdlib's parse_markdown_v2, parse_html and parse_markdown, which
// the Bot API runs, so that the fake refuses what Telegram refuses with the same words and
// computes the same visible text, whose length Telegram limits.

const (
	maxTextLen     = 4096
	maxCaptionLen  = 1024
	maxCallbackLen = 200
)

// utf16Len counts a string in UTF-16 code units, the unit of Telegram's lengths and offsets.
func utf16Len(s string) int {
	n := 0
	for _, r := range s {
		if r >= 0x10000 {
			n += 2
		} else {
			n++
		}
	}
	return n
}

// textBuilder accumulates visible text and its length in UTF-16 code units.
type textBuilder struct {
	b   []byte
	u16 int
}

// byte appends one byte of UTF-8; a lead byte of four starts a surrogate pair.
func (t *textBuilder) byte(c byte) {
	t.b = append(t.b, c)
	if c&0xC0 != 0x80 {
		t.u16++
		if c >= 0xF0 {
			t.u16++
		}
	}
}

func (t *textBuilder) rune(r rune) {
	t.b = utf8.AppendRune(t.b, r)
	if n := utf16.RuneLen(r); n > 0 {
		t.u16 += n
	} else {
		t.u16++
	}
}

// entityError is a parse error in Telegram's words, answered as "can't parse entities: ...".
type entityError string

func (e entityError) Error() string { return string(e) }

func entityErrorf(format string, args ...any) error {
	return entityError(fmt.Sprintf(format, args...))
}

// formatted is a text as Telegram stores it: visible characters and entities.
type formatted struct {
	text     string
	entities []tgbotapi.MessageEntity
}

// parseFormatted applies a parse_mode or an explicit entities list to a text, then trims it
// like Telegram, which drops leading and trailing white space. The reply is set when the text
// is refused.
func parseFormatted(text, parseMode, entitiesJSON, entitiesParam string) (formatted, reply, bool) {
	if !utf8.ValidString(text) {
		return formatted{}, badRequest("strings must be encoded in UTF-8"), false
	}
	var f formatted
	var err error
	switch strings.ToLower(parseMode) {
	case "":
		f.text = text
		if entitiesJSON != "" {
			if jerr := json.Unmarshal([]byte(entitiesJSON), &f.entities); jerr != nil {
				return formatted{}, badRequest("can't parse %s JSON object", entitiesParam), false
			}
		}
	case "markdownv2":
		f.text, f.entities, err = parseMarkdownV2(text)
	case "html":
		f.text, f.entities, err = parseHTML(text)
	case "markdown":
		f.text, f.entities, err = parseMarkdown(text)
	default:
		return formatted{}, badRequest("unsupported parse_mode"), false
	}
	if err != nil {
		return formatted{}, badRequest("can't parse entities: %v", err), false
	}
	return trim(f), reply{}, true
}

// trim drops leading and trailing white space and moves the entities with the text.
func trim(f formatted) formatted {
	body := strings.TrimLeftFunc(f.text, unicode.IsSpace)
	shift := utf16Len(f.text[:len(f.text)-len(body)])
	body = strings.TrimRightFunc(body, unicode.IsSpace)
	n := utf16Len(body)
	var ents []tgbotapi.MessageEntity
	for _, e := range f.entities {
		start, end := max(e.Offset-shift, 0), min(e.Offset+e.Length-shift, n)
		if end > start {
			e.Offset, e.Length = start, end-start
			ents = append(ents, e)
		}
	}
	sort.SliceStable(ents, func(i, j int) bool {
		if ents[i].Offset != ents[j].Offset {
			return ents[i].Offset < ents[j].Offset
		}
		return ents[i].Length > ents[j].Length
	})
	return formatted{text: body, entities: ents}
}

func (f formatted) equal(g formatted) bool {
	if f.text != g.text || len(f.entities) != len(g.entities) {
		return false
	}
	return len(f.entities) == 0 || reflect.DeepEqual(f.entities, g.entities)
}

func isSpace(c byte) bool {
	switch c {
	case ' ', '\t', '\r', '\n', '\v', '\f', 0:
		return true
	}
	return false
}

// mdv2Name is tdlib's name of an entity type, which its error messages use.
func mdv2Name(typ, arg string) string {
	switch typ {
	case "bold":
		return "Bold"
	case "italic":
		return "Italic"
	case "underline":
		return "Underline"
	case "strikethrough":
		return "Strikethrough"
	case "spoiler":
		return "Spoiler"
	case "code":
		return "Code"
	case "pre":
		if arg != "" {
			return "PreCode"
		}
		return "Pre"
	case "text_link":
		return "TextUrl"
	case "custom_emoji":
		return "CustomEmoji"
	}
	return typ
}

type openEntity struct {
	typ     string
	arg     string
	off     int // in UTF-16 code units of the visible text
	byteOff int // in the source, for error messages
	begin   int // in bytes of the visible text
}

func parseMarkdownV2(text string) (string, []tgbotapi.MessageEntity, error) {
	at := func(i int) byte {
		if i < len(text) {
			return text[i]
		}
		return 0
	}
	var out textBuilder
	var stack []openEntity
	var ents []tgbotapi.MessageEntity
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\\' && at(i+1) > 0 && at(i+1) <= 126 {
			i++
			out.byte(text[i])
			continue
		}
		reserved := "_*[]()~`>#+-=|{}.!"
		if n := len(stack); n > 0 && (stack[n-1].typ == "code" || stack[n-1].typ == "pre") {
			reserved = "`"
		}
		if !strings.ContainsRune(reserved, rune(c)) {
			out.byte(c)
			continue
		}
		// A '>' that starts a line starts a block quotation.
		if c == '>' && (i == 0 || text[i-1] == '\n') && reserved != "`" {
			continue
		}
		isEnd := false
		if n := len(stack); n > 0 {
			switch stack[n-1].typ {
			case "bold":
				isEnd = c == '*'
			case "italic":
				isEnd = c == '_' && at(i+1) != '_'
			case "code":
				isEnd = c == '`'
			case "pre":
				isEnd = c == '`' && at(i+1) == '`' && at(i+2) == '`'
			case "text_link", "custom_emoji":
				isEnd = c == ']'
			case "underline":
				isEnd = c == '_' && at(i+1) == '_'
			case "strikethrough":
				isEnd = c == '~'
			case "spoiler":
				isEnd = c == '|' && at(i+1) == '|'
			}
		}
		if !isEnd {
			e := openEntity{byteOff: i}
			switch c {
			case '_':
				e.typ = "italic"
				if at(i+1) == '_' {
					e.typ = "underline"
					i++
				}
			case '*':
				e.typ = "bold"
			case '~':
				e.typ = "strikethrough"
			case '|':
				if at(i+1) != '|' {
					return "", nil, entityErrorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
				}
				e.typ = "spoiler"
				i++
			case '[':
				e.typ = "text_link"
			case '`':
				e.typ = "code"
				if at(i+1) == '`' && at(i+2) == '`' {
					e.typ = "pre"
					i += 3
					langEnd := i
					for langEnd < len(text) && !isSpace(text[langEnd]) && text[langEnd] != '`' {
						langEnd++
					}
					if i != langEnd && langEnd < len(text) && text[langEnd] != '`' {
						e.arg = text[i:langEnd]
						i = langEnd
					}
					// One line break after the opening fence belongs to the markup.
					if at(i) == '\n' || at(i) == '\r' {
						if (at(i+1) == '\n' || at(i+1) == '\r') && at(i) != at(i+1) {
							i += 2
						} else {
							i++
						}
					}
					i--
				}
			case '!':
				if at(i+1) != '[' {
					return "", nil, entityErrorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
				}
				e.typ = "custom_emoji"
				i++
			default:
				return "", nil, entityErrorf("Character '%c' is reserved and must be escaped with the preceding '\\'", c)
			}
			e.off, e.begin = out.u16, len(out.b)
			stack = append(stack, e)
			continue
		}
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		skip := out.u16 == top.off
		switch top.typ {
		case "underline", "spoiler":
			i++
		case "pre":
			i += 2
		case "text_link", "custom_emoji":
			var link string
			if at(i+1) != '(' {
				link = string(out.b[top.begin:])
			} else {
				i += 2
				urlBegin := i
				var b strings.Builder
				for i < len(text) && text[i] != ')' {
					if text[i] == '\\' && at(i+1) > 0 && at(i+1) <= 126 {
						b.WriteByte(text[i+1])
						i += 2
						continue
					}
					b.WriteByte(text[i])
					i++
				}
				if at(i) != ')' {
					return "", nil, entityErrorf("Can't find end of a URL at byte offset %d", urlBegin)
				}
				link = b.String()
			}
			if link == "" {
				skip = true
			}
			top.arg = link
		}
		if !skip {
			ents = append(ents, makeEntity(top, out.u16))
		}
	}
	if n := len(stack); n > 0 {
		top := stack[n-1]
		return "", nil, entityErrorf("Can't find end of %s entity at byte offset %d", mdv2Name(top.typ, top.arg), top.byteOff)
	}
	return string(out.b), ents, nil
}

func makeEntity(e openEntity, end int) tgbotapi.MessageEntity {
	ent := tgbotapi.MessageEntity{Type: e.typ, Offset: e.off, Length: end - e.off}
	switch e.typ {
	case "text_link":
		ent.URL = e.arg
	case "pre":
		ent.Language = e.arg
	}
	return ent
}

func parseHTML(text string) (string, []tgbotapi.MessageEntity, error) {
	at := func(i int) byte {
		if i < len(text) {
			return text[i]
		}
		return 0
	}
	var out textBuilder
	var stack []openEntity
	var ents []tgbotapi.MessageEntity
	for i := 0; i < len(text); {
		c := text[i]
		if c == '&' {
			if r, n := decodeHTMLEntity(text[i:]); n > 0 {
				out.rune(r)
				i += n
				continue
			}
		}
		if c != '<' {
			out.byte(c)
			i++
			continue
		}
		begin := i
		i++
		if at(i) != '/' {
			for i < len(text) && !isSpace(text[i]) && text[i] != '>' {
				i++
			}
			if i >= len(text) {
				return "", nil, entityErrorf("Unclosed start tag at byte offset %d", begin)
			}
			tag := strings.ToLower(text[begin+1 : i])
			if !supportedTag(tag) {
				return "", nil, entityErrorf("Unsupported start tag \"%s\" at byte offset %d", tag, begin)
			}
			arg := ""
			for at(i) != '>' {
				for i < len(text) && isSpace(text[i]) {
					i++
				}
				if at(i) == '>' {
					break
				}
				attrBegin := i
				for i < len(text) && !isSpace(text[i]) && text[i] != '=' {
					i++
				}
				attr := text[attrBegin:i]
				if attr == "" {
					return "", nil, entityErrorf("Empty attribute name in the tag \"%s\" at byte offset %d", tag, begin)
				}
				for i < len(text) && isSpace(text[i]) {
					i++
				}
				if at(i) != '=' {
					if tag == "blockquote" && attr == "expandable" {
						continue
					}
					return "", nil, entityErrorf("Expected equal sign in declaration of an attribute of the tag \"%s\" at byte offset %d", tag, begin)
				}
				i++
				for i < len(text) && isSpace(text[i]) {
					i++
				}
				if i >= len(text) {
					return "", nil, entityErrorf("Unclosed start tag \"%s\" at byte offset %d", tag, begin)
				}
				var value string
				if q := text[i]; q != '\'' && q != '"' {
					tokenBegin := i
					for i < len(text) && (isASCIIAlnum(text[i]) || text[i] == '.' || text[i] == '-') {
						i++
					}
					value = strings.ToLower(text[tokenBegin:i])
					if !isSpace(at(i)) && at(i) != '>' {
						return "", nil, entityErrorf("Unexpected end of name token at byte offset %d", tokenBegin)
					}
				} else {
					i++
					var b textBuilder
					for i < len(text) && text[i] != q {
						if text[i] == '&' {
							if r, n := decodeHTMLEntity(text[i:]); n > 0 {
								b.rune(r)
								i += n
								continue
							}
						}
						b.byte(text[i])
						i++
					}
					if at(i) == q {
						i++
					}
					value = string(b.b)
				}
				if i >= len(text) {
					return "", nil, entityErrorf("Unclosed start tag at byte offset %d", begin)
				}
				switch {
				case tag == "a" && attr == "href":
					arg = value
				case tag == "code" && attr == "class" && strings.HasPrefix(value, "language-"):
					arg = strings.TrimPrefix(value, "language-")
				case tag == "span" && attr == "class" && strings.HasPrefix(value, "tg-"):
					arg = strings.TrimPrefix(value, "tg-")
				case tag == "tg-emoji" && attr == "emoji-id":
					arg = value
				}
			}
			if tag == "span" && arg != "spoiler" {
				return "", nil, entityErrorf("Tag \"span\" must have class \"tg-spoiler\" at byte offset %d", begin)
			}
			i++ // the '>'
			stack = append(stack, openEntity{typ: tag, arg: arg, off: out.u16, begin: len(out.b)})
			continue
		}
		if len(stack) == 0 {
			return "", nil, entityErrorf("Unexpected end tag at byte offset %d", begin)
		}
		for i < len(text) && !isSpace(text[i]) && text[i] != '>' {
			i++
		}
		endTag := strings.ToLower(text[begin+2 : i])
		for i < len(text) && isSpace(text[i]) {
			i++
		}
		if at(i) != '>' {
			return "", nil, entityErrorf("Unclosed end tag at byte offset %d", begin)
		}
		i++
		top := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if endTag != "" && endTag != top.typ {
			return "", nil, entityErrorf("Unmatched end tag at byte offset %d, expected \"</%s>\", found \"</%s>\"", begin, top.typ, endTag)
		}
		if out.u16 == top.off {
			continue
		}
		// <pre><code class="language-x"> is one pre entity with a language.
		if n := len(stack); top.typ == "code" && n > 0 && stack[n-1].typ == "pre" && stack[n-1].off == top.off {
			stack[n-1].arg = top.arg
			continue
		}
		e := openEntity{off: top.off, arg: top.arg}
		switch top.typ {
		case "b", "strong":
			e.typ = "bold"
		case "i", "em":
			e.typ = "italic"
		case "u", "ins":
			e.typ = "underline"
		case "s", "strike", "del":
			e.typ = "strikethrough"
		case "tg-spoiler", "span":
			e.typ = "spoiler"
		case "code":
			e.typ = "code"
		case "pre":
			e.typ = "pre"
		case "blockquote":
			e.typ = "blockquote"
		case "tg-emoji":
			e.typ = "custom_emoji"
		case "a":
			e.typ = "text_link"
			if e.arg == "" {
				e.arg = string(out.b[top.begin:])
			}
			if e.arg == "" {
				continue
			}
		}
		ents = append(ents, makeEntity(e, out.u16))
	}
	if n := len(stack); n > 0 {
		return "", nil, entityErrorf("Can't find end tag corresponding to start tag \"%s\"", stack[n-1].typ)
	}
	return string(out.b), ents, nil
}

func supportedTag(tag string) bool {
	switch tag {
	case "a", "b", "strong", "i", "em", "s", "strike", "del", "u", "ins",
		"tg-spoiler", "tg-emoji", "span", "pre", "code", "blockquote":
		return true
	}
	return false
}

func isASCIIAlnum(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

// decodeHTMLEntity decodes the entity s starts with and returns its length, or 0 when s does
// not start with one: Telegram keeps such an '&' as it is.
func decodeHTMLEntity(s string) (rune, int) {
	end := strings.IndexByte(s, ';')
	if len(s) < 2 || end < 0 {
		return 0, 0
	}
	name := s[1:end]
	if num, found := strings.CutPrefix(name, "#"); found {
		base := 10
		if hex, isHex := strings.CutPrefix(num, "x"); isHex {
			num, base = hex, 16
		} else if hex, isHex := strings.CutPrefix(num, "X"); isHex {
			num, base = hex, 16
		}
		v, err := strconv.ParseUint(num, base, 32)
		if err != nil || num == "" || v == 0 || v > unicode.MaxRune || (v >= 0xD800 && v <= 0xDFFF) {
			return 0, 0
		}
		return rune(v), end + 1
	}
	switch name {
	case "lt":
		return '<', end + 1
	case "gt":
		return '>', end + 1
	case "amp":
		return '&', end + 1
	case "quot":
		return '"', end + 1
	}
	return 0, 0
}

// parseMarkdown parses legacy Markdown, where entities cannot nest and only _*`[ are special.
func parseMarkdown(text string) (string, []tgbotapi.MessageEntity, error) {
	at := func(i int) byte {
		if i < len(text) {
			return text[i]
		}
		return 0
	}
	var out textBuilder
	var ents []tgbotapi.MessageEntity
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c == '\\' && (at(i+1) == '_' || at(i+1) == '*' || at(i+1) == '`' || at(i+1) == '[') {
			i++
			out.byte(text[i])
			continue
		}
		if c != '_' && c != '*' && c != '`' && c != '[' {
			out.byte(c)
			continue
		}
		begin := i
		endChar := c
		if c == '[' {
			endChar = ']'
		}
		i++
		isPre := false
		lang := ""
		if c == '`' && at(i) == '`' && at(i+1) == '`' {
			i += 2
			isPre = true
			langEnd := i
			for langEnd < len(text) && !isSpace(text[langEnd]) && text[langEnd] != '`' {
				langEnd++
			}
			if i != langEnd && langEnd < len(text) && text[langEnd] != '`' {
				lang = text[i:langEnd]
				i = langEnd
			}
			if at(i) == '\n' || at(i) == '\r' {
				if (at(i+1) == '\n' || at(i+1) == '\r') && at(i) != at(i+1) {
					i += 2
				} else {
					i++
				}
			}
		}
		off, textBegin := out.u16, len(out.b)
		for i < len(text) && (text[i] != endChar || (isPre && !(at(i+1) == '`' && at(i+2) == '`'))) {
			out.byte(text[i])
			i++
		}
		if i >= len(text) {
			return "", nil, entityErrorf("Can't find end of the entity starting at byte offset %d", begin)
		}
		e := openEntity{off: off}
		switch c {
		case '_':
			e.typ = "italic"
		case '*':
			e.typ = "bold"
		case '`':
			e.typ = "code"
			if isPre {
				e.typ, e.arg = "pre", lang
				i += 2
			}
		case '[':
			e.typ = "text_link"
			if at(i+1) != '(' {
				e.arg = string(out.b[textBegin:])
			} else {
				i += 2
				var b strings.Builder
				for i < len(text) && text[i] != ')' {
					b.WriteByte(text[i])
					i++
				}
				e.arg = b.String()
			}
			if e.arg == "" {
				continue
			}
		}
		if out.u16 > off {
			ents = append(ents, makeEntity(e, out.u16))
		}
	}
	return string(out.b), ents, nil
}

// readReplyMarkup checks a reply_markup parameter like Telegram. inlineOnly is set for edits,
// which take nothing but an inline keyboard. It returns the inline keyboard, if any, which
// Telegram echoes in the message.
func readReplyMarkup(raw string, inlineOnly bool) (*tgbotapi.InlineKeyboardMarkup, reply, bool) {
	if raw == "" {
		return nil, reply{}, true
	}
	var fields map[string]json.RawMessage
	if err := json.Unmarshal([]byte(raw), &fields); err != nil {
		return nil, badRequest("can't parse reply keyboard markup JSON object"), false
	}
	rawKeyboard, isInline := fields["inline_keyboard"]
	if !isInline {
		if inlineOnly {
			return nil, badRequest("inline keyboard expected"), false
		}
		for _, known := range []string{"keyboard", "remove_keyboard", "force_reply"} {
			if _, found := fields[known]; found {
				return nil, reply{}, true
			}
		}
		return nil, badRequest("object expected as reply markup"), false
	}
	var rows [][]map[string]json.RawMessage
	if err := json.Unmarshal(rawKeyboard, &rows); err != nil {
		return nil, badRequest("field \"inline_keyboard\" of the InlineKeyboardMarkup should be an Array of Arrays"), false
	}
	count := 0
	for _, row := range rows {
		for _, button := range row {
			count++
			if rep, valid := checkInlineButton(button); !valid {
				return nil, rep, false
			}
		}
	}
	if count > 100 {
		return nil, badRequest("reply markup is too long"), false
	}
	if count == 0 {
		return nil, reply{}, true
	}
	var markup tgbotapi.InlineKeyboardMarkup
	if err := json.Unmarshal([]byte(raw), &markup); err != nil {
		return nil, badRequest("can't parse inline keyboard button: %v", err), false
	}
	return &markup, reply{}, true
}

func checkInlineButton(button map[string]json.RawMessage) (reply, bool) {
	rawText, found := button["text"]
	if !found {
		return badRequest("can't parse inline keyboard button: Can't find field \"text\""), false
	}
	var text string
	if err := json.Unmarshal(rawText, &text); err != nil {
		return badRequest("can't parse inline keyboard button: Field \"text\" must be of type String"), false
	}
	if strings.TrimSpace(text) == "" {
		return badRequest("BUTTON_TEXT_INVALID"), false
	}
	actions := 0
	for name, raw := range button {
		if name == "text" || string(raw) == "null" {
			continue
		}
		var str string
		isString := json.Unmarshal(raw, &str) == nil
		switch name {
		case "callback_data":
			if !isString {
				return badRequest("can't parse inline keyboard button: Field \"callback_data\" must be of type String"), false
			}
			if str == "" {
				continue // an empty callback_data counts as none
			}
			if len(str) > 64 {
				return badRequest("BUTTON_DATA_INVALID"), false
			}
		case "url":
			if !isString {
				return badRequest("can't parse inline keyboard button: Field \"url\" must be of type String"), false
			}
			if str == "" {
				continue
			}
			u, err := url.Parse(str)
			if err != nil || (u.Scheme != "http" && u.Scheme != "https" && u.Scheme != "tg") || (u.Scheme != "tg" && u.Host == "") {
				return badRequest("BUTTON_URL_INVALID"), false
			}
		case "pay":
			if string(raw) != "true" {
				continue
			}
		case "switch_inline_query", "switch_inline_query_current_chat", "callback_game", "login_url",
			"web_app", "copy_text", "switch_inline_query_chosen_chat":
		default:
			continue // unknown fields are ignored, as by Telegram
		}
		actions++
	}
	if actions == 0 {
		return badRequest("can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"), false
	}
	return reply{}, true
}

// sameMarkup compares inline keyboards as Telegram does when deciding "message is not modified".
func sameMarkup(a, b *tgbotapi.InlineKeyboardMarkup) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	return string(ja) == string(jb)
}
