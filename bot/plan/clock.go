package plan

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Clock is a time of day, without a date or a zone.
type Clock struct{ Hour, Minute int }

// ParseClock reads "HH:MM" (24-hour; a one-digit hour is accepted).
func ParseClock(s string) (Clock, error) {
	h, m, ok := strings.Cut(s, ":")
	if !ok || len(h) < 1 || len(h) > 2 || len(m) != 2 {
		return Clock{}, badf("bad clock %q: want HH:MM", s)
	}
	hour, err1 := digits(h)
	minute, err2 := digits(m)
	if err1 != nil || err2 != nil || hour > 23 || minute > 59 {
		return Clock{}, badf("bad clock %q: want HH:MM", s)
	}
	return Clock{Hour: hour, Minute: minute}, nil
}

// digits is strconv.Atoi without the signs it accepts.
func digits(s string) (int, error) {
	for _, r := range s {
		if r < '0' || r > '9' {
			return 0, strconv.ErrSyntax
		}
	}
	return strconv.Atoi(s)
}

// String returns "HH:MM".
func (c Clock) String() string { return fmt.Sprintf("%02d:%02d", c.Hour, c.Minute) }

// MarshalText makes a Clock "HH:MM" in JSON.
func (c Clock) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (c *Clock) UnmarshalText(b []byte) error {
	v, err := ParseClock(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// seconds is the clock's offset into a day.
func (c Clock) seconds() int { return c.Hour*3600 + c.Minute*60 }

// next returns the first instant at or after t at which t's location shows c.
func (c Clock) next(t time.Time) time.Time {
	y, m, d := t.Date()
	for i := 0; ; i++ {
		at := time.Date(y, m, d+i, c.Hour, c.Minute, 0, 0, t.Location())
		// A day on which a zone skips c (a DST gap) yields an instant on the
		// wrong side of t at worst; the loop then takes the next day.
		if !at.Before(t) {
			return at
		}
	}
}

// ClockRange is a daily span of time, such as quiet hours. From is inside the
// range and To is not; when To is earlier than From the range wraps over
// midnight ("21:30-06:30").
type ClockRange struct{ From, To Clock }

// ParseClockRange reads "HH:MM-HH:MM". A range that starts where it ends is
// refused: it is unclear whether it means nothing or the whole day.
func ParseClockRange(s string) (ClockRange, error) {
	from, to, ok := strings.Cut(s, "-")
	if !ok {
		return ClockRange{}, badf("bad clock range %q: want HH:MM-HH:MM", s)
	}
	f, err1 := ParseClock(strings.TrimSpace(from))
	t, err2 := ParseClock(strings.TrimSpace(to))
	if err1 != nil || err2 != nil {
		return ClockRange{}, badf("bad clock range %q: want HH:MM-HH:MM", s)
	}
	if f == t {
		return ClockRange{}, badf("clock range %q starts where it ends", s)
	}
	return ClockRange{From: f, To: t}, nil
}

// String returns "HH:MM-HH:MM".
func (r ClockRange) String() string { return r.From.String() + "-" + r.To.String() }

// MarshalText makes a ClockRange "HH:MM-HH:MM" in JSON.
func (r ClockRange) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText reads what MarshalText wrote.
func (r *ClockRange) UnmarshalText(b []byte) error {
	v, err := ParseClockRange(string(b))
	if err != nil {
		return err
	}
	*r = v
	return nil
}

// Contains reports whether t's clock, in t's location, falls in the range.
// Pass t.In(plan.Location) to ask about the plan's zone.
func (r ClockRange) Contains(t time.Time) bool {
	s := t.Hour()*3600 + t.Minute()*60 + t.Second()
	from, to := r.From.seconds(), r.To.seconds()
	if from < to {
		return from <= s && s < to
	}
	return s >= from || s < to
}

// End returns the first instant at or after t, in t's location, at which the
// range ends: the end of the current span when t is inside it, else the end
// of the next one.
func (r ClockRange) End(t time.Time) time.Time { return r.To.next(t) }

// Start returns the first instant at or after t, in t's location, at which
// the range begins.
func (r ClockRange) Start(t time.Time) time.Time { return r.From.next(t) }
