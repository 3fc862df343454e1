package report_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
	"github.com/cohortbot/cohortbot/bot/report"
	"github.com/cohortbot/cohortbot/store"
)

func features(st *store.Store) bot.Features { return bot.Features{report.New(st).Feature()} }

// TestHandInByBytes: on the demo cohort (the console's), a file that
// carries its bytes (no platform download) is judged by them: each type
// is taken as the next version, anything else refused, in the harness
// without a platform's pacing.
func TestHandInByBytes(t *testing.T) {
	h := bottest.New(t, time.Now(), features)
	demo := h.Demo()
	lan := h.User("lan")
	for i, tt := range []struct {
		name string
		raw  []byte
		want string
	}{
		{"bao-cao.pdf", bottest.PDF(), "phiên bản 1"},
		{"bao-cao.exe.pdf", []byte("MZ\x90\x00"), "không phải là tài liệu"},
		{"bao-cao.docx", bottest.OOXML(t, bottest.DOCXType), "phiên bản 2"},
		{"bao-cao.pptx", bottest.OOXML(t, bottest.PPTXType), "phiên bản 3"},
		{"bao-cao.zip.docx", bottest.Zip(t, map[string]string{"a.txt": "a"}), "không phải là tài liệu"},
		{"bao-cao.xls", bottest.OLE2("Workbook"), "phiên bản 4"},
		{"bao-cao.ppt", bottest.OLE2("PowerPoint Document"), "phiên bản 5"},
	} {
		lan.Say("/report")
		lan.Send(&bot.File{ID: "f" + string(rune('a'+i)), UniqueID: "u" + string(rune('a'+i)), Name: tt.name, Size: int64(len(tt.raw)), Bytes: tt.raw}, "")
		if got := h.Sender.Last().Text; !strings.Contains(got, tt.want) {
			t.Errorf("%s: %q, want %q", tt.name, got, tt.want)
		}
	}
	vs, err := h.Store.GroupReports(context.Background(), demo.Cohort.ID, "report", "Lạng Sơn")
	if err != nil || len(vs) != 5 {
		t.Fatalf("%d versions, %v", len(vs), err)
	}
	for i, want := range []bot.DocType{bot.DocPDF, bot.DocDOCX, bot.DocPPTX, bot.DocXLS, bot.DocPPT} {
		if vs[i].Type != want {
			t.Errorf("version %d is %s, want %s", i+1, vs[i].Type, want)
		}
	}
}

// TestReportDigest: the organisers' digest says how many groups handed
// in the report.
func TestReportDigest(t *testing.T) {
	now := time.Now()
	h := bottest.New(t, now, features)
	demo := h.Demo()
	lan := h.User("lan")
	lan.Say("/report")
	lan.Send(&bot.File{ID: "f1", UniqueID: "u1", Name: "bc.pdf", Size: 100, Bytes: bottest.PDF()}, "")
	if err := h.Bot.Digest(context.Background(), demo.Cohort, now.Add(-24*time.Hour), now); err != nil {
		t.Fatal(err)
	}
	if !h.Sender.Sent("📄 Báo cáo «Nộp báo cáo đánh giá sản xuất sạch hơn»: 1/6 nhóm đã nộp.") {
		t.Errorf("digest: %q", h.Sender.Last().Text)
	}
}
