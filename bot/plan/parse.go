package plan

import (
	"bytes"
	"cmp"
	"errors"
	"fmt"
	"io"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/text/unicode/norm"
	"gopkg.in/yaml.v3"
)

// timeLayout is how times are written in a plan file.
const timeLayout = "2006-01-02 15:04"

// Years accepted in times.
const (
	minYear = 1970
	maxYear = 9999
)

// maxDuration bounds reminder leads: nobody needs a reminder a year ahead, and
// the bound keeps the multiplication below from overflowing.
const maxDuration = 365 * 24 * time.Hour

// Parse reads and validates a plan file. filename is only used in problems.
// On any problem it returns a nil Plan and an Errors value that lists every
// problem found, in file order.
func Parse(filename string, data []byte) (*Plan, error) {
	ps := &parser{file: filename}
	root := ps.decode(data)
	var p *Plan
	if root != nil {
		p = ps.plan(root)
	}
	if len(ps.probs) > 0 {
		// Problems are found section by section; organisers read them top down.
		slices.SortStableFunc(ps.probs, func(a, b Problem) int { return a.Line - b.Line })
		return nil, ps.probs
	}
	return p, nil
}

// parser collects problems while it interprets a YAML node tree.
type parser struct {
	file  string
	loc   *time.Location // the plan's zone, known before any time is read
	probs Errors
	ids   map[string]int // session and deadline ids, with the line of first use
}

// add records a problem. format is the message's key (see Problem.Key):
// always a constant, so that every problem has a Vietnamese text.
func (ps *parser) add(line int, field, format string, args ...any) {
	ps.probs = append(ps.probs, newProblem(ps.file, line, field, format, args...))
}

// addErr records a problem whose message is err's: a keyed message of
// ParseClock or parseDuration when it is one.
func (ps *parser) addErr(line int, field string, err error) {
	var m *msgError
	if errors.As(err, &m) {
		ps.add(line, field, m.format, m.args...)
		return
	}
	ps.add(line, field, "%v", err)
}

// at names the line of a first use in a problem ("first at line 4"); the
// workbook reader turns it into a cell.
func (ps *parser) at(line int) any { return place{line: line} }

// decode turns the file into its root node, or records why it cannot.
func (ps *parser) decode(data []byte) (root *yaml.Node) {
	docs, err := documents(data)
	if err != nil {
		line, msg := yamlError(err, data)
		ps.add(line, "", "bad YAML: %s", msg)
		return nil
	}
	if len(docs) == 0 || len(docs[0].Content) == 0 {
		ps.add(0, "", "empty plan")
		return nil
	}
	if len(docs) > 1 {
		// yaml.Unmarshal would silently drop the rest of the file.
		ps.add(docs[1].Line, "", "a second YAML document: a plan is one document")
	}
	root = resolve(docs[0].Content[0])
	if root.Kind != yaml.MappingNode {
		ps.add(root.Line, "", "want a mapping of plan fields, got %s", kind(root))
		return nil
	}
	return root
}

// yamlError turns a yaml.v3 syntax error ("yaml: line N: msg") into a line
// and a message; the line is 0 when the library gives none.
func yamlError(err error, data []byte) (int, string) {
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	line := 0
	if rest, ok := strings.CutPrefix(msg, "line "); ok {
		num, text, ok := strings.Cut(rest, ": ")
		if n, err := strconv.Atoi(num); ok && err == nil {
			line, msg = n, text
		}
	}
	if parserProblem(msg) {
		// yaml.v3 counts lines from 0 in its parser's errors (not in its
		// scanner's), and leaves the line out when it is 0.
		line++
	}
	// At the end of a file without a final newline the library points one
	// line past the last.
	lines := bytes.Count(data, []byte("\n"))
	if len(data) > 0 && data[len(data)-1] != '\n' {
		lines++
	}
	return min(line, max(lines, 1)), msg
}

// parserProblem reports whether msg is one of yaml.v3's parser errors
// (parserc.go), none of which its scanner uses.
func parserProblem(msg string) bool {
	switch msg {
	case "did not find expected ',' or ']'",
		"did not find expected ',' or '}'",
		"did not find expected '-' indicator",
		"did not find expected <document start>",
		"did not find expected <stream-start>",
		"did not find expected key",
		"did not find expected node content",
		"found duplicate %TAG directive",
		"found duplicate %YAML directive",
		"found incompatible YAML document",
		"found undefined tag handle":
		return true
	}
	return false
}

// documents decodes the first two YAML documents of data, enough to tell
// that there is more than one. It turns a panic of the YAML library into an
// error: a plan comes from an organiser's hand and must never crash the bot.
func documents(data []byte) (docs []*yaml.Node, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("yaml: %v", r)
		}
	}()
	dec := yaml.NewDecoder(bytes.NewReader(data))
	for len(docs) < 2 {
		var doc yaml.Node
		if err := dec.Decode(&doc); errors.Is(err, io.EOF) {
			return docs, nil
		} else if err != nil {
			return nil, err
		}
		docs = append(docs, &doc)
	}
	return docs, nil
}

// resolve follows an alias to the node it names.
func resolve(n *yaml.Node) *yaml.Node {
	// yaml.v3 refuses aliases of aliases and cycles; the bound is cheap
	// insurance against a node tree built some other way.
	for i := 0; i < 8 && n.Kind == yaml.AliasNode && n.Alias != nil; i++ {
		n = n.Alias
	}
	return n
}

// kind says what a node is, for "want ..., got KIND" problems; the words
// are translated with the problem.
func kind(n *yaml.Node) any {
	switch n.Kind {
	case yaml.MappingNode:
		return word("a mapping")
	case yaml.SequenceNode:
		return word("a list")
	case yaml.ScalarNode:
		if n.ShortTag() == "!!null" {
			return word("nothing")
		}
		return fmt.Sprintf("%q", short(n.Value))
	}
	return word("something else")
}

// short cuts a value echoed in a problem, so that one wrong field cannot
// flood the report.
func short(s string) string {
	const limit = 40
	if r := []rune(s); len(r) > limit {
		return string(r[:limit]) + "…"
	}
	return s
}

// fieldName is a key as it appears in a field path, quoted when it is not
// a plain word so that the path stays on one line.
func fieldName(key string) string {
	for _, r := range key {
		if !(r == '_' || r == '-' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9') {
			return strconv.Quote(short(key))
		}
	}
	if key == "" {
		return `""`
	}
	return key
}

func join(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

func index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// object is a YAML mapping whose keys have been checked against a schema.
type object struct {
	ps   *parser
	node *yaml.Node
	path string
	vals map[string]*yaml.Node
}

// object checks that n is a mapping with only the known keys, each once.
// It returns false, having recorded why, when n is not a mapping.
func (ps *parser) object(n *yaml.Node, path string, known ...string) (object, bool) {
	o := object{ps: ps, node: n, path: path, vals: map[string]*yaml.Node{}}
	if n.Kind != yaml.MappingNode {
		ps.add(n.Line, path, "want a mapping, got %s", kind(n))
		return o, false
	}
	keyLines := map[string]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := resolve(n.Content[i]), resolve(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			ps.add(k.Line, path, "want a field name, got %s", kind(k))
			continue
		}
		if k.Value == "<<" {
			ps.add(k.Line, join(path, fieldName(k.Value)), "merge keys are not supported: write the fields out")
			continue
		}
		if !slices.Contains(known, k.Value) {
			if near := nearest(k.Value, known); near != "" {
				ps.add(k.Line, join(path, fieldName(k.Value)), "unknown field (did you mean %q?)", near)
			} else {
				ps.add(k.Line, join(path, fieldName(k.Value)), "unknown field")
			}
			continue
		}
		if first, dup := keyLines[k.Value]; dup {
			ps.add(k.Line, join(path, k.Value), "duplicate field (first at %s)", ps.at(first))
			continue
		}
		keyLines[k.Value] = k.Line
		o.vals[k.Value] = v
	}
	return o, true
}

// nearest returns the known key closest to a mistyped one, if any is close.
func nearest(key string, known []string) string {
	if len(key) > 64 {
		return "" // no field name is that long; spare the work
	}
	best, bestDist := "", 3
	for _, k := range known {
		if d := distance(key, k); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// distance is the edit distance between two short strings, counting a swap
// of neighbours as one edit: "kidn" is one edit from "kind".
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// get returns the value of key, or nil when it is absent or null.
func (o object) get(key string) *yaml.Node {
	v := o.vals[key]
	if v == nil || (v.Kind == yaml.ScalarNode && v.ShortTag() == "!!null") {
		return nil
	}
	return v
}

// required is get that records a problem when the key is missing.
func (o object) required(key string) *yaml.Node {
	v := o.get(key)
	if v == nil {
		line := o.node.Line
		if n := o.vals[key]; n != nil {
			line = n.Line
		}
		o.ps.add(line, join(o.path, key), "required")
	}
	return v
}

// str reads a text value, trimmed: a stray space must not make two group
// names differ.
func (o object) str(key string) (string, *yaml.Node) {
	n := o.get(key)
	if n == nil {
		return "", nil
	}
	return o.ps.text(n, join(o.path, key))
}

// requiredStr is str that records a problem when the value is missing or blank.
func (o object) requiredStr(key string) (string, *yaml.Node) {
	n := o.required(key)
	if n == nil {
		return "", nil
	}
	s, n := o.ps.text(n, join(o.path, key))
	if n != nil && s == "" {
		o.ps.add(n.Line, join(o.path, key), "required")
		return "", nil
	}
	return s, n
}

// text reads a scalar as text; it returns a nil node when n is not a scalar.
func (ps *parser) text(n *yaml.Node, path string) (string, *yaml.Node) {
	if n.Kind != yaml.ScalarNode {
		ps.add(n.Line, path, "want text, got %s", kind(n))
		return "", nil
	}
	// NFC: a name typed on a keyboard that composes letters differently
	// (ệ as e + two marks) is the same name.
	return norm.NFC.String(strings.TrimSpace(n.Value)), n
}

// integer reads a whole number. A quoted number is accepted: the quotes are
// an easy slip and the meaning is plain.
func (o object) integer(key string) (int, bool) {
	n := o.get(key)
	if n == nil {
		return 0, false
	}
	path := join(o.path, key)
	if n.Kind == yaml.ScalarNode && (n.ShortTag() == "!!int" || n.ShortTag() == "!!str") {
		if v, err := strconv.Atoi(strings.TrimSpace(n.Value)); err == nil {
			return v, true
		}
	}
	o.ps.add(n.Line, path, "want a whole number, got %s", kind(n))
	return 0, false
}

// number reads a finite number.
func (o object) number(key string) (float64, bool) {
	n := o.get(key)
	if n == nil {
		return 0, false
	}
	path := join(o.path, key)
	if n.Kind == yaml.ScalarNode {
		switch n.ShortTag() {
		case "!!int", "!!float", "!!str":
			v, err := strconv.ParseFloat(strings.TrimSpace(n.Value), 64)
			if err == nil && !math.IsNaN(v) && !math.IsInf(v, 0) {
				return v, true
			}
		}
	}
	o.ps.add(n.Line, path, "want a number, got %s", kind(n))
	return 0, false
}

// boolean reads true or false.
func (o object) boolean(key string) (bool, bool) {
	n := o.get(key)
	if n == nil {
		return false, false
	}
	var v bool
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!bool" && n.Decode(&v) == nil {
		return v, true
	}
	o.ps.add(n.Line, join(o.path, key), "want true or false, got %s", kind(n))
	return false, false
}

// list returns the items of a sequence, aliases resolved.
func (o object) list(key string) ([]*yaml.Node, bool) {
	n := o.get(key)
	if n == nil {
		return nil, false
	}
	if n.Kind != yaml.SequenceNode {
		o.ps.add(n.Line, join(o.path, key), "want a list, got %s", kind(n))
		return nil, false
	}
	items := make([]*yaml.Node, len(n.Content))
	for i, it := range n.Content {
		items[i] = resolve(it)
	}
	return items, true
}

// enum reads one of the allowed words; absent gives the first.
func (o object) enum(key string, allowed ...string) string {
	s, n := o.str(key)
	if n == nil {
		return allowed[0]
	}
	if !slices.Contains(allowed, s) {
		o.ps.add(n.Line, join(o.path, key), "want %s, got %q", choice(allowed), s)
		return allowed[0]
	}
	return s
}

// time reads a required "YYYY-MM-DD HH:MM" in the plan's zone.
func (o object) time(key string) (time.Time, *yaml.Node) {
	s, n := o.requiredStr(key)
	if n == nil {
		return time.Time{}, nil
	}
	t, err := time.ParseInLocation(timeLayout, s, o.ps.loc)
	if err != nil {
		o.ps.add(n.Line, join(o.path, key), "bad time %q: want YYYY-MM-DD HH:MM", s)
		return time.Time{}, nil
	}
	// A year like 0217 is a typo; it would also be taken for "not set" (the
	// zero time is in year 1) and cannot be stored as JSON beyond year 9999.
	if y := t.Year(); y < minYear || y > maxYear {
		o.ps.add(n.Line, join(o.path, key), "year %d out of range %d to %d", y, minYear, maxYear)
		return time.Time{}, nil
	}
	return t, n
}

// window reads {opens, closes}.
func (o object) window(key string, required bool) (Window, bool) {
	var n *yaml.Node
	if required {
		n = o.required(key)
	} else {
		n = o.get(key)
	}
	if n == nil {
		return Window{}, false
	}
	path := join(o.path, key)
	w, ok := o.ps.object(n, path, "opens", "closes")
	if !ok {
		return Window{}, true
	}
	opens, on := w.time("opens")
	closes, cn := w.time("closes")
	if on != nil && cn != nil {
		switch {
		case closes.Before(opens):
			o.ps.add(cn.Line, join(path, "closes"), "before opens")
		case closes.Equal(opens):
			o.ps.add(cn.Line, join(path, "closes"), "same as opens")
		}
	}
	return Window{Opens: opens, Closes: closes}, true
}

// plan interprets the root mapping.
func (ps *parser) plan(root *yaml.Node) *Plan {
	top, _ := ps.object(root, "", "name", "timezone", "quiet_hours", "digest_at", "groups",
		"sessions", "deadlines", "reminders", "contest", "scoring", "certificate", "roster")
	p := &Plan{}
	// The zone comes first wherever it stands in the file: every time is read in it.
	p.Timezone, p.Location = ps.timezone(top)
	ps.loc = p.Location

	p.Name, _ = top.requiredStr("name")
	if s, n := top.str("quiet_hours"); n != nil {
		if r, err := ParseClockRange(s); err != nil {
			ps.addErr(n.Line, "quiet_hours", err)
		} else {
			p.QuietHours = &r
		}
	}
	p.DigestAt = &Clock{Hour: 7, Minute: 30}
	if s, n := top.str("digest_at"); n != nil {
		if c, err := ParseClock(s); err != nil {
			ps.addErr(n.Line, "digest_at", err)
		} else {
			p.DigestAt = &c
		}
	}
	p.Groups, p.Enterprises = ps.groups(top)
	ps.ids = map[string]int{}
	p.Sessions = ps.sessions(top)
	p.Deadlines = ps.deadlines(top, p.Groups)
	p.Reminders = ps.reminders(top)
	p.Contest = ps.contest(top)
	p.Scoring = ps.scoring(top)
	p.Certificate = ps.certificate(top)
	p.Roster = ps.roster(top, p)
	return p
}

func (ps *parser) timezone(top object) (string, *time.Location) {
	name, n := top.str("timezone")
	if n == nil || name == "" {
		name = DefaultTimezone
	}
	// "Local" would make the plan mean different times on different machines.
	if name == "Local" {
		ps.add(n.Line, "timezone", `"Local" depends on the machine: name a zone such as %q`, DefaultTimezone)
		return name, time.UTC
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		line := 0
		if n != nil {
			line = n.Line
		}
		ps.add(line, "timezone", "unknown time zone %q", name)
		// Go on in UTC so that the times are still checked for form and order.
		return name, time.UTC
	}
	return name, loc
}

// names reads a list of non-empty, distinct texts (groups, categories).
func (ps *parser) names(o object, key, what string) []string {
	items, ok := o.list(key)
	if !ok {
		return nil
	}
	path := join(o.path, key)
	seen := map[string]int{}
	out := make([]string, 0, len(items))
	for i, it := range items {
		s, n := ps.text(it, index(path, i))
		if n == nil {
			continue
		}
		if s == "" {
			ps.add(n.Line, index(path, i), "empty %s name", word(what))
			continue
		}
		if first, dup := seen[s]; dup {
			ps.add(n.Line, index(path, i), "duplicate %s %q (first at %s)", word(what), s, ps.at(first))
			continue
		}
		seen[s] = n.Line
		out = append(out, s)
	}
	return out
}

// id reads the id of a session or deadline and claims it in the namespace
// both share.
func (o object) id() string {
	s, n := o.requiredStr("id")
	if n == nil {
		return ""
	}
	path := join(o.path, "id")
	if !validID(s) {
		o.ps.add(n.Line, path, "bad id %q: want 1 to 32 of A-Z a-z 0-9 _ -", s)
		return s
	}
	if first, dup := o.ps.ids[s]; dup {
		o.ps.add(n.Line, path, "duplicate id %q (first at %s)", s, o.ps.at(first))
		return s
	}
	o.ps.ids[s] = n.Line
	return s
}

// validID keeps ids short and plain: they travel inside button data, which
// Telegram limits to 64 bytes.
func validID(s string) bool {
	if len(s) < 1 || len(s) > 32 {
		return false
	}
	for _, r := range s {
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z', '0' <= r && r <= '9', r == '_', r == '-':
		default:
			return false
		}
	}
	return true
}

func (ps *parser) sessions(top object) []Session {
	items, ok := top.list("sessions")
	if !ok {
		return nil
	}
	out := make([]Session, 0, len(items))
	for i, it := range items {
		o, ok := ps.object(it, index("sessions", i), "id", "phase", "title", "starts", "ends", "place")
		if !ok {
			continue
		}
		s := Session{ID: o.id()}
		if v, ok := o.integer("phase"); ok {
			if v < 0 {
				ps.add(o.vals["phase"].Line, join(o.path, "phase"), "want 0 or more, got %d", v)
			}
			s.Phase = v
		}
		s.Title, _ = o.requiredStr("title")
		s.Place, _ = o.str("place")
		var sn, en *yaml.Node
		s.Starts, sn = o.time("starts")
		s.Ends, en = o.time("ends")
		if sn != nil && en != nil {
			switch {
			case s.Ends.Before(s.Starts):
				ps.add(en.Line, join(o.path, "ends"), "before starts")
			case s.Ends.Equal(s.Starts):
				ps.add(en.Line, join(o.path, "ends"), "same as starts")
			}
		}
		out = append(out, s)
	}
	return out
}

func (ps *parser) deadlines(top object, groups []string) []Deadline {
	items, ok := top.list("deadlines")
	if !ok {
		return nil
	}
	out := make([]Deadline, 0, len(items))
	for i, it := range items {
		o, ok := ps.object(it, index("deadlines", i), "id", "title", "due", "kind", "group")
		if !ok {
			continue
		}
		d := Deadline{ID: o.id()}
		d.Title, _ = o.requiredStr("title")
		d.Due, _ = o.time("due")
		var kn *yaml.Node
		if d.Kind, kn = o.str("kind"); kn != nil && d.Kind != "" && !slices.Contains(Kinds, d.Kind) {
			ps.add(kn.Line, join(o.path, "kind"), "unknown deadline kind %q: want %s", d.Kind, choice(Kinds))
		}
		var gn *yaml.Node
		if d.Group, gn = o.str("group"); gn != nil && d.Group != "" && !slices.Contains(groups, d.Group) {
			ps.add(gn.Line, join(o.path, "group"), "unknown group %q: not among the groups", d.Group)
		}
		out = append(out, d)
	}
	return out
}

func (ps *parser) reminders(top object) Reminders {
	r := DefaultReminders()
	n := top.get("reminders")
	if n == nil {
		return r
	}
	o, ok := ps.object(n, "reminders", "sessions", "deadlines")
	if !ok {
		return r
	}
	if d, ok := o.durations("sessions"); ok {
		r.Sessions = d
	}
	if d, ok := o.durations("deadlines"); ok {
		r.Deadlines = d
	}
	return r
}

// durations reads a list of reminder leads, longest first.
func (o object) durations(key string) ([]time.Duration, bool) {
	items, ok := o.list(key)
	if !ok {
		return nil, false
	}
	path := join(o.path, key)
	seen := map[time.Duration]int{}
	out := make([]time.Duration, 0, len(items))
	for i, it := range items {
		s, n := o.ps.text(it, index(path, i))
		if n == nil {
			continue
		}
		d, err := parseDuration(s)
		if err != nil {
			o.ps.addErr(n.Line, index(path, i), err)
			continue
		}
		if first, dup := seen[d]; dup {
			o.ps.add(n.Line, index(path, i), "duplicate %s (same as %s)", s, index(path, first))
			continue
		}
		seen[d] = i
		out = append(out, d)
	}
	slices.SortFunc(out, func(a, b time.Duration) int { return cmp.Compare(b, a) })
	return out, true
}

// parseDuration reads a whole number of minutes, hours or days ("90m", "1h",
// "7d"). time.ParseDuration is not used: it has no days, and it accepts forms
// ("1h30m", "-1h", "1.5h") that organisers would not all read the same way.
func parseDuration(s string) (time.Duration, error) {
	bad := badf("bad duration %q: want a whole number and m, h or d, such as 90m, 1h or 7d", s)
	if len(s) < 2 {
		return 0, bad
	}
	var unit time.Duration
	switch s[len(s)-1] {
	case 'm':
		unit = time.Minute
	case 'h':
		unit = time.Hour
	case 'd':
		unit = 24 * time.Hour
	default:
		return 0, bad
	}
	n, err := digits(s[:len(s)-1])
	if err != nil {
		return 0, bad
	}
	if n == 0 {
		return 0, badf("duration %q: want more than zero", s)
	}
	if n > int(maxDuration/unit) {
		return 0, badf("duration %q: want at most 365d", s)
	}
	return time.Duration(n) * unit, nil
}

func (ps *parser) contest(top object) *Contest {
	n := top.get("contest")
	if n == nil {
		return nil
	}
	o, ok := ps.object(n, "contest", "submissions", "voting", "prizes", "moderation",
		"max_photos_per_member", "votes_per_voter", "lecturer_weight", "totals", "show_group", "categories")
	if !ok {
		return nil
	}
	c := &Contest{LecturerWeight: 1}
	c.Submissions, _ = o.window("submissions", true)
	var voting bool
	c.Voting, voting = o.window("voting", false)
	if voting && !c.Voting.Opens.IsZero() && c.Voting.Opens.Before(c.Submissions.Closes) {
		// Voters would see photos still coming in, and authors could
		// withdraw photos already voted for.
		o.ps.add(o.vals["voting"].Line, "contest.voting.opens", "before submissions close (%s)",
			c.Submissions.Closes.Format("2006-01-02 15:04"))
	}
	c.Prizes = o.count("prizes")
	c.Moderation, _ = o.boolean("moderation")
	c.MaxPhotosPerMember = o.count("max_photos_per_member")
	c.VotesPerVoter = o.count("votes_per_voter")
	if v, ok := o.number("lecturer_weight"); ok {
		if v <= 0 {
			ps.add(o.vals["lecturer_weight"].Line, "contest.lecturer_weight", "want more than zero, got %v", v)
		}
		c.LecturerWeight = v
	}
	c.Totals = o.enum("totals", Hidden, Live)
	c.ShowGroup, _ = o.boolean("show_group")
	c.Categories = ps.names(o, "categories", "category")
	if voting {
		// Voters pick the best photo of each category; without categories
		// there is nothing to vote in.
		if o.get("categories") == nil {
			o.required("categories")
		} else if n := o.vals["categories"]; n.Kind == yaml.SequenceNode && len(n.Content) == 0 {
			ps.add(o.vals["categories"].Line, "contest.categories", "want at least one category")
		}
	}
	return c
}

// count reads a whole number that must not be negative.
func (o object) count(key string) int {
	v, ok := o.integer(key)
	if ok && v < 0 {
		o.ps.add(o.vals[key].Line, join(o.path, key), "want 0 or more, got %d", v)
	}
	return v
}

func (ps *parser) scoring(top object) *Scoring {
	n := top.get("scoring")
	if n == nil {
		return nil
	}
	o, ok := ps.object(n, "scoring", "window", "criteria", "weights", "ranking")
	if !ok {
		return nil
	}
	s := &Scoring{Weights: Weights{Lecturer: 0.5, Trainee: 0.5}}
	s.Window, _ = o.window("window", true)
	if o.required("criteria") != nil {
		s.Criteria = ps.criteria(o)
	}
	if wn := o.get("weights"); wn != nil {
		before := len(ps.probs)
		if w, ok := ps.object(wn, "scoring.weights", "lecturer", "trainee"); ok {
			s.Weights = Weights{Lecturer: w.weight("lecturer"), Trainee: w.weight("trainee")}
			// Both zero would rank every report equal; say so unless a
			// weight was already refused for another reason.
			if s.Weights == (Weights{}) && len(ps.probs) == before {
				ps.add(wn.Line, "scoring.weights", "lecturer and trainee are both zero")
			}
		}
	}
	s.Ranking = o.enum("ranking", Hidden, Live)
	return s
}

func (o object) weight(key string) float64 {
	v, ok := o.number(key)
	if ok && v < 0 {
		o.ps.add(o.vals[key].Line, join(o.path, key), "want 0 or more, got %v", v)
	}
	return v
}

func (ps *parser) criteria(o object) []Criterion {
	items, ok := o.list("criteria")
	if !ok {
		return nil
	}
	if len(items) == 0 {
		ps.add(o.vals["criteria"].Line, "scoring.criteria", "want at least one criterion")
		return nil
	}
	seen := map[string]int{}
	out := make([]Criterion, 0, len(items))
	for i, it := range items {
		c, ok := ps.object(it, index("scoring.criteria", i), "name", "max")
		if !ok {
			continue
		}
		var cr Criterion
		var nn *yaml.Node
		cr.Name, nn = c.requiredStr("name")
		if nn != nil {
			if first, dup := seen[cr.Name]; dup {
				ps.add(nn.Line, join(c.path, "name"), "duplicate criterion %q (first at %s)", cr.Name, ps.at(first))
			} else {
				seen[cr.Name] = nn.Line
			}
		}
		if c.required("max") != nil {
			if v, ok := c.integer("max"); ok {
				if v <= 0 {
					ps.add(c.vals["max"].Line, join(c.path, "max"), "want more than zero, got %d", v)
				}
				cr.Max = v
			}
		}
		out = append(out, cr)
	}
	return out
}

func (ps *parser) certificate(top object) *Certificate {
	n := top.get("certificate")
	if n == nil {
		return nil
	}
	o, ok := ps.object(n, "certificate", "requires", "issuer")
	if !ok {
		return nil
	}
	c := &Certificate{}
	// The issuer is printed on every certificate.
	c.Issuer, _ = o.requiredStr("issuer")
	if rn := o.get("requires"); rn != nil {
		if r, ok := ps.object(rn, "certificate.requires", "attendance", "report"); ok {
			if v, ok := r.number("attendance"); ok {
				if v < 0 || v > 1 {
					ps.add(r.vals["attendance"].Line, "certificate.requires.attendance", "want a share from 0 to 1, got %v", v)
				}
				c.Requires.Attendance = v
			}
			c.Requires.Report, _ = r.boolean("report")
		}
	}
	return c
}

// groups reads the groups: each a name, or {name, enterprise} for a group
// that assesses a known enterprise.
func (ps *parser) groups(top object) ([]string, map[string]string) {
	items, ok := top.list("groups")
	if !ok {
		return nil, nil
	}
	seen := map[string]int{}
	var enterprises map[string]string
	out := make([]string, 0, len(items))
	for i, it := range items {
		path := index("groups", i)
		var name, enterprise string
		var n *yaml.Node
		if it.Kind == yaml.MappingNode {
			o, _ := ps.object(it, path, "name", "enterprise")
			if name, n = o.requiredStr("name"); n == nil {
				continue
			}
			enterprise, _ = o.str("enterprise")
		} else if name, n = ps.text(it, path); n == nil {
			continue
		}
		if name == "" {
			ps.add(n.Line, path, "empty %s name", word("group"))
			continue
		}
		if first, dup := seen[name]; dup {
			ps.add(n.Line, path, "duplicate %s %q (first at %s)", word("group"), name, ps.at(first))
			continue
		}
		seen[name] = n.Line
		out = append(out, name)
		if enterprise != "" {
			if enterprises == nil {
				enterprises = map[string]string{}
			}
			enterprises[name] = enterprise
		}
	}
	return out, enterprises
}

// MaxRoster bounds the roster: a course is a few hundred people, and a
// bigger list is a mistake (or an attack) that would slow every join.
const MaxRoster = 5000

// roster reads the people expected on the course.
func (ps *parser) roster(top object, p *Plan) []Person {
	items, ok := top.list("roster")
	if !ok {
		return nil
	}
	if len(items) > MaxRoster {
		ps.add(top.vals["roster"].Line, "roster", "%d people: at most %d", len(items), MaxRoster)
		return nil
	}
	seen := map[string]int{} // group and folded name → line
	out := make([]Person, 0, len(items))
	for i, it := range items {
		o, ok := ps.object(it, index("roster", i), "name", "org", "group", "role", "contact")
		if !ok {
			continue
		}
		var pr Person
		var nn *yaml.Node
		pr.Name, nn = o.requiredStr("name")
		pr.Name = strings.Join(strings.Fields(pr.Name), " ")
		pr.Org, _ = o.str("org")
		pr.Contact, _ = o.str("contact")
		pr.Role = Trainee
		if r, rn := o.str("role"); rn != nil && r != "" {
			if !slices.Contains([]string{Trainee, Lecturer, Organiser}, r) {
				ps.add(rn.Line, join(o.path, "role"), "unknown role %q: want %s", r, choice{Trainee, Lecturer, Organiser})
			}
			pr.Role = r
		}
		g, gn := o.str("group")
		switch {
		case g != "" && pr.Role != Trainee:
			ps.add(gn.Line, join(o.path, "group"), "only trainees have a group")
		case g != "" && !p.HasGroup(g):
			ps.add(gn.Line, join(o.path, "group"), "unknown group %q: not among the groups", g)
		case g == "" && pr.Role == Trainee && len(p.Groups) > 0:
			o.required("group")
		}
		pr.Group = g
		if nn != nil {
			// Two people of one name in one group could not tell which
			// row is theirs when they pick it: refuse rather than guess.
			k := pr.Group + "\x00" + strings.ToLower(pr.Name)
			if at, dup := seen[k]; dup {
				if pr.Group == "" {
					ps.add(nn.Line, join(o.path, "name"), "duplicate name %q (first at %s)", pr.Name, ps.at(at))
				} else {
					ps.add(nn.Line, join(o.path, "name"), "duplicate name %q in group %q (first at %s)", pr.Name, pr.Group, ps.at(at))
				}
			} else {
				seen[k] = nn.Line
			}
		}
		out = append(out, pr)
	}
	return out
}
