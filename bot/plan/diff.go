package plan

import (
	"fmt"
	"strings"
	"time"
)

// Changes is what plan apply changed, by session and deadline id.
type Changes struct {
	Added   []string // ids new in the plan
	Moved   []string // ids whose time changed
	Removed []string // ids no longer in the plan
	Edited  []string // ids whose title, place or kind changed but not the time
}

// Diff compares two plans item by item, matching on id.
func Diff(old, new *Plan) Changes {
	type item struct {
		at   []time.Time
		text string
	}
	index := func(p *Plan) (map[string]item, []string) {
		m := map[string]item{}
		var order []string
		if p == nil {
			return m, nil
		}
		for _, s := range p.Sessions {
			m[s.ID] = item{[]time.Time{s.Starts, s.Ends}, s.Title + "\x00" + s.Place + fmt.Sprint(s.Phase)}
			order = append(order, s.ID)
		}
		for _, d := range p.Deadlines {
			m[d.ID] = item{[]time.Time{d.Due}, d.Title + "\x00" + d.Kind + "\x00" + d.Group}
			order = append(order, d.ID)
		}
		return m, order
	}
	before, oldOrder := index(old)
	after, newOrder := index(new)
	var c Changes
	for _, id := range newOrder {
		o, ok := before[id]
		n := after[id]
		switch {
		case !ok:
			c.Added = append(c.Added, id)
		case !sameTimes(o.at, n.at):
			c.Moved = append(c.Moved, id)
		case o.text != n.text:
			c.Edited = append(c.Edited, id)
		}
	}
	for _, id := range oldOrder {
		if _, ok := after[id]; !ok {
			c.Removed = append(c.Removed, id)
		}
	}
	return c
}

func sameTimes(a, b []time.Time) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if !a[i].Equal(b[i]) {
			return false
		}
	}
	return true
}

// String summarises the changes in one line.
func (c Changes) String() string {
	var parts []string
	add := func(label string, ids []string) {
		if len(ids) > 0 {
			parts = append(parts, fmt.Sprintf("%s %d (%s)", label, len(ids), strings.Join(ids, ", ")))
		}
	}
	add("added", c.Added)
	add("moved", c.Moved)
	add("edited", c.Edited)
	add("removed", c.Removed)
	if len(parts) == 0 {
		return "no session or deadline changed"
	}
	return strings.Join(parts, "; ")
}
