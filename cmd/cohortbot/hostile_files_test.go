package main

import (
	"bytes"
	"context"
	"encoding/binary"
	"net/http"
	"strings"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
	"github.com/cohortbot/cohortbot/internal/imagebomb"
)

// withGPS puts an Exif segment naming a place right after a JPEG's SOI,
// as a phone writes it.
func withGPS(jpg []byte, secret string) []byte {
	payload := append([]byte("Exif\x00\x00MM\x00\x2a\x00\x00\x00\x08"), []byte(secret)...)
	seg := []byte{0xFF, 0xE1, 0, 0}
	binary.BigEndian.PutUint16(seg[2:], uint16(len(payload)+2))
	out := append([]byte{}, jpg[:2]...)
	out = append(out, seg...)
	out = append(out, payload...)
	return append(out, jpg[2:]...)
}

// TestHostileContestFiles: pictures sent as files are taken by their
// bytes, never by their name or declared type: a PDF named .jpg, a GIF
// declared a JPEG and image bombs (a progressive CMYK JPEG, a 16-bit PNG,
// a huge canvas) are refused in the author's language and change nothing.
// A real photo with a GPS position in its Exif and the author's name as
// its file name is shown to the author as the cleaned copy, and that copy
// is what the organisers get: the original file goes to nobody.
func TestHostileContestFiles(t *testing.T) {
	t.Parallel()
	e := newEnv(t)
	clk := &movableClock{t: hanoi(t, 2017, 8, 1, 10, 0)}
	e.clock = clk.Now
	c := e.createCohort(contestPlan(t))
	cb := func(data string) string { return data + ":" + c.ID }
	e.serve()

	org := e.person(7001, "Hùng", "Trần Văn", "vi")
	lan := e.person(7004, "Lan", "Lê Thị", "vi")
	var so, sl int
	org.register(&so, c.Invites.Organiser, "Trần Văn Hùng", 0)
	lan.register(&sl, c.Invites.Trainee, "Lê Thị Lan", 1)
	ann := e.seed(c.ID, 7005, bot.Trainee, "Ann Smith", "Hải Phòng")
	if err := e.store().SetLang(context.Background(), key(7005), bot.EN); err != nil {
		t.Fatal(err)
	}

	count := func() int { return len(e.snapshot(c.ID).Entries) }
	send := func(p *person, id, name, mime string, raw []byte) {
		e.tg.AddFile(id, "uq-"+id, raw)
		p.push(telegramtest.Document(p.user, p.user.ID, id, "uq-"+id, name, mime, len(raw)))
	}
	refuse := func(p *person, what, want string, do func()) {
		t.Helper()
		before := count()
		seen := len(e.tg.Sent(p.user.ID))
		do()
		if got := p.next(&seen); !strings.Contains(got.Params["text"], want) {
			t.Errorf("%s: answer %q, want %q", what, got.Params["text"], want)
		}
		if n := count(); n != before {
			t.Errorf("%s: %d entries, was %d", what, n, before)
		}
	}
	refuse(lan, "a PDF named .jpg", "không phải ảnh JPEG hay PNG", func() {
		send(lan, "fake1", "anh-nha-may.jpg", "image/jpeg", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"))
	})
	refuse(ann, "a PDF named .png, in English", "not a JPEG or PNG picture", func() {
		send(ann, "fake2", "waste.png", "image/png", []byte("%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n"))
	})
	refuse(lan, "a GIF declared a JPEG", "chỉ nhận định dạng JPEG hoặc PNG", func() {
		send(lan, "gif1", "anh.jpg", "image/jpeg", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00,\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"))
	})
	refuse(lan, "a progressive CMYK JPEG bomb", "quá lớn để hiển thị (6000×6000", func() {
		send(lan, "bomb1", "IMG_2017.jpg", "image/jpeg", imagebomb.ProgressiveJPEG(6000, 6000, true, false))
	})
	refuse(ann, "a 16-bit PNG bomb", "too large to show (5000×5000 pixels, PNG)", func() {
		send(ann, "bomb2", "scan.png", "image/png", imagebomb.PNG16(5000, 5000))
	})
	refuse(lan, "a huge canvas", "quá lớn để hiển thị", func() {
		send(lan, "bomb3", "anh.png", "image/png", imagebomb.HugePNG(100_000, 100_000))
	})

	const secret = "GPS 21.0285N 105.8542E Le Thi Lan"
	send(lan, "exif1", "Le-Thi-Lan_21.0285N_105.8542E.jpg", "image/jpeg", withGPS(smallJPEG(t), secret))
	shown := lan.reply(&sl, "Ảnh số 1 sẽ hiện với mọi người")
	if shown.Method != "sendPhoto" {
		t.Fatalf("cleaned copy sent with %s", shown.Method)
	}
	up := shown.Files["photo"]
	if len(up) == 0 || bytes.Contains(up, []byte("Exif")) || bytes.Contains(up, []byte(secret)) {
		t.Errorf("the copy shown carries the original's metadata (%d bytes)", len(up))
	}
	lan.reply(&sl, "Đã nhận ảnh số 1")
	lan.say("Nước thải chảy tràn ra sân")
	ask := lan.reply(&sl, "Ảnh số 1 thuộc loại")
	lan.pressOn(ask, cb("ph:cat:1:1"))
	lan.reply(&sl, "doanh nghiệp nào")
	lan.say("/skip")
	lan.reply(&sl, "Đã ghi nhận ảnh dự thi số 1")
	en := e.snapshot(c.ID).Entries[0]
	if en.Document || en.FileID == "exif1" || en.UniqueID != "uq-exif1" {
		t.Errorf("entry %+v, want the cleaned photo, deduplicated by the original", *en)
	}
	mod := org.reply(&so, "Ảnh dự thi số 1 chờ duyệt")
	if mod.Method != "sendPhoto" || mod.Params["photo"] != en.FileID {
		t.Errorf("organisers got %s %v, want the cleaned photo %s", mod.Method, mod.Params["photo"], en.FileID)
	}
	for _, id := range []int64{org.user.ID, lan.user.ID, ann.user.ID} {
		for _, call := range e.tg.Sent(id) {
			if call.Params["document"] == "exif1" || call.Params["photo"] == "exif1" || strings.Contains(call.Params["caption"], "21.0285N") {
				t.Errorf("the original file went to %d: %s %v", id, call.Method, call.Params)
			}
		}
	}
	// Telegram answers the upload of the cleaned copy with a 429: it is
	// sent again, and the original still goes to nobody.
	e.tg.FailNext("sendPhoto", 1, http.StatusTooManyRequests, "", 1)
	send(lan, "exif2", "Le-Thi-Lan_2.jpg", "image/jpeg", withGPS(smallJPEG(t), secret))
	lan.reply(&sl, "Đã nhận ảnh số 2")
	lan.say("Khói thải")
	ask = lan.reply(&sl, "Ảnh số 2 thuộc loại")
	lan.pressOn(ask, cb("ph:cat:2:1"))
	lan.reply(&sl, "doanh nghiệp nào")
	lan.say("/skip")
	lan.reply(&sl, "Đã ghi nhận ảnh dự thi số 2")
	en2 := e.snapshot(c.ID).Entries[1]
	if en2.Document || en2.FileID == "exif2" {
		t.Errorf("entry 2 %+v, want the cleaned photo", *en2)
	}
	mod2 := org.reply(&so, "Ảnh dự thi số 2 chờ duyệt")
	if mod2.Method != "sendPhoto" || mod2.Params["photo"] != en2.FileID {
		t.Errorf("organisers got %s %v for entry 2, want the cleaned photo %s", mod2.Method, mod2.Params["photo"], en2.FileID)
	}
	for _, id := range []int64{org.user.ID, lan.user.ID, ann.user.ID} {
		for _, call := range e.tg.Sent(id) {
			if call.Params["document"] == "exif2" || call.Params["photo"] == "exif2" {
				t.Errorf("the original file went to %d: %s %v", id, call.Method, call.Params)
			}
		}
	}

	// The same file again is the same entry (deduplicated by the original).
	refuse(lan, "the same file twice", "Bạn đã gửi ảnh này rồi (ảnh số 1)", func() {
		lan.push(telegramtest.Document(lan.user, lan.user.ID, "exif1", "uq-exif1", "copy.jpg", "image/jpeg", 2000))
	})
}
