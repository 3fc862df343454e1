package main

import (
	"context"
	"regexp"
	"strings"
	"testing"
	"time"
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
	say("/start "+code, "họ và tên đầy đủ")
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
