package telegramtest_test

import (
	"bytes"
	"fmt"
	"mime/multipart"
	"net/http"
	"net/url"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

func TestGetMe(t *testing.T) {
	tests := []struct {
		name string
		opts []telegramtest.Option
		want tgbotapi.User
	}{
		{
			name: "defaults",
			want: tgbotapi.User{ID: 123456, IsBot: true, FirstName: "Cohort Test Bot", UserName: "cohort_test_bot", CanJoinGroups: true},
		},
		{
			name: "token and user",
			opts: []telegramtest.Option{
				telegramtest.WithToken("987:other"),
				telegramtest.WithBotUser(tgbotapi.User{FirstName: "Khóa học", UserName: "khoahoc_bot"}),
			},
			want: tgbotapi.User{ID: 987, IsBot: true, FirstName: "Khóa học", UserName: "khoahoc_bot"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.New(t, tt.opts...)
			bot := mustBot(t, s)
			if got := bot.Self; got != tt.want {
				t.Errorf("Self = %+v, want %+v", got, tt.want)
			}
			if got := s.Bot(); got != tt.want {
				t.Errorf("Bot() = %+v, want %+v", got, tt.want)
			}
		})
	}
}

func TestRouting(t *testing.T) {
	s := telegramtest.New(t)
	tests := []struct {
		name       string
		method     string
		path       string
		wantStatus int
		wantBody   string
	}{
		{
			name:       "wrong token",
			method:     http.MethodPost,
			path:       "/bot123456:wrong/getMe",
			wantStatus: http.StatusUnauthorized,
			wantBody:   `{"ok":false,"error_code":401,"description":"Unauthorized"}`,
		},
		{
			name:       "unknown method",
			method:     http.MethodPost,
			path:       "/bot" + s.Token() + "/sendTelepathy",
			wantStatus: http.StatusNotFound,
			wantBody:   `{"ok":false,"error_code":404,"description":"Not Found"}`,
		},
		{
			name:       "no method",
			method:     http.MethodGet,
			path:       "/bot" + s.Token() + "/",
			wantStatus: http.StatusNotFound,
			wantBody:   `{"ok":false,"error_code":404,"description":"Not Found"}`,
		},
		{
			name:       "not the API",
			method:     http.MethodGet,
			path:       "/index.html",
			wantStatus: http.StatusNotFound,
			wantBody:   `{"ok":false,"error_code":404,"description":"Not Found"}`,
		},
		{
			name:       "method names ignore case",
			method:     http.MethodGet,
			path:       "/bot" + s.Token() + "/GETME",
			wantStatus: http.StatusOK,
			wantBody:   `{"ok":true,"result":{"id":123456,"is_bot":true,"first_name":"Cohort Test Bot","username":"cohort_test_bot","can_join_groups":true}}`,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := rawCall(t, mustRequest(t, tt.method, s.URL()+tt.path, "", nil))
			if status != tt.wantStatus || body != tt.wantBody {
				t.Errorf("got %d %s, want %d %s", status, body, tt.wantStatus, tt.wantBody)
			}
		})
	}

	calls := s.Calls()
	if len(calls) != 4 {
		t.Fatalf("recorded %d calls, want 4 (the non-API path is not a call): %+v", len(calls), calls)
	}
	if got := calls[0]; got.Method != "getMe" || got.Status != http.StatusUnauthorized {
		t.Errorf("wrong-token call recorded as %s %d, want getMe 401", got.Method, got.Status)
	}
	if got := calls[3]; got.Method != "getMe" || !got.OK() {
		t.Errorf("GETME recorded as %s %d, want getMe 200", got.Method, got.Status)
	}
}

// Telegram takes parameters in four encodings; the fake must read all of them the same way.
func TestParamEncodings(t *testing.T) {
	s := telegramtest.New(t)
	endpoint := fmt.Sprintf(s.Endpoint(), s.Token(), "sendMessage")
	markup := `{"inline_keyboard":[[{"text":"Bỏ phiếu","callback_data":"vote:7"}]]}`

	var multi bytes.Buffer
	mw := multipart.NewWriter(&multi)
	for _, kv := range [][2]string{{"chat_id", "501"}, {"text", "Xin chào"}, {"reply_markup", markup}} {
		if err := mw.WriteField(kv[0], kv[1]); err != nil {
			t.Fatal(err)
		}
	}
	if err := mw.Close(); err != nil {
		t.Fatal(err)
	}
	form := url.Values{"chat_id": {"501"}, "text": {"Xin chào"}, "reply_markup": {markup}}

	tests := []struct {
		name string
		req  *http.Request
	}{
		{"query string", mustRequest(t, http.MethodGet, endpoint+"?"+form.Encode(), "", nil)},
		{"form", mustRequest(t, http.MethodPost, endpoint, "application/x-www-form-urlencoded", strings.NewReader(form.Encode()))},
		{"multipart", mustRequest(t, http.MethodPost, endpoint, mw.FormDataContentType(), &multi)},
		{"json", mustRequest(t, http.MethodPost, endpoint, "application/json; charset=utf-8",
			strings.NewReader(`{"chat_id":501,"text":"Xin chào","reply_markup":`+markup+`}`))},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s.Reset()
			status, body := rawCall(t, tt.req)
			if status != http.StatusOK {
				t.Fatalf("status %d: %s", status, body)
			}
			calls := s.Calls("sendMessage")
			if len(calls) != 1 {
				t.Fatalf("recorded %d sendMessage calls, want 1", len(calls))
			}
			got := calls[0].Params
			if got["chat_id"] != "501" || got["text"] != "Xin chào" || got["reply_markup"] != markup {
				t.Errorf("params = %q, want chat_id 501, text and raw reply_markup %s", got, markup)
			}
			if !strings.Contains(body, `"text":"Xin chào"`) || !strings.Contains(body, `"callback_data":"vote:7"`) {
				t.Errorf("result does not echo the message and its keyboard: %s", body)
			}
		})
	}
}
