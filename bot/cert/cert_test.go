package cert

import (
	"context"
	"errors"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/plan"
)

func testPlan(report bool) *plan.Plan {
	return &plan.Plan{
		Name: "Khóa thử", Location: time.UTC,
		Deadlines: []plan.Deadline{
			{ID: "report", Title: "Nộp báo cáo", Kind: "report"},
			{ID: "photos", Title: "Gửi ảnh", Kind: "photos"},
		},
		Certificate: &plan.Certificate{Requires: plan.Requirements{Attendance: 0.8, Report: report}},
	}
}

// TestAssess: the share of ended sessions needed, rounded up (0.8 of 5 is
// 4, not 5), and with report: true the group's report deadlines as the
// core's Done (faked here) says; other kinds of deadline do not count.
func TestAssess(t *testing.T) {
	doneBy := func(groups ...string) DoneFunc {
		return func(_ context.Context, d plan.Deadline, group string) (bool, error) {
			if d.Kind != "report" {
				t.Errorf("asked about deadline kind %q", d.Kind)
			}
			return slices.Contains(groups, group), nil
		}
	}
	for _, tt := range []struct {
		name            string
		report          bool
		attended, ended int
		done            DoneFunc
		wantNeeded      int
		wantOK          bool
		wantMissing     []string
	}{
		{"enough, no report needed", false, 4, 5, doneBy(), 4, true, nil},
		{"one short", false, 3, 5, doneBy(), 4, false, []string{"đã dự 3/5 buổi học, cần ít nhất 4 buổi"}},
		{"nothing ended", false, 0, 0, doneBy(), 0, false, []string{"chưa có buổi học nào kết thúc"}},
		{"report done", true, 10, 10, doneBy("Lạng Sơn"), 8, true, nil},
		{"report not done", true, 10, 10, doneBy("Hải Phòng"), 8, false, []string{"nhóm chưa hoàn thành «Nộp báo cáo»"}},
		{"both missing", true, 1, 10, doneBy(), 8, false, []string{"đã dự 1/10 buổi học, cần ít nhất 8 buổi", "nhóm chưa hoàn thành «Nộp báo cáo»"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			st, err := Assess(t.Context(), testPlan(tt.report), "Lạng Sơn", tt.attended, tt.ended, tt.done)
			if err != nil {
				t.Fatal(err)
			}
			if st.Needed != tt.wantNeeded || st.Qualifies != tt.wantOK {
				t.Errorf("needed %d qualifies %v, want %d %v", st.Needed, st.Qualifies, tt.wantNeeded, tt.wantOK)
			}
			if got := st.Missing(bot.VI); !tt.wantOK && !slices.Equal(got, tt.wantMissing) {
				t.Errorf("missing %q, want %q", got, tt.wantMissing)
			}
		})
	}
	boom := errors.New("redis down")
	if _, err := Assess(t.Context(), testPlan(true), "Lạng Sơn", 1, 1, func(context.Context, plan.Deadline, string) (bool, error) { return false, boom }); !errors.Is(err, boom) {
		t.Errorf("a failing Done: %v", err)
	}
	en := Standing{Attended: 3, Ended: 5, Needed: 4}.Missing(bot.EN)
	if len(en) != 1 || en[0] != "attended 3 of 5 sessions, 4 needed" {
		t.Errorf("English: %q", en)
	}
}

// TestSerial: 80 random bits as 16 characters of base32, grouped by four
// for reading, read back whatever the case, dashes or spaces.
func TestSerial(t *testing.T) {
	seen := map[string]bool{}
	for range 1000 {
		s := NewSerial()
		if !regexp.MustCompile(`^[A-Z2-7]{16}$`).MatchString(s) || seen[s] {
			t.Fatalf("serial %q (seen before: %v)", s, seen[s])
		}
		seen[s] = true
		f := FormatSerial(s)
		if len(f) != 19 || strings.Count(f, "-") != 3 {
			t.Fatalf("formatted %q", f)
		}
		if got := NormalizeSerial(" " + strings.ToLower(f) + " "); got != s {
			t.Fatalf("normalize %q = %q, want %q", f, got, s)
		}
	}
	if got := NormalizeSerial(strings.Repeat("A", 500)); len(got) != 64 {
		t.Errorf("a long serial is read as %d bytes, want at most 64", len(got))
	}
}

var verbs = regexp.MustCompile(`%[-+# 0]*[0-9]*(\.[0-9]+)?[a-zA-Z%]`)

// TestCertTexts: every key in both catalogues with the same verbs; the
// Vietnamese ones written with diacritics.
func TestCertTexts(t *testing.T) {
	for k, vi := range textsVI {
		en, ok := textsEN[k]
		if !ok {
			t.Errorf("%s is missing in English", k)
			continue
		}
		if got, want := verbs.FindAllString(en, -1), verbs.FindAllString(vi, -1); !slices.Equal(got, want) {
			t.Errorf("%s: English verbs %v, Vietnamese %v", k, got, want)
		}
	}
	for k := range textsEN {
		if _, ok := textsVI[k]; !ok {
			t.Errorf("%s is in English only", k)
		}
	}
	if !strings.Contains(textsVI["cert.missing.attendance"], "buổi") {
		t.Error("Vietnamese texts lack diacritics")
	}
}

// TestCertificateDates: the course's dates in its zone, dd/mm/yyyy.
func TestCertificateDates(t *testing.T) {
	c := &Certificate{Starts: time.Date(2017, 7, 10, 1, 0, 0, 0, time.UTC), Ends: time.Date(2017, 11, 1, 9, 30, 0, 0, time.UTC), Zone: "Asia/Ho_Chi_Minh"}
	if got, want := c.Dates(), "10/07/2017 – 01/11/2017"; got != want {
		t.Errorf("dates %q, want %q", got, want)
	}
}
