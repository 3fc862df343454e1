package main

import (
	"context"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/console"
)

// runConsole pipes a script into `cohortbot console` on the embedded store
// and returns what it printed.
func runConsole(t *testing.T, script string) string {
	t.Helper()
	var out, errs syncBuffer
	app := &App{Stdin: strings.NewReader(script), Stdout: &out, Stderr: &errs, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if code := app.Run(ctx, []string{"console"}); code != 0 {
		t.Fatalf("console exit %d\n%s", code, errs.String())
	}
	return out.String()
}

func TestConsoleScriptedConversation(t *testing.T) {
	t.Parallel()
	// Each run makes its own demo cohort, so the script reads the trainee
	// invite from the banner and is fed line by line as the bot answers.
	pr, pw := newPipe()
	var out syncBuffer
	app := &App{Stdin: pr, Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- app.Run(ctx, []string{"console"}) }()

	code := waitFor(t, &out, regexp.MustCompile(`Gõ /start (\S+) để đăng ký`))
	say := func(line, want string) {
		t.Helper()
		before := len(out.String())
		pw.write(line + "\n")
		waitForAfter(t, &out, before, want)
	}
	say("/start "+code, "Tôi đồng ý")
	say("/press 1", "họ và tên đầy đủ")
	say("/press 1", "Bạn công tác ở đơn vị nào")
	say("Sở Công Thương Lạng Sơn", "Bạn thuộc nhóm nào")
	say("/press 2", "Đăng ký xong")
	say("/schedule", "👉")
	say("/profile", "Sở Công Thương Lạng Sơn")
	say("/members", "chỉ dành cho Ban tổ chức")
	say("/as btc", "bây giờ bạn là btc")
	say("/members", "Thành viên khóa")
	say("/press 9", "không có nút số")
	say("/lang", "Choose your language")
	say("/press 2", "Switched to English")
	say("/nosuchcommand", "There is no /nosuchcommand command")
	pw.write("/quit\n")
	if got := <-done; got != 0 {
		t.Fatalf("console exit %d:\n%s", got, out.String())
	}
	if strings.Contains(out.String(), "⚠️  không có nút số \"1\"") {
		t.Errorf("a button press found no buttons:\n%s", out.String())
	}
}

func TestConsoleEndOfInput(t *testing.T) {
	t.Parallel()
	out := runConsole(t, "/help\n")
	if !strings.Contains(out, "Các lệnh bạn dùng được") {
		t.Errorf("no help in:\n%s", out)
	}
}

// waitFor waits until re matches the output and returns its first group.
func waitFor(t *testing.T, out *syncBuffer, re *regexp.Regexp) string {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if m := re.FindStringSubmatch(out.String()); m != nil {
			return m[1]
		}
		out.wait(100 * time.Millisecond)
	}
	t.Fatalf("%v never printed:\n%s", re, out.String())
	return ""
}

// waitForAfter waits until want appears after offset in the output.
func waitForAfter(t *testing.T, out *syncBuffer, offset int, want string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for time.Now().Before(deadline) {
		if strings.Contains(out.String()[offset:], want) {
			return
		}
		out.wait(100 * time.Millisecond)
	}
	t.Fatalf("%q never printed after offset %d:\n%s", want, offset, out.String()[offset:])
}

// TestConsoleScriptNoFloodLimit: a piped script is one person typing fast,
// not a flood: every line is answered (past 30 lines in 10 seconds the
// later ones were dropped).
func TestConsoleScriptNoFloodLimit(t *testing.T) {
	t.Parallel()
	const n = 45
	out := runConsole(t, strings.Repeat("/help\n", n)+"/lang\n")
	if got := strings.Count(out, textHelp); got != n {
		t.Errorf("%d answers to /help, want %d", got, n)
	}
	if strings.Contains(out, textFlood) {
		t.Errorf("the console applied the flood limit:\n%s", out)
	}
	if !strings.Contains(out, "Choose your language") {
		t.Errorf("the line after the burst was not answered")
	}
}

// TestConsoleLongLine: a line longer than the console takes is refused
// and the session goes on (it used to end with "token too long").
func TestConsoleLongLine(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("a", console.MaxLine+1)
	tests := []struct {
		name, script string
		answered     []string
		refused      int
	}{
		{"in the middle", "/help\n" + long + "\n/lang\n", []string{textHelp, "Choose your language"}, 1},
		{"with CRLF", "/help\r\n" + long + "\r\n/lang\r\n", []string{textHelp, "Choose your language"}, 1},
		{"last, without an end", "/help\n" + long + long, []string{textHelp}, 1},
		{"at the limit", strings.Repeat("á", console.MaxLine/2) + "\n/lang\n", []string{tx(bot.VI, "start.about"), "Choose your language"}, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			out := runConsole(t, tt.script)
			for _, want := range tt.answered {
				if !strings.Contains(out, want) {
					t.Errorf("%q not answered", want)
				}
			}
			if got := strings.Count(out, "quá giới hạn"); got != tt.refused {
				t.Errorf("%d lines refused, want %d", got, tt.refused)
			}
			if len(out) > 64*1024 {
				t.Errorf("the console printed %d bytes: the long line was echoed", len(out))
			}
		})
	}
}

// TestConsoleMembersAndLeave replays the exploratory sessions: an
// organiser moves Lan to another group with the numbered buttons, and
// after /leave and "No" the confirmation's "Yes" can no longer be pressed.
func TestConsoleMembersAndLeave(t *testing.T) {
	t.Parallel()
	out := runConsole(t, "/as btc\n/members\n/press 4\n/press 1\n/press 3\n"+
		"/as hai\n/leave\n/press 2\n/press 1\n/profile\n")
	for _, want := range []string{
		tx(bot.VI, "members.moved", "Lê Thị Lan", "Hải Phòng"),
		tx(bot.VI, "leave.kept"),
		`không có nút số "1"`,
		tx(bot.VI, "profile.name", "Phạm Văn Hải"),
	} {
		if !strings.Contains(out, want) {
			t.Errorf("%q not printed:\n%s", want, out)
		}
	}
	for _, not := range []string{textStale, "Đã xóa dữ liệu của bạn"} {
		if strings.Contains(out, not) {
			t.Errorf("%q printed:\n%s", not, out)
		}
	}
}

// TestConsoleCheckinAndCertificate walks the demo's check-in and
// certificate: the organiser makes a code for the session running now, a
// trainee checks in with it, and Lê Thị Lan, present at phase 1, gets her
// certificate written to a file whose path the console prints.
func TestConsoleCheckinAndCertificate(t *testing.T) {
	t.Parallel()
	tmp := t.TempDir()
	pr, pw := newPipe()
	var out syncBuffer
	app := &App{Stdin: pr, Stdout: &out, Stderr: &out, Getenv: func(k string) string {
		if k == "TMPDIR" {
			return tmp
		}
		return ""
	}}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	done := make(chan int, 1)
	go func() { done <- app.Run(ctx, []string{"console"}) }()
	waitFor(t, &out, regexp.MustCompile(`Gõ /start (\S+) để đăng ký`))
	say := func(line, want string) string {
		t.Helper()
		before := len(out.String())
		pw.write(line + "\n")
		waitForAfter(t, &out, before, want)
		return out.String()[before:]
	}
	say("/as btc", "bây giờ bạn là btc")
	shown := say("/checkincode", "Mã điểm danh buổi «Buổi học đang diễn ra")
	m := regexp.MustCompile(`: ([A-Z2-9]{6})\n`).FindStringSubmatch(shown)
	if m == nil {
		t.Fatalf("no code in %q", shown)
	}
	say("/as hai", "bây giờ bạn là hai")
	say("/checkin "+m[1], "Đã điểm danh buổi")
	say("/as lan", "bây giờ bạn là lan")
	say("/certificate", "Họ tên in trên giấy: «Lê Thị Lan»")
	got := say("/press 1", "Giấy chứng nhận hoàn thành khóa học của Lê Thị Lan")
	path := regexp.MustCompile(`→ (\S+\.pdf)`).FindStringSubmatch(got)
	if path == nil || !strings.HasPrefix(path[1], tmp) {
		t.Fatalf("no file path under %s in %q", tmp, got)
	}
	pdf, err := os.ReadFile(path[1])
	if err != nil || !strings.HasPrefix(string(pdf), "%PDF-") {
		t.Fatalf("certificate file %s: %d bytes, %v", path[1], len(pdf), err)
	}
	pw.write("/quit\n")
	if got := <-done; got != 0 {
		t.Fatalf("console exit %d:\n%s", got, out.String())
	}
}
