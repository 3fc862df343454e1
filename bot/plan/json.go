package plan

import (
	"encoding/json"
	"fmt"
	"time"
)

// MarshalJSON writes the plan's stored form: the fields under their YAML
// names, times in RFC 3339 with their offset, durations in nanoseconds, and
// the zone by its name only. It has a value receiver so that a Plan marshals
// the same whether or not it is addressable.
func (p Plan) MarshalJSON() ([]byte, error) {
	// bare has Plan's fields without its methods, so that encoding/json does
	// not call back here.
	type bare Plan
	b, err := json.Marshal(bare(p))
	if err != nil {
		return nil, fmt.Errorf("encode plan: %w", err)
	}
	return b, nil
}

// UnmarshalJSON reads what MarshalJSON wrote. It reloads the zone and puts
// every time back into it, so that the result equals the plan that was
// written (offsets alone would lose the zone's rules).
func (p *Plan) UnmarshalJSON(data []byte) error {
	type bare Plan
	var b bare
	if err := json.Unmarshal(data, &b); err != nil {
		return fmt.Errorf("decode plan: %w", err)
	}
	q := Plan(b)
	name := q.Timezone
	if name == "" {
		name = DefaultTimezone
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return fmt.Errorf("decode plan: %w", err)
	}
	q.Location = loc
	q.eachTime(func(t *time.Time) { *t = t.In(loc) })
	*p = q
	return nil
}
