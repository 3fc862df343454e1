// Package telegramtest owns a fake Telegram Bot API server for end-to-end tests.
//
// The fake speaks the wire protocol of api.telegram.org closely enough that a bot
// built on go-telegram-bot-api is tested for real: it routes /bot<token>/<method>
// and /file/bot<token>/<path>, accepts parameters as a query string, a
// form-urlencoded, multipart or JSON body, validates them the way Telegram does
// (text length in UTF-16 code units, MarkdownV2 and HTML parsing, inline keyboard
// limits, "message is not modified", ...) and answers with Telegram's own error
// codes and descriptions. It keeps the state a bot depends on: pending updates
// with getUpdates' confirmation by offset, the messages of every chat (so edits
// and deletions are checked), files, the webhook and the command lists.
//
// Tests push updates with PushUpdate, drive the bot, then inspect the recorded
// calls (Calls, Sent, Messages) after synchronising with WaitFor or WaitCalls.
// Failures are programmed with Block, ChatNotFound, FailNext and SetRateLimit.
package telegramtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

const (
	// DefaultToken is the bot token of a Server made without WithToken.
	DefaultToken = "123456:TEST-token"
	// DefaultBotUsername is the username of the fake's bot unless WithBotUser says otherwise.
	DefaultBotUsername = "cohort_test_bot"
	// DefaultFirstUpdateID is the update_id given to the first pushed update.
	DefaultFirstUpdateID = 1000
	// DefaultLongPollCap bounds how long getUpdates waits, whatever timeout the bot asks for,
	// so that a test never stalls for Telegram's usual 30 to 60 seconds.
	DefaultLongPollCap = 2 * time.Second

	// maxRequestBytes is Telegram's upload limit for bots.
	maxRequestBytes = 50 << 20
	// statusClientClosed is recorded for a long poll whose client went away (nginx's code).
	statusClientClosed = 499
)

// Server is a fake Telegram Bot API server. All methods are safe for concurrent use.
type Server struct {
	tb          testing.TB
	srv         *httptest.Server
	token       string
	bot         tgbotapi.User
	firstUpdate int
	pollCap     time.Duration
	knownOnly   bool
	now         func() time.Time
	client      *http.Client
	done        chan struct{}

	mu      sync.Mutex
	changed chan struct{} // closed and replaced on every change of state, to wake waiters

	calls    []Call
	count429 int

	pending      []pendingUpdate
	nextUpdateID int
	pollGen      int // identifies the newest getUpdates; older ones are terminated like Telegram does
	polling      int // getUpdates calls waiting for an update
	callbacks    map[string]bool

	chats map[int64]*chat
	users map[int64]tgbotapi.User

	files    map[string]*file
	filePath map[string]*file
	seq      int

	webhook  webhook
	commands map[commandKey][]tgbotapi.BotCommand

	failures   []failure
	global     *bucket
	globalRate int
	burst      int
	chatRate   float64
	chatBurst  int
}

// Option configures a Server made by New.
type Option func(*Server)

// WithToken sets the bot token the fake accepts; the bot's user id is the token's numeric prefix.
func WithToken(token string) Option {
	return func(s *Server) { s.token = token }
}

// WithBotUser sets the bot user that getMe returns and that sends messages. A zero ID,
// FirstName or UserName keeps its default; the id defaults to the token's numeric prefix.
func WithBotUser(u tgbotapi.User) Option {
	return func(s *Server) {
		if u.ID != 0 {
			s.bot.ID = u.ID
		}
		if u.FirstName != "" {
			s.bot.FirstName = u.FirstName
		}
		if u.UserName != "" {
			s.bot.UserName = u.UserName
		}
		s.bot.CanJoinGroups = u.CanJoinGroups
		s.bot.CanReadAllGroupMessages = u.CanReadAllGroupMessages
		s.bot.SupportsInlineQueries = u.SupportsInlineQueries
	}
}

// WithFirstUpdateID sets the update_id of the first pushed update.
func WithFirstUpdateID(id int) Option {
	return func(s *Server) { s.firstUpdate = id }
}

// WithLongPollCap bounds the wait of a long-polling getUpdates (DefaultLongPollCap by default).
func WithLongPollCap(d time.Duration) Option {
	return func(s *Server) { s.pollCap = d }
}

// WithKnownChatsOnly makes the fake refuse, like Telegram, to send to a chat it has seen no
// update from: 403 "Forbidden: bot can't initiate conversation with a user" for a private
// chat, 400 "Bad Request: chat not found" for a group. By default any chat id is accepted.
func WithKnownChatsOnly() Option {
	return func(s *Server) { s.knownOnly = true }
}

// WithClock sets the clock that dates messages and refills the rate limiters. Long polls
// still wait in real time.
func WithClock(now func() time.Time) Option {
	return func(s *Server) { s.now = now }
}

// New starts a fake Bot API server that is closed when the test ends.
func New(tb testing.TB, opts ...Option) *Server {
	tb.Helper()
	s := &Server{
		tb:          tb,
		token:       DefaultToken,
		bot:         tgbotapi.User{IsBot: true, FirstName: "Cohort Test Bot", UserName: DefaultBotUsername, CanJoinGroups: true},
		firstUpdate: DefaultFirstUpdateID,
		pollCap:     DefaultLongPollCap,
		now:         time.Now,
		client:      &http.Client{Timeout: 30 * time.Second},
		done:        make(chan struct{}),
		changed:     make(chan struct{}),
		callbacks:   make(map[string]bool),
		chats:       make(map[int64]*chat),
		users:       make(map[int64]tgbotapi.User),
		files:       make(map[string]*file),
		filePath:    make(map[string]*file),
		commands:    make(map[commandKey][]tgbotapi.BotCommand),
	}
	for _, opt := range opts {
		opt(s)
	}
	if s.bot.ID == 0 {
		prefix, _, _ := strings.Cut(s.token, ":")
		id, err := strconv.ParseInt(prefix, 10, 64)
		if err != nil {
			id = 123456
		}
		s.bot.ID = id
	}
	s.nextUpdateID = s.firstUpdate
	s.srv = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	tb.Cleanup(func() {
		// Release long polls and waiters first: Close waits for every handler to return.
		close(s.done)
		s.srv.Close()
	})
	return s
}

// URL is the server's base URL, the value for TELEGRAM_API_URL.
func (s *Server) URL() string { return s.srv.URL }

// Token is the bot token the server accepts.
func (s *Server) Token() string { return s.token }

// Endpoint is the API endpoint format for tgbotapi.NewBotAPIWithClient: URL()+"/bot%s/%s".
func (s *Server) Endpoint() string { return s.srv.URL + "/bot%s/%s" }

// FileEndpoint is the download URL format, like tgbotapi.FileEndpoint: URL()+"/file/bot%s/%s".
func (s *Server) FileEndpoint() string { return s.srv.URL + "/file/bot%s/%s" }

// Bot is the bot user that getMe returns.
func (s *Server) Bot() tgbotapi.User { return s.bot }

// request is one Bot API call being served.
type request struct {
	ctx    context.Context
	method string // canonical name, e.g. "sendMessage"
	params map[string]string
	files  map[string]upload
	now    time.Time
}

// upload is a file sent in a multipart body.
type upload struct {
	name string
	data []byte
}

// reply is the answer to a call before it is written as a Bot API response.
type reply struct {
	status      int
	result      any
	description string
	parameters  *tgbotapi.ResponseParameters
}

func ok(result any) reply { return reply{status: http.StatusOK, result: result} }

func badRequest(format string, args ...any) reply {
	return reply{status: http.StatusBadRequest, description: "Bad Request: " + fmt.Sprintf(format, args...)}
}

func forbidden(description string) reply {
	return reply{status: http.StatusForbidden, description: "Forbidden: " + description}
}

func tooManyRequests(retryAfter int) reply {
	return reply{
		status:      http.StatusTooManyRequests,
		description: fmt.Sprintf("Too Many Requests: retry after %d", retryAfter),
		parameters:  &tgbotapi.ResponseParameters{RetryAfter: retryAfter},
	}
}

// method is a Bot API method the fake implements. Unless selfLocked, its handler runs with s.mu held.
type method struct {
	name       string
	handle     func(*Server, *request) reply
	selfLocked bool
}

// lookupMethod finds a method by name; Telegram matches method names case-insensitively.
func lookupMethod(name string) (method, bool) {
	switch strings.ToLower(name) {
	case "getme":
		return method{name: "getMe", handle: (*Server).getMe}, true
	case "getupdates":
		return method{name: "getUpdates", handle: (*Server).getUpdates, selfLocked: true}, true
	case "sendmessage":
		return method{name: "sendMessage", handle: (*Server).sendMessage}, true
	case "sendphoto":
		return method{name: "sendPhoto", handle: (*Server).sendPhoto}, true
	case "senddocument":
		return method{name: "sendDocument", handle: (*Server).sendDocument}, true
	case "sendmediagroup":
		return method{name: "sendMediaGroup", handle: (*Server).sendMediaGroup}, true
	case "editmessagetext":
		return method{name: "editMessageText", handle: (*Server).editMessageText}, true
	case "editmessagecaption":
		return method{name: "editMessageCaption", handle: (*Server).editMessageCaption}, true
	case "editmessagereplymarkup":
		return method{name: "editMessageReplyMarkup", handle: (*Server).editMessageReplyMarkup}, true
	case "editmessagemedia":
		return method{name: "editMessageMedia", handle: (*Server).editMessageMedia}, true
	case "deletemessage":
		return method{name: "deleteMessage", handle: (*Server).deleteMessage}, true
	case "answercallbackquery":
		return method{name: "answerCallbackQuery", handle: (*Server).answerCallbackQuery}, true
	case "setmycommands":
		return method{name: "setMyCommands", handle: (*Server).setMyCommands}, true
	case "getmycommands":
		return method{name: "getMyCommands", handle: (*Server).getMyCommands}, true
	case "deletemycommands":
		return method{name: "deleteMyCommands", handle: (*Server).deleteMyCommands}, true
	case "setwebhook":
		return method{name: "setWebhook", handle: (*Server).setWebhook}, true
	case "deletewebhook":
		return method{name: "deleteWebhook", handle: (*Server).deleteWebhook}, true
	case "getwebhookinfo":
		return method{name: "getWebhookInfo", handle: (*Server).getWebhookInfo}, true
	case "getfile":
		return method{name: "getFile", handle: (*Server).getFile}, true
	case "getchat":
		return method{name: "getChat", handle: (*Server).getChat}, true
	case "getchatmember":
		return method{name: "getChatMember", handle: (*Server).getChatMember}, true
	case "sendchataction":
		return method{name: "sendChatAction", handle: (*Server).sendChatAction}, true
	case "leavechat":
		return method{name: "leaveChat", handle: (*Server).leaveChat}, true
	}
	return method{}, false
}

// canonicalMethod spells a method name the way the fake records it.
func canonicalMethod(name string) string {
	if m, found := lookupMethod(name); found {
		return m.name
	}
	return name
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	if rest, found := strings.CutPrefix(r.URL.Path, "/file/bot"); found {
		s.serveFile(w, r, rest)
		return
	}
	rest, found := strings.CutPrefix(r.URL.Path, "/bot")
	if !found {
		writeReply(w, reply{status: http.StatusNotFound, description: "Not Found"})
		return
	}
	token, name, _ := strings.Cut(rest, "/")
	start := s.now()

	req := &request{ctx: r.Context(), method: name, now: start}
	var rep reply
	m, known := lookupMethod(name)
	switch {
	case name == "" || strings.Contains(name, "/"):
		rep = reply{status: http.StatusNotFound, description: "Not Found"}
	case token != s.token:
		rep = reply{status: http.StatusUnauthorized, description: "Unauthorized"}
	case !known:
		rep = reply{status: http.StatusNotFound, description: "Not Found"}
	}
	if known {
		req.method = m.name
	}
	params, files, err := readParams(r)
	req.params, req.files = params, files
	if rep.status == 0 && err != nil {
		rep = badRequest("%v", err)
	}
	if rep.status == 0 {
		rep = s.call(m, req)
	}
	s.record(req, rep, start)
	writeReply(w, rep)
}

// call runs a known method, after any failure programmed with FailNext.
func (s *Server) call(m method, req *request) reply {
	s.mu.Lock()
	if rep, failed := s.takeFailure(m.name); failed {
		s.mu.Unlock()
		return rep
	}
	if m.selfLocked {
		s.mu.Unlock()
		return m.handle(s, req)
	}
	defer s.mu.Unlock()
	return m.handle(s, req)
}

func writeReply(w http.ResponseWriter, rep reply) {
	resp := tgbotapi.APIResponse{Ok: rep.status == http.StatusOK, Description: rep.description}
	if resp.Ok {
		raw, err := json.Marshal(rep.result)
		if err != nil {
			rep = reply{status: http.StatusInternalServerError, description: "Internal Server Error: " + err.Error()}
			resp = tgbotapi.APIResponse{Description: rep.description}
		} else {
			resp.Result = raw
		}
	}
	if !resp.Ok {
		resp.ErrorCode = rep.status
		resp.Parameters = rep.parameters
	}
	body, err := json.Marshal(resp)
	if err != nil {
		http.Error(w, err.Error(), http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	_, _ = w.Write(body)
}

// readParams collects a call's parameters from the query string and the body, in any of the
// four encodings Telegram accepts. JSON values other than strings are kept as raw JSON, which
// is how the other encodings carry them too.
func readParams(r *http.Request) (map[string]string, map[string]upload, error) {
	params := make(map[string]string)
	for k, vs := range r.URL.Query() {
		if len(vs) > 0 {
			params[k] = vs[0]
		}
	}
	if r.Body == nil || r.Method == http.MethodGet || r.Method == http.MethodHead {
		return params, nil, nil
	}
	r.Body = http.MaxBytesReader(nil, r.Body, maxRequestBytes)
	mediaType, typeParams, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch mediaType {
	case "application/x-www-form-urlencoded":
		if err := r.ParseForm(); err != nil {
			return params, nil, fmt.Errorf("can't parse request body: %w", err)
		}
		for k, vs := range r.PostForm {
			if len(vs) > 0 {
				params[k] = vs[0]
			}
		}
		return params, nil, nil
	case "multipart/form-data":
		files, err := readMultipart(r.Body, typeParams["boundary"], params)
		return params, files, err
	case "application/json":
		var body map[string]json.RawMessage
		if err := json.NewDecoder(r.Body).Decode(&body); err != nil && !errors.Is(err, io.EOF) {
			return params, nil, fmt.Errorf("can't parse JSON object: %w", err)
		}
		for k, raw := range body {
			var str string
			switch {
			case string(raw) == "null":
			case json.Unmarshal(raw, &str) == nil:
				params[k] = str
			default:
				params[k] = string(raw)
			}
		}
		return params, nil, nil
	}
	return params, nil, nil
}

// readMultipart reads every part into memory: the fake keeps uploads for getFile and for the test.
func readMultipart(body io.Reader, boundary string, params map[string]string) (map[string]upload, error) {
	if boundary == "" {
		return nil, errors.New("can't parse multipart body: no boundary")
	}
	files := make(map[string]upload)
	mr := multipart.NewReader(body, boundary)
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return files, nil
		}
		if err != nil {
			return files, fmt.Errorf("can't parse multipart body: %w", err)
		}
		data, err := io.ReadAll(part)
		if err != nil {
			return files, fmt.Errorf("can't read multipart part %q: %w", part.FormName(), err)
		}
		if isFilePart(part) {
			files[part.FormName()] = upload{name: part.FileName(), data: data}
		} else {
			params[part.FormName()] = string(data)
		}
	}
}

// isFilePart tells an uploaded file from a plain field, even when the file has no name.
func isFilePart(part *multipart.Part) bool {
	_, disposition, err := mime.ParseMediaType(part.Header.Get("Content-Disposition"))
	if err != nil {
		return false
	}
	_, named := disposition["filename"]
	return named
}

func (s *Server) getMe(*request) reply { return ok(s.bot) }

// nextSeq numbers the things the fake mints: file ids, paths, album and callback query ids.
func (s *Server) nextSeq() int {
	s.seq++
	return s.seq
}
