package telegramtest_test

import (
	"net/http"
	"reflect"
	"strings"
	"sync"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

func TestSendMessageEcho(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)

	msg := tgbotapi.NewMessage(alice.ID, "Chào mừng đến khóa học")
	msg.ReplyMarkup = inlineKeyboard("reg:yes", "reg:no")
	first, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if first.MessageID != 1 || first.Chat.ID != alice.ID || first.From.ID != s.Bot().ID || first.Date == 0 || first.Text != msg.Text {
		t.Errorf("message = %+v, want id 1 from the bot in Alice's chat with the text", first)
	}
	if got, want := first.ReplyMarkup, msg.ReplyMarkup.(tgbotapi.InlineKeyboardMarkup); got == nil || !reflect.DeepEqual(*got, want) {
		t.Errorf("reply markup = %+v, want %+v", got, want)
	}

	s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, "cảm ơn"))
	next, err := bot.Send(tgbotapi.NewMessage(alice.ID, "  trimmed\n"))
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	if next.MessageID != 3 || next.Text != "trimmed" {
		t.Errorf("next message = id %d %q, want id 3 (after Alice's message) and Telegram's trimmed text", next.MessageID, next.Text)
	}
	if got := len(s.Sent(alice.ID)); got != 2 {
		t.Errorf("Sent(alice) has %d calls, want 2", got)
	}
	if got := len(s.Messages(alice.ID)); got != 3 {
		t.Errorf("Alice's chat shows %d messages, want 3", got)
	}
}

func TestSendMessageValidation(t *testing.T) {
	button := func(data string) tgbotapi.InlineKeyboardMarkup {
		return tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("Bỏ phiếu", data)))
	}
	tests := []struct {
		name      string
		text      string
		parseMode string
		markup    any
		want      string // "" when the message is accepted
	}{
		{name: "plain", text: "Xin chào!"},
		{name: "empty", text: "", want: "Bad Request: message text is empty"},
		{name: "only white space", text: " \n\t", want: "Bad Request: message text is empty"},
		{name: "4096 characters", text: strings.Repeat("a", 4096)},
		{name: "4097 characters", text: strings.Repeat("a", 4097), want: "Bad Request: message is too long"},
		{name: "2048 emoji are 4096 UTF-16 units", text: strings.Repeat("😀", 2048)},
		{name: "2049 emoji are 4098 UTF-16 units", text: strings.Repeat("😀", 2049), want: "Bad Request: message is too long"},
		{name: "4096 Vietnamese letters", text: strings.Repeat("ộ", 4096)},
		{name: "markup counts out of the limit", text: "*" + strings.Repeat("a", 4096) + "*", parseMode: tgbotapi.ModeMarkdownV2},
		{name: "MarkdownV2 unescaped dot", text: "Hạn nộp: 01.11.2017", parseMode: tgbotapi.ModeMarkdownV2,
			want: `Bad Request: can't parse entities: Character '.' is reserved and must be escaped with the preceding '\'`},
		{name: "MarkdownV2 unescaped dash", text: "Bà Rịa - Vũng Tàu", parseMode: tgbotapi.ModeMarkdownV2,
			want: `Bad Request: can't parse entities: Character '-' is reserved and must be escaped with the preceding '\'`},
		{name: "MarkdownV2 unclosed bold", text: "*Giải nhất", parseMode: tgbotapi.ModeMarkdownV2,
			want: "Bad Request: can't parse entities: Can't find end of Bold entity at byte offset 0"},
		{name: "MarkdownV2 unclosed italic", text: "user_name", parseMode: tgbotapi.ModeMarkdownV2,
			want: "Bad Request: can't parse entities: Can't find end of Italic entity at byte offset 4"},
		{name: "MarkdownV2 escaped", text: `*Giải nhất*: Bà Rịa \- Vũng Tàu\. _Hạn_ 01\.11\.2017 \(UTC\+7\)\!`, parseMode: tgbotapi.ModeMarkdownV2},
		{name: "MarkdownV2 link and code", text: "[báo cáo](https://example.vn/a_b?x=1) `a.b-c` ||ẩn||", parseMode: tgbotapi.ModeMarkdownV2},
		{name: "MarkdownV2 parsed to nothing", text: "**", parseMode: tgbotapi.ModeMarkdownV2, want: "Bad Request: message text is empty"},
		{name: "HTML", text: `<b>Giải nhất</b> <a href="https://example.vn">link</a> &lt;3 AT&T`, parseMode: tgbotapi.ModeHTML},
		{name: "HTML unescaped less-than", text: "1 < 2", parseMode: tgbotapi.ModeHTML,
			want: `Bad Request: can't parse entities: Unsupported start tag "" at byte offset 2`},
		{name: "HTML unknown tag", text: "a<br>b", parseMode: tgbotapi.ModeHTML,
			want: `Bad Request: can't parse entities: Unsupported start tag "br" at byte offset 1`},
		{name: "HTML unmatched end tag", text: "<b>x</i>", parseMode: tgbotapi.ModeHTML,
			want: `Bad Request: can't parse entities: Unmatched end tag at byte offset 4, expected "</b>", found "</i>"`},
		{name: "HTML unclosed tag", text: "<b>x", parseMode: tgbotapi.ModeHTML,
			want: `Bad Request: can't parse entities: Can't find end tag corresponding to start tag "b"`},
		{name: "Markdown underscore in a name", text: "Xin chào nguyen_van_a", parseMode: tgbotapi.ModeMarkdown},
		{name: "Markdown odd underscore", text: "Xin chào user_name", parseMode: tgbotapi.ModeMarkdown,
			want: "Bad Request: can't parse entities: Can't find end of the entity starting at byte offset 14"},
		{name: "unknown parse mode", text: "x", parseMode: "RTF", want: "Bad Request: unsupported parse_mode"},
		{name: "callback data of 64 bytes", text: "x", markup: button(strings.Repeat("d", 64))},
		{name: "callback data of 65 bytes", text: "x", markup: button(strings.Repeat("d", 65)), want: "Bad Request: BUTTON_DATA_INVALID"},
		{name: "callback data of 22 Vietnamese letters is 66 bytes", text: "x", markup: button(strings.Repeat("ộ", 22)), want: "Bad Request: BUTTON_DATA_INVALID"},
		{name: "button without action", text: "x",
			markup: tgbotapi.NewInlineKeyboardMarkup([]tgbotapi.InlineKeyboardButton{{Text: "Bỏ phiếu"}}),
			want:   "Bad Request: can't parse inline keyboard button: Text buttons are unallowed in the inline keyboard"},
		{name: "button without text", text: "x",
			markup: tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonData("", "d"))),
			want:   "Bad Request: BUTTON_TEXT_INVALID"},
		{name: "URL button", text: "x", markup: tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Tài liệu", "https://example.vn/tai-lieu")))},
		{name: "URL button with a script", text: "x",
			markup: tgbotapi.NewInlineKeyboardMarkup(tgbotapi.NewInlineKeyboardRow(tgbotapi.NewInlineKeyboardButtonURL("Tài liệu", "javascript:alert(1)"))),
			want:   "Bad Request: BUTTON_URL_INVALID"},
		{name: "reply keyboard", text: "x", markup: tgbotapi.NewReplyKeyboard(tgbotapi.NewKeyboardButtonRow(tgbotapi.NewKeyboardButtonContact("Gửi số điện thoại")))},
		{name: "remove keyboard", text: "x", markup: tgbotapi.NewRemoveKeyboard(true)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.New(t)
			msg := tgbotapi.NewMessage(alice.ID, tt.text)
			msg.ParseMode, msg.ReplyMarkup = tt.parseMode, tt.markup
			_, err := mustBot(t, s).Send(msg)
			if tt.want == "" {
				if err != nil {
					t.Fatalf("Send: %v", err)
				}
				return
			}
			mustAPIError(t, err, http.StatusBadRequest, tt.want)
			if got := s.Sent(alice.ID); len(got) != 0 {
				t.Errorf("a refused message is reported by Sent: %+v", got)
			}
		})
	}
}

func TestRawReplyMarkupMustParse(t *testing.T) {
	s := telegramtest.New(t)
	_, err := mustBot(t, s).MakeRequest("sendMessage", tgbotapi.Params{"chat_id": "501", "text": "x", "reply_markup": "{inline_keyboard:"})
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: can't parse reply keyboard markup JSON object")
}

func TestParsedEntities(t *testing.T) {
	tests := []struct {
		name      string
		text      string
		parseMode string
		wantText  string
		want      []tgbotapi.MessageEntity
	}{
		{
			name:      "MarkdownV2 after an emoji",
			text:      "😀 *đậm* _nghiêng_ __gạch__ ~xoá~ ||ẩn|| `mã` [liên kết](https://example.vn/x_\\)y) \\*",
			parseMode: tgbotapi.ModeMarkdownV2,
			wantText:  "😀 đậm nghiêng gạch xoá ẩn mã liên kết *",
			want: []tgbotapi.MessageEntity{
				{Type: "bold", Offset: 3, Length: 3},
				{Type: "italic", Offset: 7, Length: 7},
				{Type: "underline", Offset: 15, Length: 4},
				{Type: "strikethrough", Offset: 20, Length: 3},
				{Type: "spoiler", Offset: 24, Length: 2},
				{Type: "code", Offset: 27, Length: 2},
				{Type: "text_link", Offset: 30, Length: 8, URL: "https://example.vn/x_)y"},
			},
		},
		{
			name:      "MarkdownV2 pre with language",
			text:      "```go\nfmt.Println(1)\n```",
			parseMode: tgbotapi.ModeMarkdownV2,
			wantText:  "fmt.Println(1)",
			want:      []tgbotapi.MessageEntity{{Type: "pre", Offset: 0, Length: 14, Language: "go"}},
		},
		{
			name:      "HTML",
			text:      `<b>Giải <i>nhất</i></b> &amp; <a href="https://example.vn/?a=1&amp;b=2">xem</a> <pre><code class="language-go">x</code></pre>`,
			parseMode: tgbotapi.ModeHTML,
			wantText:  "Giải nhất & xem x",
			want: []tgbotapi.MessageEntity{
				{Type: "bold", Offset: 0, Length: 9},
				{Type: "italic", Offset: 5, Length: 4},
				{Type: "text_link", Offset: 12, Length: 3, URL: "https://example.vn/?a=1&b=2"},
				{Type: "pre", Offset: 16, Length: 1, Language: "go"},
			},
		},
		{
			name:      "Markdown",
			text:      "*Giải* _nhất_ `x` [web](https://example.vn)",
			parseMode: tgbotapi.ModeMarkdown,
			wantText:  "Giải nhất x web",
			want: []tgbotapi.MessageEntity{
				{Type: "bold", Offset: 0, Length: 4},
				{Type: "italic", Offset: 5, Length: 4},
				{Type: "code", Offset: 10, Length: 1},
				{Type: "text_link", Offset: 12, Length: 3, URL: "https://example.vn"},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.New(t)
			msg := tgbotapi.NewMessage(alice.ID, tt.text)
			msg.ParseMode = tt.parseMode
			got, err := mustBot(t, s).Send(msg)
			if err != nil {
				t.Fatalf("Send: %v", err)
			}
			if got.Text != tt.wantText {
				t.Errorf("text = %q, want %q", got.Text, tt.wantText)
			}
			if !reflect.DeepEqual(got.Entities, tt.want) {
				t.Errorf("entities = %+v\nwant %+v", got.Entities, tt.want)
			}
		})
	}
}

func TestEdits(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	keyboard := inlineKeyboard("vote:1", "vote:2")
	msg := tgbotapi.NewMessage(alice.ID, "Ảnh số 1")
	msg.ReplyMarkup = keyboard
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, "của tôi"))
	const notModified = "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message"

	sameText := tgbotapi.NewEditMessageTextAndMarkup(alice.ID, sent.MessageID, "Ảnh số 1", keyboard)
	_, err = bot.Send(sameText)
	mustAPIError(t, err, http.StatusBadRequest, notModified)

	withoutKeyboard := tgbotapi.NewEditMessageText(alice.ID, sent.MessageID, "Ảnh số 1")
	edited, err := bot.Send(withoutKeyboard)
	if err != nil {
		t.Fatalf("edit without reply_markup: %v", err)
	}
	if edited.ReplyMarkup != nil || edited.EditDate == 0 {
		t.Errorf("edited = markup %+v edit_date %d; Telegram drops the keyboard and sets edit_date", edited.ReplyMarkup, edited.EditDate)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(alice.ID, sent.MessageID, keyboard))
	if err != nil {
		t.Fatalf("editMessageReplyMarkup: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageReplyMarkup(alice.ID, sent.MessageID, keyboard))
	mustAPIError(t, err, http.StatusBadRequest, notModified)

	bold := tgbotapi.NewEditMessageTextAndMarkup(alice.ID, sent.MessageID, "*Ảnh số 1*", keyboard)
	bold.ParseMode = tgbotapi.ModeMarkdownV2
	if _, err := bot.Send(bold); err != nil {
		t.Errorf("same text in bold is a modification: %v", err)
	}

	tests := []struct {
		name string
		edit tgbotapi.Chattable
		want string
	}{
		{"unknown message", tgbotapi.NewEditMessageText(alice.ID, 99, "x"), "Bad Request: message to edit not found"},
		{"user's message", tgbotapi.NewEditMessageText(alice.ID, 2, "x"), "Bad Request: message can't be edited"},
		{"caption of a text", tgbotapi.NewEditMessageCaption(alice.ID, sent.MessageID, "x"), "Bad Request: there is no caption in the message to edit"},
		{"empty text", tgbotapi.NewEditMessageText(alice.ID, sent.MessageID, ""), "Bad Request: message text is empty"},
		{"other chat", tgbotapi.NewEditMessageText(bob.ID, sent.MessageID, "x"), "Bad Request: message to edit not found"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := bot.Send(tt.edit)
			mustAPIError(t, err, http.StatusBadRequest, tt.want)
		})
	}

	if _, err := bot.Request(tgbotapi.NewDeleteMessage(alice.ID, sent.MessageID)); err != nil {
		t.Fatalf("deleteMessage: %v", err)
	}
	_, err = bot.Request(tgbotapi.NewDeleteMessage(alice.ID, sent.MessageID))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: message to delete not found")
	_, err = bot.Send(tgbotapi.NewEditMessageText(alice.ID, sent.MessageID, "x"))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: message to edit not found")

	if got := s.Messages(alice.ID); len(got) != 1 || got[0].Text != "của tôi" {
		t.Errorf("chat shows %+v, want only Alice's message", got)
	}
	var methods []string
	for _, c := range s.Sent(alice.ID) {
		methods = append(methods, c.Method)
	}
	want := []string{"sendMessage", "editMessageText", "editMessageReplyMarkup", "editMessageText"}
	if !reflect.DeepEqual(methods, want) {
		t.Errorf("Sent(alice) methods = %v, want %v", methods, want)
	}
}

func TestCallbackQuery(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	msg := tgbotapi.NewMessage(alice.ID, "Bình chọn ảnh")
	msg.ReplyMarkup = inlineKeyboard("vote:1")
	sent, err := bot.Send(msg)
	if err != nil {
		t.Fatalf("Send: %v", err)
	}
	s.PushUpdate(telegramtest.CallbackQuery(alice, alice.ID, sent.MessageID, "vote:1"))

	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{})
	if err != nil || len(updates) != 1 {
		t.Fatalf("GetUpdates = %d updates, %v", len(updates), err)
	}
	q := updates[0].CallbackQuery
	if q == nil || q.ID == "" || q.Data != "vote:1" || q.From.ID != alice.ID || q.ChatInstance == "" {
		t.Fatalf("callback query = %+v", q)
	}
	if q.Message == nil || q.Message.Text != "Bình chọn ảnh" || q.Message.ReplyMarkup == nil || q.Message.From.ID != s.Bot().ID {
		t.Errorf("callback query message = %+v, want the bot's message with its keyboard", q.Message)
	}

	_, err = bot.Request(tgbotapi.NewCallback(q.ID, strings.Repeat("ư", 201)))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: MESSAGE_TOO_LONG")
	if _, err := bot.Request(tgbotapi.NewCallback(q.ID, "Đã ghi nhận")); err != nil {
		t.Fatalf("answerCallbackQuery: %v", err)
	}
	_, err = bot.Request(tgbotapi.NewCallback(q.ID, ""))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid")
	_, err = bot.Request(tgbotapi.NewCallback("made-up", ""))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: query is too old and response timeout expired or query ID is invalid")
}

func TestChatFailures(t *testing.T) {
	tests := []struct {
		name     string
		opts     []telegramtest.Option
		setup    func(*telegramtest.Server)
		chatID   int64
		wantCode int
		want     string
		migrate  int64
	}{
		{
			name:     "blocked by the user",
			setup:    func(s *telegramtest.Server) { s.Block(alice.ID) },
			chatID:   alice.ID,
			wantCode: http.StatusForbidden,
			want:     "Forbidden: bot was blocked by the user",
		},
		{
			name:     "kicked from a group",
			setup:    func(s *telegramtest.Server) { s.Block(-42) },
			chatID:   -42,
			wantCode: http.StatusForbidden,
			want:     "Forbidden: bot was kicked from the group chat",
		},
		{
			name:     "chat not found",
			setup:    func(s *telegramtest.Server) { s.ChatNotFound(777) },
			chatID:   777,
			wantCode: http.StatusBadRequest,
			want:     "Bad Request: chat not found",
		},
		{
			name:     "group upgraded",
			setup:    func(s *telegramtest.Server) { s.MigrateChat(-42, -1001000000042) },
			chatID:   -42,
			wantCode: http.StatusBadRequest,
			want:     "Bad Request: group chat was upgraded to a supergroup chat",
			migrate:  -1001000000042,
		},
		{
			name:     "user never wrote",
			opts:     []telegramtest.Option{telegramtest.WithKnownChatsOnly()},
			setup:    func(*telegramtest.Server) {},
			chatID:   bob.ID,
			wantCode: http.StatusForbidden,
			want:     "Forbidden: bot can't initiate conversation with a user",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.New(t, tt.opts...)
			bot := mustBot(t, s)
			tt.setup(s)
			_, err := bot.Send(tgbotapi.NewMessage(tt.chatID, "Nhắc lịch"))
			apiErr := mustAPIError(t, err, tt.wantCode, tt.want)
			if apiErr.MigrateToChatID != tt.migrate {
				t.Errorf("migrate_to_chat_id = %d, want %d", apiErr.MigrateToChatID, tt.migrate)
			}
			_, err = bot.Request(tgbotapi.NewChatAction(tt.chatID, tgbotapi.ChatTyping))
			mustAPIError(t, err, tt.wantCode, tt.want)
		})
	}
}

func TestBlockedAnswerIsTelegrams(t *testing.T) {
	s := telegramtest.New(t)
	s.Block(alice.ID)
	req := mustRequest(t, http.MethodPost, s.URL()+"/bot"+s.Token()+"/sendMessage?chat_id=501&text=hi", "", nil)
	status, body := rawCall(t, req)
	if want := `{"ok":false,"error_code":403,"description":"Forbidden: bot was blocked by the user"}`; status != http.StatusForbidden || body != want {
		t.Errorf("got %d %s, want 403 %s", status, body, want)
	}
}

func TestKnownChatsOnlyAcceptsUsersWhoWrote(t *testing.T) {
	s := telegramtest.New(t, telegramtest.WithKnownChatsOnly())
	bot := mustBot(t, s)
	s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, "/start"))
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "Chào Alice")); err != nil {
		t.Fatalf("Send to a user who wrote: %v", err)
	}
}

func TestChatInfo(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	const group = -1009876543210
	u := telegramtest.TextMessage(alice, group, "hi")
	u.Message.Chat.Title = "Nhóm Hải Phòng"
	s.PushUpdate(u)
	s.SetMemberStatus(group, bob.ID, "administrator")

	chat, err := bot.GetChat(tgbotapi.ChatInfoConfig{ChatConfig: tgbotapi.ChatConfig{ChatID: group}})
	if err != nil || chat.Title != "Nhóm Hải Phòng" || chat.Type != "supergroup" {
		t.Errorf("GetChat = %+v, %v", chat, err)
	}
	tests := []struct {
		user int64
		want string
	}{
		{alice.ID, "member"},
		{bob.ID, "administrator"},
		{999, "left"},
	}
	for _, tt := range tests {
		member, err := bot.GetChatMember(tgbotapi.GetChatMemberConfig{ChatConfigWithUser: tgbotapi.ChatConfigWithUser{ChatID: group, UserID: tt.user}})
		if err != nil || member.Status != tt.want || member.User.ID != tt.user {
			t.Errorf("GetChatMember(%d) = %+v, %v; want %s", tt.user, member, err, tt.want)
		}
	}
	if _, err := bot.Request(tgbotapi.NewChatAction(group, "dancing")); err == nil {
		t.Error("unknown chat action accepted")
	}
	if _, err := bot.Request(tgbotapi.LeaveChatConfig{ChatID: group}); err != nil {
		t.Fatalf("leaveChat: %v", err)
	}
	_, err = bot.Send(tgbotapi.NewMessage(group, "x"))
	mustAPIError(t, err, http.StatusForbidden, "Forbidden: bot is not a member of the supergroup chat")
}

func TestConcurrentSends(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	chats := []int64{alice.ID, bob.ID, -42}
	var wg sync.WaitGroup
	for _, chatID := range chats {
		for range 10 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := bot.Send(tgbotapi.NewMessage(chatID, "song song")); err != nil {
					t.Errorf("Send: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	for _, chatID := range chats {
		seen := make(map[int]bool)
		for _, m := range s.Messages(chatID) {
			seen[m.MessageID] = true
		}
		for id := 1; id <= 10; id++ {
			if !seen[id] {
				t.Errorf("chat %d: message ids %v, want 1 to 10", chatID, seen)
				break
			}
		}
	}
}

func TestReplyTo(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, "Tôi muốn đăng ký"))

	reply := tgbotapi.NewMessage(alice.ID, "Đã đăng ký")
	reply.ReplyToMessageID = 1
	got, err := bot.Send(reply)
	if err != nil {
		t.Fatalf("Send reply: %v", err)
	}
	if got.ReplyToMessage == nil || got.ReplyToMessage.Text != "Tôi muốn đăng ký" {
		t.Errorf("reply_to_message = %+v, want Alice's message", got.ReplyToMessage)
	}

	reply.ReplyToMessageID = 42
	_, err = bot.Send(reply)
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: message to be replied not found")
	reply.AllowSendingWithoutReply = true
	if _, err := bot.Send(reply); err != nil {
		t.Errorf("Send with allow_sending_without_reply: %v", err)
	}

	// A user's reply to the bot's message arrives with the quoted message filled in.
	u := telegramtest.TextMessage(alice, alice.ID, "cảm ơn")
	u.Message.ReplyToMessage = &tgbotapi.Message{MessageID: got.MessageID}
	s.PushUpdate(u)
	updates, err := bot.GetUpdates(tgbotapi.UpdateConfig{Offset: 1001})
	if err != nil || len(updates) != 1 {
		t.Fatalf("GetUpdates = %d updates, %v", len(updates), err)
	}
	if quoted := updates[0].Message.ReplyToMessage; quoted == nil || quoted.Text != "Đã đăng ký" || quoted.From.ID != s.Bot().ID {
		t.Errorf("quoted message = %+v, want the bot's reply", quoted)
	}
}

func TestUnblock(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	s.Block(alice.ID)
	_, err := bot.Send(tgbotapi.NewMessage(alice.ID, "x"))
	mustAPIError(t, err, http.StatusForbidden, "Forbidden: bot was blocked by the user")
	s.Unblock(alice.ID)
	if _, err := bot.Send(tgbotapi.NewMessage(alice.ID, "x")); err != nil {
		t.Errorf("Send after Unblock: %v", err)
	}
}

func TestChatIDByUsername(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	u := telegramtest.TextMessage(alice, -1001000000007, "hi")
	u.Message.Chat.UserName = "sxsh_2017"
	s.PushUpdate(u)
	s.PushUpdate(telegramtest.TextMessage(alice, alice.ID, "hi"))

	if _, err := bot.Send(tgbotapi.NewMessageToChannel("@sxsh_2017", "Thông báo")); err != nil {
		t.Errorf("send to a public group by username: %v", err)
	}
	_, err := bot.Send(tgbotapi.NewMessageToChannel("@alice", "x"))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: chat not found")
}

func TestCaptionTooLong(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	s.PushUpdate(telegramtest.Photo(alice, alice.ID, "AgACp", "AQADp", "", ""))
	photo := tgbotapi.NewPhoto(bob.ID, tgbotapi.FileID("AgACp"))
	photo.Caption = strings.Repeat("ả", 1024)
	if _, err := bot.Send(photo); err != nil {
		t.Fatalf("caption of 1024 characters: %v", err)
	}
	photo.Caption += "!"
	_, err := bot.Send(photo)
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: message caption is too long")
}
