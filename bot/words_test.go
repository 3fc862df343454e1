package bot_test

import (
	"context"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
)

func TestMatchCommandWord(t *testing.T) {
	tests := []struct {
		name, text, cmd, args string
	}{
		{"schedule with diacritics", "lịch", "schedule", ""},
		{"schedule without", "lich", "schedule", ""},
		{"upper case", "LỊCH", "schedule", ""},
		{"deadlines", "Hạn", "deadlines", ""},
		{"deadlines plain", "han", "deadlines", ""},
		{"vote two words", "bình chọn", "vote", ""},
		{"vote plain", "binh chon", "vote", ""},
		{"vote joined", "binhchon", "vote", ""},
		{"report", "nộp báo cáo", "report", ""},
		{"score", "chấm điểm", "score", ""},
		{"checkin", "điểm danh", "checkin", ""},
		{"checkin plain with code", "diem danh 4821", "checkin", "4821"},
		{"checkin with code", "Điểm danh  4821 ", "checkin", "4821"},
		{"certificate", "chứng chỉ", "certificate", ""},
		{"certificate long", "giấy chứng nhận", "certificate", ""},
		{"help", "trợ giúp", "help", ""},
		{"help short", "giup", "help", ""},
		{"cancel", "hủy", "cancel", ""},
		{"cancel plain", "huy", "cancel", ""},
		{"mydata", "dữ liệu của tôi", "mydata", ""},
		{"leave", "rời khóa", "leave", ""},
		{"extra spaces", "  bình   chọn ", "vote", ""},
		{"start with code", "bắt đầu ABC123", "start", "ABC123"},
		{"old tone placement", "rời khoá", "leave", ""},
		{"decomposed input", "li\u0323ch", "schedule", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd, args, ok := bot.MatchCommandWord(tt.text)
			if !ok || cmd != tt.cmd || args != tt.args {
				t.Errorf("MatchCommandWord(%q) = %q, %q, %v; want %q, %q", tt.text, cmd, args, ok, tt.cmd, tt.args)
			}
		})
	}
	for _, text := range []string{"", "Hân", "Lích", "điểm dạnh 1234", "Lê Thị Lan", "lịch học tuần này thế nào", "hủy hoại môi trường", "Sở Công Thương Lạng Sơn", "2"} {
		if cmd, _, ok := bot.MatchCommandWord(text); ok {
			t.Errorf("MatchCommandWord(%q) = %q, want no command", text, cmd)
		}
	}
}

// TestCommandWordsKnown: every word form names a command of Commands,
// and no form stands for two commands.
func TestCommandWordsKnown(t *testing.T) {
	known := map[string]bool{}
	for _, c := range bot.Commands() {
		known[c.Name] = true
	}
	seen := map[string]string{}
	for _, cw := range bot.CommandWords() {
		if !known[cw.Command] {
			t.Errorf("word forms for unknown command %q", cw.Command)
		}
		for _, w := range cw.Words {
			f := bot.Fold(w)
			if other, ok := seen[f]; ok && other != cw.Command {
				t.Errorf("%q stands for %s and %s", w, other, cw.Command)
			}
			seen[f] = cw.Command
		}
	}
}

func TestParseTyped(t *testing.T) {
	tests := []struct{ text, kind, cmd, args string }{
		{"/start ABC", "command", "start", "ABC"},
		{"/Schedule@bot", "command", "schedule", ""},
		{"lich", "command", "schedule", ""},
		{"Xin chào", "text", "", ""},
		{"/", "text", "", ""},
	}
	for _, tt := range tests {
		u := bot.Update{Kind: bot.KindText, Text: tt.text}
		bot.ParseTyped(&u)
		if string(u.Kind) != tt.kind || u.Command != tt.cmd || u.Args != tt.args {
			t.Errorf("ParseTyped(%q) = %s %q %q, want %s %q %q", tt.text, u.Kind, u.Command, u.Args, tt.kind, tt.cmd, tt.args)
		}
	}
}

func TestChoiceLines(t *testing.T) {
	rows := [][]bot.Button{{{Text: "✅ Tôi đồng ý", Data: "cs:y"}, {Text: "Không đồng ý", Data: "cs:n"}}, {{Text: "Trang web", URL: "https://x.example"}}}
	got := bot.ChoiceLines(rows)
	want := []string{"1. ✅ Tôi đồng ý", "2. Không đồng ý", "🔗 Trang web: https://x.example"}
	if len(got) != len(want) {
		t.Fatalf("lines = %q", got)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d = %q, want %q", i, got[i], want[i])
		}
	}
	if c := bot.Choices(rows); len(c) != 2 || c[1].Data != "cs:n" {
		t.Errorf("choices = %+v", c)
	}
}

// TestDeliveryReportNamesZaloReasons: failures on Zalo show their reason
// as "Zalo quota" or "Zalo error" beside the person.
func TestDeliveryReportNamesZaloReasons(t *testing.T) {
	b := bot.New(bot.Config{}, nil, nil, nil)
	r := bot.BatchReport{Batch: bot.Batch{Title: "Họp", Lang: bot.EN}, Total: 3, Delivered: 1, Failed: []bot.Failure{
		{User: "zalo:a", Chat: "zalo:a", Reason: bot.ReasonZaloQuota + " (sendMessage 429): Quota exceeded"},
		{User: "zalo:b", Chat: "zalo:b", Reason: bot.ReasonZaloError + " 400 (sendMessage): Bad Request"},
	}}
	m, err := b.DeliveryReport(context.Background(), r)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"zalo:a (Zalo quota)", "zalo:b (Zalo error)"} {
		if !strings.Contains(m.Text, want) {
			t.Errorf("report %q lacks %q", m.Text, want)
		}
	}
}
