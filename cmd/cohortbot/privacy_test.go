package main

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/contest"
)

// traces lists every key of the store that names the user (by account or
// by name), in its name or in what it holds, apart from the keys allowed:
// those expiring within a day (an update's dedupe marker, the flood
// window), and those allowed by name.
func (e *env) traces(id int64, name string, allowed ...string) []string {
	e.t.Helper()
	ctx := context.Background()
	rdb := e.redis.Client()
	account := string(key(id))
	var out []string
	iter := rdb.Scan(ctx, 0, "*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		if ttl, err := rdb.TTL(ctx, k).Result(); err == nil && ttl > 0 && ttl <= 24*time.Hour {
			continue
		}
		if allow(k, allowed) {
			continue
		}
		if strings.Contains(k, account) {
			out = append(out, "key "+k)
			continue
		}
		for _, v := range keyValues(e, k) {
			if strings.Contains(v, account) || strings.Contains(v, name) {
				out = append(out, fmt.Sprintf("%s holds %q", k, truncateForLog(v)))
				break
			}
		}
	}
	if err := iter.Err(); err != nil {
		e.t.Fatal(err)
	}
	return out
}

func allow(k string, allowed []string) bool {
	for _, a := range allowed {
		if strings.HasSuffix(k, a) {
			return true
		}
	}
	return false
}

// keyValues returns every field, member and value of a key.
func keyValues(e *env, k string) []string {
	ctx := context.Background()
	rdb := e.redis.Client()
	var out []string
	switch rdb.Type(ctx, k).Val() {
	case "string":
		out = append(out, rdb.Get(ctx, k).Val())
	case "hash":
		for f, v := range rdb.HGetAll(ctx, k).Val() {
			out = append(out, f, v)
		}
	case "set":
		out = rdb.SMembers(ctx, k).Val()
	case "zset":
		out = rdb.ZRange(ctx, k, 0, -1).Val()
	case "list":
		out = rdb.LRange(ctx, k, 0, -1).Val()
	case "stream":
		for _, m := range rdb.XRange(ctx, k, "-", "+").Val() {
			for f, v := range m.Values {
				out = append(out, f, fmt.Sprint(v))
			}
		}
	}
	return out
}

// TestNothingKeptWithoutConsent: someone who opens the invite and does
// not agree to the privacy notice leaves nothing behind but what expires
// within a day, and is not a member.
func TestNothingKeptWithoutConsent(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	c := e.createCohort(samplePlan)
	e.serve()
	x := e.person(7203, "Xuân", "Vũ Thị", "vi")
	seen := 0
	x.say("/start " + c.Invites.Trainee)
	notice := x.reply(&seen, "Nghị định 356/2025/NĐ-CP")
	x.press(e.messageID(x.user.ID, notice), "cs:n:")
	x.reply(&seen, tx(bot.VI, "start.declined"))
	e.notMember(c.ID, x.user.ID)
	if got := e.traces(x.user.ID, "Vũ Thị Xuân"); len(got) > 0 {
		t.Errorf("declining the notice left:\n%s", strings.Join(got, "\n"))
	}
	// A forged «I agree» with a made-up code adds nobody.
	x.pressData("cs:y:NoSuchCode1:")
	x.reply(&seen, tx(bot.VI, "invite.unknown"))
	e.notMember(c.ID, x.user.ID)
}

// TestMyDataThenLeave: /mydata shows a trainee what the bot holds (the
// membership, the consent, their photo and their vote); /leave then
// deletes them everywhere: no key of the store names them any more
// except the former member's record (role and group, no name), and the
// audit still explains the tallies under a pseudonym nothing resolves.
func TestMyDataThenLeave(t *testing.T) {
	t.Parallel()
	r := newContestRig(t, hanoi(t, 2017, 10, 30, 9, 0)) // voting is open
	e := r.e
	hai := e.seed(r.c.ID, 7202, bot.Trainee, "Phạm Văn Hải", "Hải Phòng")
	e.serve()
	p := e.person(7201, "Rời", "Trần Văn", "vi")
	seen := 0
	p.register(&seen, r.c.Invites.Trainee, "Trần Văn Rời", 1) // Lạng Sơn
	mine := e.seedEntry(r.c.ID, p, entrySeed{file: "nt-p", caption: "Khói thải", category: "Chất thải", status: contest.EntryApproved})
	theirs := e.seedEntry(r.c.ID, hai, entrySeed{file: "nt-h", caption: "Van rò rỉ", category: "Nước", status: contest.EntryApproved})
	e.seedVote(r.c.ID, p, theirs)
	e.seedVote(r.c.ID, hai, mine)

	p.say("/mydata")
	got := p.reply(&seen, tx(bot.VI, "mydata.title")).Params["text"]
	for _, want := range []string{
		"telegram:7201", "Trần Văn Rời", "Lạng Sơn", tx(bot.VI, "role.trainee"),
		strings.Split(tx(bot.VI, "mydata.consent", ""), ":")[0],
		tx(bot.VI, "contest.mydata.entry", mine, tx(bot.VI, "contest.ph.status.approved")),
		tx(bot.VI, "contest.mydata.votes", fmt.Sprint(theirs)),
	} {
		if !strings.Contains(got, want) {
			t.Errorf("/mydata lacks %q:\n%s", want, got)
		}
	}
	if strings.Contains(got, "Phạm Văn Hải") || strings.Contains(got, "telegram:7202") {
		t.Errorf("/mydata names another member:\n%s", got)
	}

	p.leave(&seen)
	e.notMember(r.c.ID, p.user.ID)
	if got := e.traces(p.user.ID, "Trần Văn Rời", "{c:"+r.c.ID+"}:past"); len(got) > 0 {
		t.Errorf("after /leave the store still names the person:\n%s", strings.Join(got, "\n"))
	}
	past, err := e.store().Past(context.Background(), r.c.ID, key(p.user.ID))
	if err != nil || past == nil || past.Group != "Lạng Sơn" {
		t.Errorf("former member's record = %+v, %v; want the group kept", past, err)
	}
	audit, err := e.store().ContestAudit(context.Background(), r.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	lines := 0
	for _, a := range audit {
		if a.User == key(p.user.ID) {
			t.Errorf("audit line %+v still names the person", a)
		}
		if a.Who != "" && a.User == "" {
			lines++
		}
	}
	// Their vote and its withdrawal, their entry's submission and
	// withdrawal: each change of a tally is still explained.
	if lines < 4 {
		t.Errorf("%d audit lines under a forgotten pseudonym, want at least 4:\n%+v", lines, audit)
	}
	if tl := e.snapshot(r.c.ID).Tally[theirs]; tl.Votes != 0 {
		t.Errorf("the leaver's vote still counts: %+v", tl)
	}

	p.say("/mydata")
	if got := p.reply(&seen, "").Params["text"]; got != tx(bot.VI, "mydata.nothing") {
		t.Errorf("/mydata after leaving: %q", got)
	}
}
