package zalo_test

import (
	"testing"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/zalo"
	"github.com/cohortbot/cohortbot/bot/zalo/zalotest"
)

func event(t *testing.T, ev zalotest.Event) zalo.Event {
	t.Helper()
	evs, err := zalo.DecodeBody(zalotest.Bare(ev))
	if err != nil || len(evs) != 1 {
		t.Fatalf("decode %+v: %v", ev, err)
	}
	return evs[0]
}

func TestNormalize(t *testing.T) {
	user := zalotest.UserID(0xabc)
	tests := []struct {
		name      string
		ev        zalotest.Event
		kind      bot.Kind
		cmd, args string
		text      string
		photo     string
		dropped   bool
	}{
		{name: "text", ev: zalotest.TextEvent(user, "Lan", "Xin chào"), kind: bot.KindText, text: "Xin chào"},
		{name: "start with code", ev: zalotest.TextEvent(user, "Lan", "/start ABC123"), kind: bot.KindCommand, cmd: "start", args: "ABC123"},
		{name: "word form", ev: zalotest.TextEvent(user, "Lan", "Lịch"), kind: bot.KindCommand, cmd: "schedule"},
		{name: "word form without diacritics", ev: zalotest.TextEvent(user, "Lan", "binh chon"), kind: bot.KindCommand, cmd: "vote"},
		{name: "check-in words with code", ev: zalotest.TextEvent(user, "Lan", "điểm danh 4821"), kind: bot.KindCommand, cmd: "checkin", args: "4821"},
		{name: "number stays text", ev: zalotest.TextEvent(user, "Lan", "2"), kind: bot.KindText, text: "2"},
		{name: "image photo_url", ev: zalotest.ImageEvent(user, "Lan", "https://p.example/a.jpg", "Rò rỉ hơi"), kind: bot.KindPhoto, photo: "https://p.example/a.jpg", text: "Rò rỉ hơi"},
		{name: "image photo", ev: func() zalotest.Event {
			ev := zalotest.ImageEvent(user, "Lan", "", "")
			ev.Message.Photo = "https://p.example/b.jpg"
			return ev
		}(), kind: bot.KindPhoto, photo: "https://p.example/b.jpg"},
		{name: "sticker", ev: zalotest.StickerEvent(user, "Lan"), kind: bot.KindOther},
		{name: "voice", ev: zalotest.VoiceEvent(user, "Lan"), kind: bot.KindOther},
		{name: "unsupported", ev: zalotest.UnsupportedEvent(user, "Lan"), kind: bot.KindOther},
		{name: "own echo", ev: zalotest.EchoEvent(user, "Chào bạn"), dropped: true},
		{name: "own id", ev: func() zalotest.Event {
			ev := zalotest.TextEvent(zalotest.BotID, "Bot", "x")
			return ev
		}(), dropped: true},
		{name: "group beta", ev: func() zalotest.Event {
			ev := zalotest.TextEvent(user, "Lan", "@bot lich")
			ev.Message.Chat.ChatType = "GROUP"
			return ev
		}(), dropped: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			u, ok := zalo.Normalize(event(t, tt.ev), zalotest.BotID)
			if ok == tt.dropped {
				t.Fatalf("kept = %v, want %v", ok, !tt.dropped)
			}
			if tt.dropped {
				return
			}
			if u.Platform != bot.Zalo || u.User != bot.UserKey("zalo:"+user) || u.Chat != bot.ChatKey("zalo:"+user) || u.ChatType != bot.Private {
				t.Errorf("who = %s %s %s %s", u.Platform, u.User, u.Chat, u.ChatType)
			}
			if u.UserName != "Lan" {
				t.Errorf("name = %q", u.UserName)
			}
			if u.ID != zalo.MessageKey(tt.ev.Message.MessageID) || u.ID <= 0 {
				t.Errorf("id = %d", u.ID)
			}
			if u.Time.UnixMilli() != tt.ev.Message.Date {
				t.Errorf("time = %v, want %d ms", u.Time, tt.ev.Message.Date)
			}
			if u.Kind != tt.kind || u.Command != tt.cmd || u.Args != tt.args {
				t.Errorf("kind %s cmd %q args %q, want %s %q %q", u.Kind, u.Command, u.Args, tt.kind, tt.cmd, tt.args)
			}
			if tt.text != "" && u.Text != tt.text {
				t.Errorf("text = %q", u.Text)
			}
			if tt.photo != "" && (u.Photo == nil || u.Photo.URL != tt.photo) {
				t.Errorf("photo = %+v", u.Photo)
			}
		})
	}
}

func TestDecodeBody(t *testing.T) {
	ev := zalotest.TextEvent(zalotest.UserID(1), "Lan", "hi")
	for name, body := range map[string][]byte{
		"bare":    zalotest.Bare(ev),
		"wrapped": zalotest.Wrapped(ev),
		"list":    []byte("[" + string(zalotest.Wrapped(ev)) + "]"),
	} {
		evs, err := zalo.DecodeBody(body)
		if err != nil || len(evs) != 1 || evs[0].Message.MessageID != ev.Message.MessageID || evs[0].EventName != ev.EventName {
			t.Errorf("%s: %+v %v", name, evs, err)
		}
	}
	for name, body := range map[string]string{"empty": "", "spaces": " \n", "object": "{}", "ok": `{"ok":true}`, "null result": `{"ok":true,"result":null}`} {
		if _, err := zalo.DecodeBody([]byte(body)); err != zalo.ErrNoEvent {
			t.Errorf("%s: err = %v, want ErrNoEvent", name, err)
		}
	}
	if _, err := zalo.DecodeBody([]byte("{not json")); err == nil || err == zalo.ErrNoEvent {
		t.Errorf("bad JSON: err = %v", err)
	}
}

func TestMessageKeyStable(t *testing.T) {
	a, b := zalo.MessageKey("16f6366b3f02645a3d15"), zalo.MessageKey("16f6366b3f02645a3d15")
	if a != b || a <= 0 || a == zalo.MessageKey("16f6366b3f02645a3d16") {
		t.Errorf("keys %d %d", a, b)
	}
}
