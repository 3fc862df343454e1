// Package console is cohortbot's terminal adapter: a plain line is a
// message from the current user, "/as NAME [role]" switches user, buttons
// appear as a numbered list answered with "/press N", "/photo PATH
// [caption]" and "/doc PATH" send files, "/quit" or end of input leaves.
// It calls the bot directly, one line at a time.
package console

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"

	"github.com/cohortbot/cohortbot/bot"
)

// Handler is what the console drives (bot.Bot).
type Handler interface {
	Handle(ctx context.Context, u *bot.Update) error
}

// Members lets /as create a member on the fly (store.Store).
type Members interface {
	Member(ctx context.Context, cohort string, user bot.UserKey) (*bot.Member, error)
	PutMember(ctx context.Context, m *bot.Member) error
	SetActive(ctx context.Context, user bot.UserKey, cohort string) error
	TouchProfile(ctx context.Context, user bot.UserKey, name, username string) error
}

// Console is one terminal session.
type Console struct {
	Out     io.Writer
	Members Members
	// Cohort is where /as creates members; Groups are its groups.
	Cohort string
	Groups []string
	Clock  func() time.Time
	// Tick is called before each line with the time elapsed since the
	// previous one, so an embedded store's TTLs count down.
	Tick func(time.Duration)
	// Files, when set, is the folder where files the bot sends (a
	// certificate's PDF, a QR code) are written; their path is printed.
	Files string

	mu      sync.Mutex
	user    bot.UserKey
	name    string
	buttons map[bot.ChatKey]pressable
	nextID  int64
	nextMsg int64
}

type pressable struct {
	msgID   int64
	buttons []bot.Button
}

// Sender returns the bot.Sender that prints to the console.
func (c *Console) Sender() bot.Sender { return sender{c} }

// Run reads lines until /quit or the end of input.
func (c *Console) Run(ctx context.Context, in io.Reader, h Handler) error {
	if c.Clock == nil {
		c.Clock = time.Now
	}
	c.nextID = c.Clock().UnixMicro() // ids stay unique across runs on a shared Redis
	if c.user == "" {
		c.switchTo("ban")
	}
	last := c.Clock()
	r := bufio.NewReaderSize(in, 64*1024)
	c.prompt()
	for {
		raw, n, rerr := readLine(r)
		if rerr != nil && n == 0 {
			if rerr == io.EOF {
				return nil
			}
			return rerr
		}
		if ctx.Err() != nil {
			return nil
		}
		now := c.Clock()
		if c.Tick != nil {
			c.Tick(now.Sub(last))
		}
		last = now
		if n > MaxLine {
			fmt.Fprintf(c.Out, "⚠️  dòng dài %d byte, quá giới hạn %d byte: đã bỏ qua dòng này.\n", n, MaxLine)
		} else {
			quit, err := c.line(ctx, strings.TrimSpace(string(raw)), h)
			if err != nil {
				fmt.Fprintf(c.Out, "⚠️  %v\n", err)
			}
			if quit {
				return nil
			}
		}
		if rerr != nil {
			// The last line had no end: the input is over.
			if rerr == io.EOF {
				return nil
			}
			return rerr
		}
		c.prompt()
	}
}

// MaxLine is the longest input line the console passes on, in bytes; a
// longer one is read to its end and refused, and the session goes on.
const MaxLine = 1 << 20

// readLine reads one line and returns it without its end, and its length
// n in bytes. A line longer than MaxLine is read to its end without being
// kept: raw is nil, n tells how long it was.
func readLine(r *bufio.Reader) (raw []byte, n int, err error) {
	for {
		var chunk []byte
		chunk, err = r.ReadSlice('\n')
		if len(chunk) > 0 && chunk[len(chunk)-1] == '\n' {
			chunk = chunk[:len(chunk)-1]
		}
		n += len(chunk)
		if n <= MaxLine+1 { // room for the \r of a \r\n end
			raw = append(raw, chunk...)
		} else {
			raw = nil
		}
		if err != bufio.ErrBufferFull {
			if len(raw) > 0 && raw[len(raw)-1] == '\r' {
				raw, n = raw[:len(raw)-1], n-1
			}
			return raw, n, err
		}
	}
}

func (c *Console) prompt() { fmt.Fprintf(c.Out, "%s> ", c.name) }

func (c *Console) line(ctx context.Context, line string, h Handler) (quit bool, err error) {
	if line == "" {
		return false, nil
	}
	word, rest, _ := strings.Cut(line, " ")
	rest = strings.TrimSpace(rest)
	switch word {
	case "/quit", "/exit":
		return true, nil
	case "/as":
		return false, c.as(ctx, rest)
	case "/press":
		return false, c.press(ctx, rest, h)
	case "/photo", "/doc":
		return false, c.file(ctx, word == "/photo", rest, h)
	}
	u := c.update(bot.KindText)
	u.Text = line
	// "/name args", or a command's word form ("lịch", "điểm danh 1234"),
	// as on Zalo.
	bot.ParseTyped(&u)
	return false, h.Handle(ctx, &u)
}

func (c *Console) update(k bot.Kind) bot.Update {
	c.mu.Lock()
	c.nextID++
	id := c.nextID
	c.mu.Unlock()
	return bot.Update{
		ID: id, Platform: bot.Console, Kind: k, Time: c.Clock(), Received: c.Clock(),
		User: c.user, UserName: c.name, Chat: c.user.PrivateChat(), ChatType: bot.Private, MessageID: id,
	}
}

// as switches to another person, creating a registered member of the
// demo cohort when a role is given.
func (c *Console) as(ctx context.Context, args string) error {
	fields := strings.Fields(args)
	if len(fields) == 0 {
		return fmt.Errorf("cách dùng: /as TÊN [trainee|lecturer|organiser]")
	}
	var role bot.Role
	if r, ok := bot.ParseRole(strings.ToLower(fields[len(fields)-1])); ok && len(fields) > 1 {
		role, fields = r, fields[:len(fields)-1]
	}
	name := strings.Join(fields, " ")
	c.switchTo(name)
	if role == "" {
		fmt.Fprintf(c.Out, "— bây giờ bạn là %s (%s)\n", c.name, c.user)
		return nil
	}
	m, err := c.Members.Member(ctx, c.Cohort, c.user)
	if err != nil && err != bot.ErrNotFound {
		return err
	}
	if m == nil {
		m = &bot.Member{User: c.user, Cohort: c.Cohort, Name: name, Joined: c.Clock(), Registered: true}
	}
	m.Role = role
	m.Group = ""
	if role == bot.Trainee && len(c.Groups) > 0 {
		m.Group = c.Groups[0]
	}
	if err := c.Members.PutMember(ctx, m); err != nil {
		return err
	}
	if err := c.Members.SetActive(ctx, c.user, c.Cohort); err != nil {
		return err
	}
	fmt.Fprintf(c.Out, "— bây giờ bạn là %s, %s của khóa demo\n", c.name, bot.Text(bot.VI, "role."+string(role)))
	return nil
}

func (c *Console) switchTo(name string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.name = name
	c.user = bot.NewUserKey(bot.Console, Slug(name))
}

// Slug makes a user id from a name: lower-case ASCII letters and digits,
// Vietnamese diacritics dropped ("Hà" → "ha").
func Slug(name string) string {
	var sb strings.Builder
	for _, r := range norm.NFD.String(strings.ToLower(name)) {
		switch {
		case r == 'đ':
			sb.WriteByte('d')
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			sb.WriteRune(r)
		}
	}
	if sb.Len() == 0 {
		return "user"
	}
	return sb.String()
}

func (c *Console) press(ctx context.Context, arg string, h Handler) error {
	n, err := strconv.Atoi(arg)
	c.mu.Lock()
	p := c.buttons[c.user.PrivateChat()]
	c.mu.Unlock()
	if err != nil || n < 1 || n > len(p.buttons) {
		return fmt.Errorf("không có nút số %q; các nút hiện có: %d", arg, len(p.buttons))
	}
	b := p.buttons[n-1]
	if b.URL != "" {
		fmt.Fprintf(c.Out, "🔗 %s\n", b.URL)
		return nil
	}
	u := c.update(bot.KindCallback)
	u.Callback = &bot.Callback{ID: strconv.FormatInt(u.ID, 10), Data: b.Data, MessageID: p.msgID}
	return h.Handle(ctx, &u)
}

func (c *Console) file(ctx context.Context, photo bool, args string, h Handler) error {
	path, caption, _ := strings.Cut(args, " ")
	if path == "" {
		return fmt.Errorf("cách dùng: /photo ĐƯỜNG_DẪN [chú thích] hoặc /doc ĐƯỜNG_DẪN")
	}
	data, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("đọc tệp: %w", err)
	}
	sum := sha256.Sum256(data)
	f := &bot.File{
		ID: "console-" + hex.EncodeToString(sum[:8]), UniqueID: hex.EncodeToString(sum[:16]),
		Name: filepath.Base(path), MIME: mime.TypeByExtension(filepath.Ext(path)), Size: int64(len(data)), Bytes: data,
	}
	kind := bot.KindDocument
	if photo {
		kind = bot.KindPhoto
		f.MIME = "image/jpeg"
	}
	u := c.update(kind)
	u.Text = strings.TrimSpace(caption)
	if photo {
		u.Photo = f
	} else {
		u.Document = f
	}
	return h.Handle(ctx, &u)
}

type sender struct{ c *Console }

// Send prints a message, numbering its buttons for /press.
func (s sender) Send(_ context.Context, m bot.Message) (bot.Sent, error) {
	c := s.c
	c.mu.Lock()
	defer c.mu.Unlock()
	id := m.Edit
	if id == 0 {
		c.nextMsg++
		id = c.nextMsg
	}
	to := ""
	if bot.UserKey(m.Chat) != c.user {
		to = " → " + m.Chat.NativeID()
	}
	edited := ""
	if m.Edit != 0 {
		edited = " (sửa)"
	}
	fmt.Fprintf(c.Out, "\n🤖%s%s\n", to, edited)
	if m.Photo != nil {
		fmt.Fprintf(c.Out, "[ảnh %s]%s\n", fileLabel(m.Photo), c.save(m.Photo))
	}
	if m.Document != nil {
		fmt.Fprintf(c.Out, "[tệp %s]%s\n", fileLabel(m.Document), c.save(m.Document))
	}
	if len(m.Media) > 0 {
		labels := make([]string, len(m.Media))
		for i, f := range m.Media {
			labels[i] = fileLabel(f)
		}
		fmt.Fprintf(c.Out, "[album %d ảnh: %s]\n", len(m.Media), strings.Join(labels, ", "))
	}
	if m.Text != "" {
		fmt.Fprintln(c.Out, m.Text)
	}
	var flat []bot.Button
	for _, row := range m.Buttons {
		flat = append(flat, row...)
	}
	for i, b := range flat {
		fmt.Fprintf(c.Out, "  [%d] %s\n", i+1, b.Text)
	}
	if len(flat) == 0 && m.Edit != 0 && c.buttons[m.Chat].msgID == m.Edit {
		// The edit took the message's buttons away, as on Telegram.
		delete(c.buttons, m.Chat)
	}
	if len(flat) > 0 {
		if c.buttons == nil {
			c.buttons = make(map[bot.ChatKey]pressable)
		}
		c.buttons[m.Chat] = pressable{msgID: id, buttons: flat}
		if bot.UserKey(m.Chat) == c.user {
			fmt.Fprintln(c.Out, "  (gõ /press SỐ để bấm)")
		}
	}
	fmt.Fprintln(c.Out)
	return bot.Sent{Chat: m.Chat, MessageID: id}, nil
}

// save writes a file the bot sent with its bytes into Files and returns
// " → PATH" to print, "" when there is nothing to write.
func (c *Console) save(f *bot.File) string {
	if c.Files == "" || len(f.Bytes) == 0 {
		return ""
	}
	name := filepath.Base(f.Name)
	if name == "." || name == "/" || name == "" {
		name = "tep"
	}
	if err := os.MkdirAll(c.Files, 0o700); err != nil {
		return " (không ghi được: " + err.Error() + ")"
	}
	path := filepath.Join(c.Files, name)
	if err := os.WriteFile(path, f.Bytes, 0o600); err != nil {
		return " (không ghi được: " + err.Error() + ")"
	}
	return " → " + path
}

func fileLabel(f *bot.File) string {
	switch {
	case f.Name != "":
		return f.Name
	case f.URL != "":
		return f.URL
	}
	return f.ID
}

// Answer prints a button's acknowledgement.
func (s sender) Answer(_ context.Context, a bot.Answer) error {
	if a.Text != "" {
		fmt.Fprintf(s.c.Out, "🔔 %s\n", a.Text)
	}
	return nil
}
