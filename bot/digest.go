package bot

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Digest writes the organisers' daily digest of a cohort: members and
// what is new since the last one, undelivered messages, what comes next.
// Each feature adds its line (Feature.Digest).
func (b *Bot) Digest(ctx context.Context, c *Cohort, since, now time.Time) error {
	c, err := b.Dated(ctx, c)
	if err != nil {
		return err
	}
	members, err := b.store.Members(ctx, c.ID)
	if err != nil {
		return fmt.Errorf("digest members: %w", err)
	}
	var organisers []*Member
	counts := map[Role]int{}
	var newNames []string
	unfinished := 0
	for _, m := range members {
		counts[m.Role]++
		if m.Role == Organiser && m.Registered {
			organisers = append(organisers, m)
		}
		if !m.Registered {
			unfinished++
		} else if !m.Joined.Before(since) {
			newNames = append(newNames, m.Name)
		}
	}
	if len(organisers) == 0 {
		return nil
	}
	undelivered, err := b.store.Undelivered(ctx, c.ID, since)
	if err != nil {
		return fmt.Errorf("digest undelivered: %w", err)
	}
	langs, err := b.Langs(ctx, organisers)
	if err != nil {
		return err
	}
	p := c.Plan
	local := now.In(p.Location)
	var jobs []Job
	for _, o := range organisers {
		l := langs[o.User]
		lines := []string{
			Text(l, "digest.title", c.Name, FormatDate(local, l)),
			Text(l, "digest.members", len(members), counts[Trainee], counts[Lecturer], counts[Organiser]),
		}
		if len(newNames) > 0 {
			lines = append(lines, Text(l, "digest.new", len(newNames), strings.Join(newNames, ", ")))
		} else {
			lines = append(lines, Text(l, "digest.no_new"))
		}
		if unfinished > 0 {
			lines = append(lines, Text(l, "digest.unfinished", unfinished))
		}
		lines = append(lines, Text(l, "digest.undelivered", undelivered))
		for _, part := range b.digestParts {
			line, err := part(ctx, c, since, now, l)
			if err != nil {
				return err
			}
			if line != "" {
				lines = append(lines, line)
			}
		}
		jobs = append(jobs, Job{ID: string(o.User), User: o.User, Msg: Message{Chat: o.User.PrivateChat(), Text: strings.Join(lines, "\n")}})
	}
	id := "digest:" + c.ID + ":" + local.Format("20060102")
	return b.Deliver(ctx, Batch{ID: id, Cohort: c.ID, Kind: "digest", Title: "digest"}, jobs)
}
