package certpdf_test

import (
	"bytes"
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot/cert"
	"github.com/cohortbot/cohortbot/internal/certpdf"
)

var docs = flag.Bool("docs", false, "write docs/certificate.png from the sample certificate")

func sample(t *testing.T) *cert.Certificate {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	return &cert.Certificate{
		Serial: "K3Q7TZ4MWA2HRXPB", Cohort: "demo", User: "telegram:1", Name: "Nguyễn Thị Hồng Nhung",
		Course: "Nâng cao kỹ năng thực hành đánh giá sản xuất sạch hơn (2017)",
		Starts: time.Date(2017, 7, 10, 8, 0, 0, 0, loc), Ends: time.Date(2017, 11, 1, 16, 30, 0, 0, loc), Zone: "Asia/Ho_Chi_Minh",
		Issuer: "Vụ Khoa học và Công nghệ – Bộ Công Thương và Công ty Cổ phần tư vấn EPRO",
		Issued: time.Date(2017, 11, 1, 15, 0, 0, 0, loc),
	}
}

// TestRenderText: the PDF's text, as pdftotext reads it, holds the name
// with its diacritics, the course, its dates, the issuer and the serial;
// the same certificate renders to the same bytes.
func TestRenderText(t *testing.T) {
	c := sample(t)
	pdf, err := certpdf.Render(c, "https://bot.example.vn/verify/K3Q7-TZ4M-WA2H-RXPB")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", pdf[:min(20, len(pdf))])
	}
	again, err := certpdf.Render(c, "https://bot.example.vn/verify/K3Q7-TZ4M-WA2H-RXPB")
	if err != nil || !bytes.Equal(pdf, again) {
		t.Errorf("a second render differs (err %v)", err)
	}
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Fatalf("pdftotext (poppler-utils) is not installed (.ci/run installs it with apt): %v", err)
	}
	dir := t.TempDir()
	path := filepath.Join(dir, "c.pdf")
	if err := os.WriteFile(path, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	text := string(out)
	for _, want := range []string{"Nguyễn Thị Hồng Nhung", "GIẤY CHỨNG NHẬN", "sản xuất sạch hơn", "10/07/2017 – 01/11/2017",
		"BỘ CÔNG THƯƠNG", "K3Q7-TZ4M-WA2H-RXPB", "Ngày cấp: 01/11/2017"} {
		if !strings.Contains(text, want) {
			t.Errorf("the PDF's text lacks %q:\n%s", want, text)
		}
	}
	if *docs {
		if err := exec.Command("pdftoppm", "-png", "-r", "60", "-singlefile", path, "../../docs/certificate").Run(); err != nil {
			t.Fatalf("pdftoppm: %v", err)
		}
	}
}
