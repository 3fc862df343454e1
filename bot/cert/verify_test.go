package cert

import (
	"context"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

type fakeLookup map[string]*Certificate

func (f fakeLookup) CertificateBySerial(_ context.Context, serial string) (*Certificate, error) {
	if c, ok := f[serial]; ok {
		return c, nil
	}
	return nil, bot.ErrNotFound
}

// TestVerifyHandler: genuine and revoked serials (200) in Vietnamese or
// English, an unknown or malformed one (404) naming nobody, the name
// escaped, and the page neither cached nor indexed.
func TestVerifyHandler(t *testing.T) {
	issued := time.Date(2017, 11, 1, 8, 0, 0, 0, time.UTC)
	good := &Certificate{Serial: "AAAABBBBCCCCDDDD", Name: "Nguyễn Thị <b>Nhung</b>", Course: "Khóa SXSH", Zone: "Asia/Ho_Chi_Minh",
		Issuer: "Vụ KHCN", Issued: issued, Starts: issued.AddDate(0, -4, 0), Ends: issued}
	revoked := *good
	revoked.Serial, revoked.Revoked = "EEEEFFFFGGGGHHHH", issued.AddDate(0, 0, 3)
	h := VerifyHandler(fakeLookup{good.Serial: good, revoked.Serial: &revoked}, slog.New(slog.DiscardHandler))
	for _, tt := range []struct {
		name, path, accept string
		code               int
		want, not          []string
	}{
		{"genuine", "/verify/AAAA-BBBB-CCCC-DDDD", "", 200, []string{"Giấy chứng nhận hợp lệ", "Nguyễn Thị &lt;b&gt;Nhung&lt;/b&gt;", "Khóa SXSH", "01/07/2017 – 01/11/2017", "AAAA-BBBB-CCCC-DDDD", `lang="vi"`}, []string{"<b>Nhung"}},
		{"lower case, English by query", "/verify/aaaabbbbccccdddd?lang=en", "", 200, []string{"Genuine certificate", `lang="en"`}, nil},
		{"English by the browser", "/verify/AAAABBBBCCCCDDDD", "en-US,en;q=0.8,vi;q=0.5", 200, []string{"Genuine certificate"}, nil},
		{"Vietnamese browser", "/verify/AAAABBBBCCCCDDDD", "vi-VN,en;q=0.5", 200, []string{"hợp lệ"}, nil},
		{"revoked", "/verify/EEEE-FFFF-GGGG-HHHH", "", 200, []string{"đã bị thu hồi ngày 04/11/2017", "Nguyễn"}, []string{"hợp lệ"}},
		{"unknown", "/verify/ZZZZ-ZZZZ-ZZZZ-ZZZZ", "", 404, []string{"Không tìm thấy giấy chứng nhận"}, []string{"Nguyễn", "Khóa SXSH"}},
		{"malformed", "/verify/%3Cscript%3E", "", 404, []string{"Không tìm thấy"}, []string{"<script>"}},
		{"unknown in English", "/verify/ZZZZ?lang=en", "", 404, []string{"Certificate not found"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			mux := http.NewServeMux()
			mux.Handle(VerifyPattern, h)
			req := httptest.NewRequest(http.MethodGet, tt.path, nil)
			if tt.accept != "" {
				req.Header.Set("Accept-Language", tt.accept)
			}
			w := httptest.NewRecorder()
			mux.ServeHTTP(w, req)
			body, _ := io.ReadAll(w.Result().Body)
			if w.Code != tt.code {
				t.Errorf("status %d, want %d", w.Code, tt.code)
			}
			for _, s := range tt.want {
				if !strings.Contains(string(body), s) {
					t.Errorf("body lacks %q:\n%s", s, body)
				}
			}
			for _, s := range tt.not {
				if strings.Contains(string(body), s) {
					t.Errorf("body holds %q", s)
				}
			}
			if w.Header().Get("Cache-Control") != "no-store" || w.Header().Get("X-Robots-Tag") != "noindex" {
				t.Errorf("headers %v", w.Header())
			}
		})
	}
}
