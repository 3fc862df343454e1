package telegram_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/cohortbot/cohortbot/bot/telegram"
	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

func TestFetchFromFakeTelegram(t *testing.T) {
	s := telegramtest.New(t)
	c, err := telegram.New(t.Context(), s.Token(), s.URL(), slog.New(slog.DiscardHandler))
	if err != nil {
		t.Fatal(err)
	}
	photo := bytes.Repeat([]byte("photo bytes "), 1000)
	s.AddFile("AgACAgIAAxkBAAIBphoto", "AQADphoto", photo)

	got, err := c.Fetch(t.Context(), "AgACAgIAAxkBAAIBphoto")
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	if !bytes.Equal(got, photo) {
		t.Errorf("Fetch = %d bytes, want the %d registered", len(got), len(photo))
	}
	if calls := s.Calls("getFile"); len(calls) != 1 || calls[0].Params["file_id"] != "AgACAgIAAxkBAAIBphoto" {
		t.Errorf("getFile calls = %+v, want one for the file", calls)
	}

	_, err = c.Fetch(t.Context(), "no-such-file")
	var ae *telegram.APIError
	if !errors.As(err, &ae) || ae.Code != http.StatusBadRequest {
		t.Errorf("Fetch(unknown) error = %v, want a 400 APIError", err)
	}
	if err != nil && strings.Contains(err.Error(), s.Token()) {
		t.Errorf("error contains the token: %v", err)
	}
}

// fileServer is a Bot API that answers getFile with a path and size, and
// serves the download as a test says; it records the download paths.
type fileServer struct {
	token    string
	filePath string
	fileSize int
	download http.HandlerFunc

	mu    sync.Mutex
	paths []string
}

func (f *fileServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	answer := func(result any) {
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"ok": true, "result": result})
	}
	switch {
	case strings.HasSuffix(r.URL.Path, "/bot"+f.token+"/getMe"):
		answer(map[string]any{"id": 42, "is_bot": true, "first_name": "Test", "username": "test_bot"})
	case strings.HasSuffix(r.URL.Path, "/bot"+f.token+"/getFile"):
		answer(map[string]any{"file_id": "F", "file_unique_id": "U", "file_size": f.fileSize, "file_path": f.filePath})
	case strings.Contains(r.URL.Path, "/file/bot"+f.token+"/"):
		f.mu.Lock()
		f.paths = append(f.paths, r.URL.EscapedPath())
		f.mu.Unlock()
		f.download(w, r)
	default:
		http.NotFound(w, r)
	}
}

func TestFetchDownload(t *testing.T) {
	const token = "42:SECRET-token-value"
	serve := func(data []byte) http.HandlerFunc {
		return func(w http.ResponseWriter, _ *http.Request) { _, _ = w.Write(data) }
	}
	tests := []struct {
		name      string
		prefix    string // a self-hosted Bot API server under a path
		filePath  string
		fileSize  int
		download  http.HandlerFunc
		want      []byte
		wantErr   error
		wantPaths []string
	}{
		{
			name: "custom endpoint", prefix: "/tgapi", filePath: "photos/file_1.jpg", fileSize: 3,
			download: serve([]byte("jpg")), want: []byte("jpg"),
			wantPaths: []string{"/tgapi/file/bot" + token + "/photos/file_1.jpg"},
		},
		{
			name: "path segments escaped", filePath: "documents/a b?.jpg",
			download: serve([]byte("x")), want: []byte("x"),
			wantPaths: []string{"/file/bot" + token + "/documents/a%20b%3F.jpg"},
		},
		{
			name: "over the limit by getFile's size", filePath: "photos/big.jpg", fileSize: telegram.MaxDownload + 1,
			download: serve(nil), wantErr: telegram.ErrTooLarge,
		},
		{
			name: "over the limit by the body", filePath: "photos/big.jpg",
			download: serve(make([]byte, telegram.MaxDownload+1)), wantErr: telegram.ErrTooLarge,
			wantPaths: []string{"/file/bot" + token + "/photos/big.jpg"},
		},
		{
			name: "path outside the file folder", filePath: "../../etc/passwd", download: serve(nil),
		},
		{
			name: "no path", download: serve(nil),
		},
		{
			name: "download refused", filePath: "photos/gone.jpg",
			download:  func(w http.ResponseWriter, r *http.Request) { http.NotFound(w, r) },
			wantPaths: []string{"/file/bot" + token + "/photos/gone.jpg"},
		},
		{
			name: "connection dropped", filePath: "photos/cut.jpg",
			download: func(w http.ResponseWriter, _ *http.Request) {
				conn, _, err := http.NewResponseController(w).Hijack()
				if err == nil {
					conn.Close()
				}
			},
			wantPaths: []string{"/file/bot" + token + "/photos/cut.jpg"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fs := &fileServer{token: token, filePath: tt.filePath, fileSize: tt.fileSize, download: tt.download}
			srv := httptest.NewServer(fs)
			t.Cleanup(srv.Close)
			c, err := telegram.New(t.Context(), token, srv.URL+tt.prefix, slog.New(slog.DiscardHandler))
			if err != nil {
				t.Fatal(err)
			}
			got, err := c.Fetch(t.Context(), "F")
			switch {
			case tt.want != nil:
				if err != nil || !bytes.Equal(got, tt.want) {
					t.Errorf("Fetch = %q, %v; want %q", got, err, tt.want)
				}
			case err == nil:
				t.Errorf("Fetch = %d bytes, want an error", len(got))
			case tt.wantErr != nil && !errors.Is(err, tt.wantErr):
				t.Errorf("Fetch error = %v, want %v", err, tt.wantErr)
			}
			if err != nil && strings.Contains(err.Error(), "SECRET") {
				t.Errorf("error contains the token: %v", err)
			}
			fs.mu.Lock()
			defer fs.mu.Unlock()
			// The transport retries a GET once on a dropped connection.
			if paths := slices.Compact(fs.paths); !slices.Equal(paths, tt.wantPaths) {
				t.Errorf("downloads = %q, want %q", paths, tt.wantPaths)
			}
		})
	}
}
