package main

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/console"
	"github.com/cohortbot/cohortbot/internal/embedded"
	"github.com/cohortbot/cohortbot/store"
)

// console chats with the bot in the terminal, on an embedded in-memory
// Redis (miniredis) with the demo cohort, or on REDIS_URL when set.
func (a *App) console(ctx context.Context, cfg Config, args []string, log *slog.Logger) error {
	if len(args) > 0 {
		return badUsage("usage: cohortbot console")
	}
	var st *store.Store
	var tick func(time.Duration)
	if cfg.HasRedis() {
		var err error
		if st, err = openStore(ctx, cfg); err != nil {
			return err
		}
	} else {
		mr, err := embedded.Start(a.Clock())
		if err != nil {
			return err
		}
		defer mr.Close()
		// miniredis does not count TTLs down by itself.
		tick = mr.FastForward
		st = store.New(redis.NewClient(&redis.Options{Addr: mr.Addr()}))
	}
	defer st.Close()

	demo, err := console.CreateDemo(ctx, st, a.Clock())
	if err != nil {
		return err
	}
	if err := seedDemoAttendance(ctx, st, demo, a.Clock()); err != nil {
		return err
	}
	con := &console.Console{
		Out: a.Stdout, Members: st, Cohort: demo.Cohort.ID, Groups: demo.Cohort.Plan.Groups, Clock: a.Clock, Tick: tick,
		Files: filepath.Join(cmp.Or(a.Getenv("TMPDIR"), os.TempDir()), "cohortbot-console"),
	}
	// The console's own log lines would interleave with the chat: only
	// warnings and errors are shown.
	quiet := slog.New(slog.NewTextHandler(a.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	_ = log
	// One person at the keyboard, who may pipe a script in: no flood limit.
	b := bot.New(bot.Config{Admins: map[bot.UserKey]bool{"console:admin": true}, FloodLimit: -1}, st, con.Sender(), features(st).All,
		bot.WithLogger(quiet), bot.WithClock(a.Clock))
	a.banner(demo)
	return con.Run(ctx, a.Stdin, b)
}

// seedDemoAttendance marks the demo trainee Lê Thị Lan ("lan") present at
// every session that has ended, as the organiser would have, so that she
// qualifies for the certificate (/certificate) and Phạm Văn Hải ("hai")
// does not.
func seedDemoAttendance(ctx context.Context, st *store.Store, d *console.Demo, now time.Time) error {
	for _, s := range d.Cohort.Plan.Sessions {
		if s.Ends.After(now) {
			continue
		}
		if _, err := st.Mark(ctx, d.Cohort.ID, s.ID, bot.NewUserKey(bot.Console, "lan"), bot.NewUserKey(bot.Console, "btc"), true, now); err != nil {
			return fmt.Errorf("demo attendance: %w", err)
		}
	}
	return nil
}

func (a *App) banner(d *console.Demo) {
	out := a.Stdout
	fmt.Fprintf(out, "cohortbot console — khóa demo «%s» (mã %s)\n\n", d.Cohort.Name, d.Cohort.ID)
	fmt.Fprintf(out, "Mã mời: học viên %s · giảng viên %s · ban tổ chức %s\n",
		d.Invites[bot.Trainee].Code, d.Invites[bot.Lecturer].Code, d.Invites[bot.Organiser].Code)
	fmt.Fprintf(out, "Bạn đang là một người mới. Gõ /start %s để đăng ký làm học viên.\n\n", d.Invites[bot.Trainee].Code)
	fmt.Fprintln(out, "Người có sẵn (gõ /as TÊN để đổi người):")
	for _, m := range d.Members {
		fmt.Fprintf(out, "  /as %-4s %s, %s", m.Handle, m.Name, bot.Text(bot.VI, "role."+string(m.Role)))
		if m.Group != "" {
			fmt.Fprintf(out, ", nhóm %s", m.Group)
		}
		fmt.Fprintln(out)
	}
	fmt.Fprintln(out, "\nCú pháp: dòng thường là tin nhắn; /press N bấm nút số N; /as TÊN [trainee|lecturer|organiser];")
	fmt.Fprintln(out, "/photo ĐƯỜNG_DẪN [chú thích]; /doc ĐƯỜNG_DẪN; /quit để thoát.")
	fmt.Fprintln(out, "Thử điểm danh: /as btc rồi /checkincode, sau đó /as hai rồi /checkin MÃ.")
	fmt.Fprintln(out, "Thử giấy chứng nhận: /as lan rồi /certificate (tệp PDF được ghi ra đĩa, bot in đường dẫn).")
	fmt.Fprintln(out)
}
