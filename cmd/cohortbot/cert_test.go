package main

import (
	"bytes"
	"context"
	"flag"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// Certificates end to end (bot/cert): `serve` against the fake Telegram
// and a real Redis, on a clock after phase 1 of the sample plan (its ten
// sessions ended, 0.8 of them needed), with `report: false`, since no
// feature marks reports done yet (the report requirement is unit-tested
// in bot/cert with a fake).

var writeDocs = flag.Bool("docs", false, "write docs/verify.png from the verification page test")

var serialRe = regexp.MustCompile(`[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}-[A-Z2-7]{4}`)

// certRig is a course with an organiser and three trainees who attended
// 9, 3 and 8 of the ten sessions of phase 1.
func newCertRig(t *testing.T) *attendRig {
	t.Helper()
	a := newAttendRig(t, hanoi(t, 2017, 7, 20, 10, 0),
		"requires: {attendance: 0.8, report: true}", "requires: {attendance: 0.8, report: false}")
	a.e.vars["PUBLIC_URL"] = "https://bot.example.vn"
	st := a.e.store()
	ctx := context.Background()
	co, err := st.Cohort(ctx, a.c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for p, n := range map[*person]int{a.an: 9, a.binh: 3, a.cu: 8} {
		for _, s := range co.Plan.Sessions[:n] {
			if _, err := st.Mark(ctx, a.c.ID, s.ID, key(p.user.ID), key(a.org.user.ID), true, a.clk.Now()); err != nil {
				t.Fatal(err)
			}
		}
	}
	return a
}

// pdfText extracts the text of a PDF with pdftotext (poppler-utils).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %d bytes starting %q", len(pdf), pdf[:min(len(pdf), 16)])
	}
	path := filepath.Join(t.TempDir(), "c.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext (apt-get install poppler-utils; .ci/run does): %v", err)
	}
	return string(out)
}

func get(t *testing.T, url string, header ...string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i+1 < len(header); i += 2 {
		req.Header.Set(header[i], header[i+1])
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	body, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	return res.StatusCode, string(body)
}

// TestCertificate: a trainee short of sessions is told exactly what is
// missing; one who qualifies confirms a corrected name (a bad one is
// refused) and gets the PDF, whose text holds the name with its
// diacritics and the serial; asking again re-sends the same certificate.
// The verification page and `cohortbot certificate verify` say it is
// genuine, and after the organisers revoke it, that it is revoked; a
// made-up serial is not found (404, exit 3).
func TestCertificate(t *testing.T) {
	t.Parallel()
	a := newCertRig(t)
	srv := a.e.serve()
	var sa, sb, so int

	a.binh.say("/certificate")
	a.binh.reply(&sb, "chưa đủ điều kiện")
	if got := a.e.tg.Sent(a.binh.user.ID)[sb-1].Params["text"]; !strings.Contains(got, "đã dự 3/10 buổi học, cần ít nhất 8 buổi") {
		t.Errorf("what is missing: %q", got)
	}

	a.an.say("/certificate")
	a.an.reply(&sa, "Họ tên in trên giấy: «Nguyễn Thị Hồng Nhung»")
	a.an.say("/x")
	a.an.reply(&sa, "") // an unknown command: the name is still asked
	a.an.say("N")
	a.an.reply(&sa, "không in lên giấy chứng nhận được")
	a.an.say("  Nguyễn   Thị Hồng  Nhung ")
	ask := a.an.reply(&sa, "Họ tên in trên giấy: «Nguyễn Thị Hồng Nhung»")
	a.an.press(a.e.messageID(a.an.user.ID, ask), "cert:ok:"+a.c.ID)
	doc := a.an.reply(&sa, "Số hiệu:")
	if doc.Method != "sendDocument" {
		t.Fatalf("certificate sent by %s, want sendDocument", doc.Method)
	}
	serial := serialRe.FindString(doc.Params["caption"])
	if serial == "" {
		t.Fatalf("no serial in %q", doc.Params["caption"])
	}
	text := pdfText(t, doc.Files["document"])
	for _, want := range []string{"Nguyễn Thị Hồng Nhung", serial, "Nâng cao kỹ năng thực hành đánh giá sản xuất sạch hơn",
		"10/07/2017 – 01/11/2017", "https://bot.example.vn/verify/" + serial} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	// Asking again re-sends the same certificate.
	a.an.say("/certificate")
	again := a.an.reply(&sa, "Số hiệu: "+serial)
	if again.Method != "sendDocument" {
		t.Errorf("second /certificate sent %s", again.Method)
	}

	// Genuine, on the page (Vietnamese, English) and on the command line.
	code, body := get(t, srv.url("/verify/"+serial))
	if code != http.StatusOK || !strings.Contains(body, "Giấy chứng nhận hợp lệ") || !strings.Contains(body, "Nguyễn Thị Hồng Nhung") ||
		!strings.Contains(body, "Nâng cao kỹ năng") {
		t.Errorf("verify genuine: %d\n%s", code, body)
	}
	if code, body := get(t, srv.url("/verify/"+strings.ToLower(serial)+"?lang=en")); code != http.StatusOK || !strings.Contains(body, "Genuine certificate") {
		t.Errorf("verify in English: %d\n%s", code, body)
	}
	if _, body := get(t, srv.url("/verify/"+serial), "Accept-Language", "en-GB,en;q=0.9"); !strings.Contains(body, "Genuine certificate") {
		t.Errorf("verify with Accept-Language en: %s", body)
	}
	if code, out, errs := a.e.run("certificate", "verify", serial); code != 0 || !strings.Contains(out, "GENUINE") || !strings.Contains(out, "Nguyễn Thị Hồng Nhung") {
		t.Errorf("certificate verify: exit %d\n%s%s", code, out, errs)
	}
	// The page in a real browser, at a phone's width; -docs (or
	// COHORTBOT_DOCS=1) keeps the screenshot as docs/verify.png.
	shot := ""
	if *writeDocs || os.Getenv("COHORTBOT_DOCS") != "" {
		shot = "../../docs/verify.png"
	}
	screenshot(t, srv.url("/verify/"+serial+"?lang=vi"), shot)

	// Made up: 404 and exit 3, and the page names nobody.
	code, body = get(t, srv.url("/verify/AAAA-BBBB-CCCC-DDDD"))
	if code != http.StatusNotFound || !strings.Contains(body, "Không tìm thấy giấy chứng nhận") || strings.Contains(body, "Nguyễn") {
		t.Errorf("verify made-up serial: %d\n%s", code, body)
	}
	if code, out, _ := a.e.run("certificate", "verify", "AAAA-BBBB-CCCC-DDDD"); code != exitNotGenuine || !strings.Contains(out, "NOT FOUND") {
		t.Errorf("certificate verify made-up: exit %d %s", code, out)
	}

	// The organisers revoke it: list, revoke, confirm.
	a.org.say("/certificates")
	ov := a.org.reply(&so, "Học viên: 3 · đủ điều kiện: 2 · đã cấp: 1 · đã thu hồi: 0")
	if !strings.Contains(ov.Params["text"], "Lê Văn Bình (Lạng Sơn): đã dự 3/10 buổi học, cần ít nhất 8 buổi") {
		t.Errorf("overview lacks what Bình misses:\n%s", ov.Params["text"])
	}
	a.org.press(a.e.messageID(a.org.user.ID, ov), "cert:ls:0:"+a.c.ID)
	list := a.org.reply(&so, serial)
	revoke := "cert:rv:" + bot.UserArg(key(a.an.user.ID)) + ":" + a.c.ID
	if !hasButton(t, list, revoke) {
		t.Fatalf("no revoke button %s in %q", revoke, buttons(t, list))
	}
	// A trainee cannot revoke.
	a.e.alert(a.binh.pressData(revoke), textRole)
	id := a.e.messageID(a.org.user.ID, list)
	a.org.press(id, revoke)
	a.org.reply(&so, "Thu hồi giấy chứng nhận của Nguyễn Thị Hồng Nhung")
	a.e.answered(a.org.press(id, "cert:rvy:"+bot.UserArg(key(a.an.user.ID))+":"+a.c.ID))
	a.org.reply(&so, "(đã thu hồi ngày Thứ Năm, 20/07/2017)")

	code, body = get(t, srv.url("/verify/"+serial))
	if code != http.StatusOK || !strings.Contains(body, "đã bị thu hồi ngày 20/07/2017") || !strings.Contains(body, "Nguyễn Thị Hồng Nhung") {
		t.Errorf("verify revoked: %d\n%s", code, body)
	}
	if code, out, _ := a.e.run("certificate", "verify", serial); code != exitNotGenuine || !strings.Contains(out, "REVOKED") {
		t.Errorf("certificate verify revoked: exit %d %s", code, out)
	}
	a.an.say("/certificate")
	a.an.reply(&sa, "đã bị ban tổ chức thu hồi")
}

// TestCertificatesIssueAll: the organisers' button issues the
// certificates of everyone who qualifies and has none, with their
// profile's name, through the outbox, with a delivery report; a second
// press finds nobody left.
func TestCertificatesIssueAll(t *testing.T) {
	t.Parallel()
	a := newCertRig(t)
	a.e.serve()
	var so, sa, sc int
	a.org.say("/certificates")
	ov := a.org.reply(&so, "đủ điều kiện: 2 · đã cấp: 0")
	data := "cert:all:" + a.c.ID
	if !hasButton(t, ov, data) {
		t.Fatalf("no issue button in %q", buttons(t, ov))
	}
	id := a.e.messageID(a.org.user.ID, ov)
	a.org.press(id, data)
	a.org.reply(&so, "Đang gửi giấy chứng nhận cho 2 học viên")
	for _, p := range []struct {
		who  *person
		seen *int
		name string
	}{{a.an, &sa, "Nguyễn Thị Hồng Nhung"}, {a.cu, &sc, "Phạm Thị Cúc"}} {
		doc := p.who.replyWithin(p.seen, "Giấy chứng nhận hoàn thành khóa học của "+p.name, time.Minute)
		if text := pdfText(t, doc.Files["document"]); !strings.Contains(text, p.name) {
			t.Errorf("%s's PDF lacks the name:\n%s", p.name, text)
		}
	}
	a.org.replyWithin(&so, "Kết quả gửi", time.Minute)
	a.org.press(id, data)
	a.org.reply(&so, "Không còn ai đủ điều kiện")
	if n := len(a.e.tg.Sent(a.binh.user.ID)); n != 0 {
		t.Errorf("Bình, who does not qualify, got %d messages", n)
	}
}

// screenshot saves a headless Chromium screenshot of a page (a phone's
// width) to path.
func screenshot(t *testing.T, url, path string) {
	t.Helper()
	chromium, err := exec.LookPath("chromium")
	if err != nil {
		t.Fatalf("chromium is not installed (.ci/run installs it with apt): %v", err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 60*time.Second)
	defer cancel()
	shot := filepath.Join(t.TempDir(), "shot.png")
	cmd := exec.CommandContext(ctx, chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
		"--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
		"--user-data-dir="+t.TempDir(), "--window-size=420,760", "--hide-scrollbars", "--screenshot="+shot, url)
	cmd.Env = append(os.Environ(), "HOME="+t.TempDir())
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("chromium: %v\n%s", err, out)
	}
	png, err := os.ReadFile(shot)
	if err != nil || !bytes.HasPrefix(png, []byte("\x89PNG")) || len(png) < 2000 {
		t.Fatalf("screenshot %s: %d bytes, %v", shot, len(png), err)
	}
	if path != "" {
		if err := os.WriteFile(path, png, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// TestCertificateForgottenOnLeave: a trainee who leaves takes their
// attendance and their certificate with them; its serial no longer
// verifies.
func TestCertificateForgottenOnLeave(t *testing.T) {
	t.Parallel()
	a := newCertRig(t)
	srv := a.e.serve()
	var sa int
	a.an.say("/certificate")
	ask := a.an.reply(&sa, "Họ tên in trên giấy")
	a.an.press(a.e.messageID(a.an.user.ID, ask), "cert:ok:"+a.c.ID)
	serial := serialRe.FindString(a.an.reply(&sa, "Số hiệu:").Params["caption"])
	if code, _ := get(t, srv.url("/verify/"+serial)); code != http.StatusOK {
		t.Fatalf("verify before leaving: %d", code)
	}
	a.an.say("/leave")
	confirm := a.an.reply(&sa, "rời khóa")
	a.an.press(a.e.messageID(a.an.user.ID, confirm), "leave:yes:"+a.c.ID)
	a.an.reply(&sa, "Đã xóa dữ liệu của bạn")
	if got := a.present(t, "p1-d1-am"); got[key(a.an.user.ID)] {
		t.Errorf("attendance kept after leaving: %v", got)
	}
	if code, body := get(t, srv.url("/verify/"+serial)); code != http.StatusNotFound || strings.Contains(body, "Nguyễn") {
		t.Errorf("verify after leaving: %d\n%s", code, body)
	}
}

// replyWithin is reply with a longer wait, for what the scheduler sends:
// its due items are claimed every 15 seconds of real time, after which
// the outbox delivers, so on a loaded machine 15 seconds is not enough.
func (p *person) replyWithin(seen *int, want string, d time.Duration) telegramtest.Call {
	p.e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var got telegramtest.Call
	err := p.e.tg.WaitFor(ctx, func([]telegramtest.Call) bool {
		sent := p.e.tg.Sent(p.user.ID)
		for i := *seen; i < len(sent); i++ {
			if strings.Contains(sent[i].Params["text"], want) || strings.Contains(sent[i].Params["caption"], want) {
				got, *seen = sent[i], i+1
				return true
			}
		}
		return false
	})
	if err != nil {
		p.e.t.Fatalf("no message to %d containing %q within %v; sent so far:\n%s", p.user.ID, want, d, p.e.sentTexts(p.user.ID))
	}
	return got
}
