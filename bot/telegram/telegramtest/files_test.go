package telegramtest_test

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"

	"github.com/cohortbot/cohortbot/bot/telegram/telegramtest"
)

// download fetches a file the way a bot must with a custom endpoint: File.Link ignores it.
func download(tb testing.TB, s *telegramtest.Server, filePath string) (int, []byte) {
	tb.Helper()
	resp, err := http.Get(fmt.Sprintf(s.FileEndpoint(), s.Token(), filePath))
	if err != nil {
		tb.Fatalf("download %s: %v", filePath, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("read %s: %v", filePath, err)
	}
	return resp.StatusCode, data
}

func TestSendPhotoUpload(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	photo := pngBytes(t, 400, 300)

	cfg := tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "lang-phi-nuoc.png", Bytes: photo})
	cfg.Caption = "Rò rỉ nước"
	msg, err := bot.Send(cfg)
	if err != nil {
		t.Fatalf("Send photo: %v", err)
	}
	if len(msg.Photo) != 3 || msg.Caption != "Rò rỉ nước" {
		t.Fatalf("photo message = %+v, want 3 sizes (90, 320, original) and the caption", msg)
	}
	largest := msg.Photo[len(msg.Photo)-1]
	if largest.Width != 400 || largest.Height != 300 || largest.FileSize != len(photo) || largest.FileUniqueID == "" {
		t.Errorf("largest size = %+v, want the decoded 400x300 upload", largest)
	}
	if small := msg.Photo[0]; small.Width != 90 || small.Height != 67 {
		t.Errorf("smallest size = %dx%d, want 90x67", small.Width, small.Height)
	}

	calls := s.Calls("sendPhoto")
	if len(calls) != 1 || !bytes.Equal(calls[0].Files["photo"], photo) || calls[0].Params["caption"] != "Rò rỉ nước" {
		t.Fatalf("recorded sendPhoto = %+v, want the uploaded bytes and the caption", calls)
	}

	file, err := bot.GetFile(tgbotapi.FileConfig{FileID: largest.FileID})
	if err != nil {
		t.Fatalf("GetFile: %v", err)
	}
	if !strings.HasPrefix(file.FilePath, "photos/") || file.FileSize != len(photo) {
		t.Errorf("file = %+v, want a photos/ path and the size", file)
	}
	status, data := download(t, s, file.FilePath)
	if status != http.StatusOK || !bytes.Equal(data, photo) {
		t.Errorf("download = %d, %d bytes; want 200 and the uploaded bytes", status, len(data))
	}

	// The bot can send the photo again by its file_id, like a contest gallery does.
	again, err := bot.Send(tgbotapi.NewPhoto(bob.ID, tgbotapi.FileID(largest.FileID)))
	if err != nil {
		t.Fatalf("send by file_id: %v", err)
	}
	if got := again.Photo[len(again.Photo)-1].FileUniqueID; got != largest.FileUniqueID {
		t.Errorf("file_unique_id = %q, want %q", got, largest.FileUniqueID)
	}
}

func TestSendPhotoRefusals(t *testing.T) {
	tests := []struct {
		name string
		file tgbotapi.RequestFileData
		want string
	}{
		{"not an image", tgbotapi.FileBytes{Name: "a.jpg", Bytes: []byte("not a jpeg")}, "Bad Request: IMAGE_PROCESS_FAILED"},
		{"empty", tgbotapi.FileBytes{Name: "a.jpg"}, "Bad Request: file must be non-empty"},
		{"unknown file_id", tgbotapi.FileID("AgACAgIAAxkBAAIBnope"), "Bad Request: wrong file identifier/HTTP URL specified"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s := telegramtest.New(t)
			_, err := mustBot(t, s).Send(tgbotapi.NewPhoto(alice.ID, tt.file))
			var apiErr *tgbotapi.Error
			if !errors.As(err, &apiErr) || apiErr.Message != tt.want {
				t.Fatalf("error = %v, want %q", err, tt.want)
			}
			// The library leaves Code at 0 for multipart uploads; the fake answered 400.
			if got := s.Calls("sendPhoto")[0].Status; got != http.StatusBadRequest {
				t.Errorf("status = %d, want 400", got)
			}
		})
	}
}

func TestGetFileAndDownload(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	report := []byte("%PDF-1.4 báo cáo sản xuất sạch hơn")
	s.AddFile("BQACreport", "AgADreport", report)
	s.PushUpdate(telegramtest.Photo(alice, alice.ID, "AgACphoto", "AQADphoto", "", ""))

	file, err := bot.GetFile(tgbotapi.FileConfig{FileID: "BQACreport"})
	if err != nil {
		t.Fatalf("GetFile: %v", err)
	}
	if file.FileUniqueID != "AgADreport" || file.FileSize != len(report) || !strings.HasSuffix(file.FilePath, ".pdf") {
		t.Errorf("file = %+v", file)
	}
	if status, data := download(t, s, file.FilePath); status != http.StatusOK || !bytes.Equal(data, report) {
		t.Errorf("download = %d %q", status, data)
	}

	// A photo seen in an update is known, but its bytes are the test's to give.
	photo, err := bot.GetFile(tgbotapi.FileConfig{FileID: "AgACphoto"})
	if err != nil {
		t.Fatalf("GetFile of a pushed photo: %v", err)
	}
	if status, _ := download(t, s, photo.FilePath); status != http.StatusNotFound {
		t.Errorf("download without AddFile = %d, want 404", status)
	}
	jpeg := pngBytes(t, 10, 10)
	s.AddFile("AgACphoto", "AQADphoto", jpeg)
	if status, data := download(t, s, photo.FilePath); status != http.StatusOK || !bytes.Equal(data, jpeg) {
		t.Errorf("download after AddFile = %d, %d bytes", status, len(data))
	}

	_, err = bot.GetFile(tgbotapi.FileConfig{FileID: "nope"})
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: invalid file_id")
	resp, err := http.Get(fmt.Sprintf(s.FileEndpoint(), "123456:wrong", file.FilePath))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("download with a wrong token = %d, want 401", resp.StatusCode)
	}
}

func TestSendDocument(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	plan := []byte("%PDF-1.4 kế hoạch khóa học")
	msg, err := bot.Send(tgbotapi.NewDocument(alice.ID, tgbotapi.FileBytes{Name: "ke-hoach.pdf", Bytes: plan}))
	if err != nil {
		t.Fatalf("Send document: %v", err)
	}
	d := msg.Document
	if d == nil || d.FileName != "ke-hoach.pdf" || d.FileSize != len(plan) || d.MimeType != "application/pdf" {
		t.Fatalf("document = %+v", d)
	}
	if _, err := bot.Send(tgbotapi.NewDocument(bob.ID, tgbotapi.FileID(d.FileID))); err != nil {
		t.Errorf("send by file_id: %v", err)
	}
	s.PushUpdate(telegramtest.Photo(alice, alice.ID, "AgACphoto", "AQADphoto", "", ""))
	_, err = bot.Send(tgbotapi.NewDocument(bob.ID, tgbotapi.FileID("AgACphoto")))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: type of file mismatch")
	if _, err := bot.Send(tgbotapi.NewDocument(bob.ID, tgbotapi.FileURL("https://example.vn/plan.pdf"))); err != nil {
		t.Errorf("send by URL: %v", err)
	}
}

func TestSendMediaGroup(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	photo := func(i int) tgbotapi.InputMediaPhoto {
		return tgbotapi.NewInputMediaPhoto(tgbotapi.FileBytes{Name: fmt.Sprintf("%d.png", i), Bytes: pngBytes(t, 20+i, 20)})
	}
	first := photo(1)
	first.Caption = "Giải ảnh"
	msgs, err := bot.SendMediaGroup(tgbotapi.NewMediaGroup(alice.ID, []any{first, photo(2), photo(3)}))
	if err != nil {
		t.Fatalf("SendMediaGroup: %v", err)
	}
	if len(msgs) != 3 || msgs[0].MediaGroupID == "" || msgs[1].MediaGroupID != msgs[0].MediaGroupID || msgs[0].Caption != "Giải ảnh" || msgs[1].Caption != "" {
		t.Fatalf("album = %+v", msgs)
	}
	if msgs[2].MessageID != 3 || msgs[2].Photo[0].Width != 23 {
		t.Errorf("third item = id %d photo %+v", msgs[2].MessageID, msgs[2].Photo)
	}
	if files := s.Calls("sendMediaGroup")[0].Files; len(files) != 3 || files["file-2"] == nil {
		t.Errorf("recorded files = %d, want file-0 to file-2", len(files))
	}

	var eleven []any
	for i := range 11 {
		eleven = append(eleven, tgbotapi.NewInputMediaPhoto(tgbotapi.FileID(msgs[i%3].Photo[0].FileID)))
	}
	_, err = bot.SendMediaGroup(tgbotapi.NewMediaGroup(alice.ID, eleven))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: too much messages to send as an album")
	_, err = bot.SendMediaGroup(tgbotapi.NewMediaGroup(alice.ID, eleven[:1]))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: media must include 2-10 items")
	if got := len(s.Sent(alice.ID)); got != 1 {
		t.Errorf("Sent(alice) = %d calls, want the one album", got)
	}
}

func TestEditMessageMedia(t *testing.T) {
	s := telegramtest.New(t)
	bot := mustBot(t, s)
	sent, err := bot.Send(tgbotapi.NewPhoto(alice.ID, tgbotapi.FileBytes{Name: "1.png", Bytes: pngBytes(t, 50, 50)}))
	if err != nil {
		t.Fatalf("Send photo: %v", err)
	}
	edit := tgbotapi.EditMessageMediaConfig{
		BaseEdit: tgbotapi.BaseEdit{ChatID: alice.ID, MessageID: sent.MessageID},
		Media:    tgbotapi.NewInputMediaPhoto(tgbotapi.FileBytes{Name: "2.png", Bytes: pngBytes(t, 60, 60)}),
	}
	edited, err := bot.Send(edit)
	if err != nil {
		t.Fatalf("editMessageMedia: %v", err)
	}
	if got := edited.Photo[len(edited.Photo)-1]; got.Width != 60 || got.FileUniqueID == sent.Photo[len(sent.Photo)-1].FileUniqueID {
		t.Errorf("edited photo = %+v, want the new 60x60 one", got)
	}

	same := tgbotapi.EditMessageMediaConfig{
		BaseEdit: tgbotapi.BaseEdit{ChatID: alice.ID, MessageID: sent.MessageID},
		Media:    tgbotapi.NewInputMediaPhoto(tgbotapi.FileID(edited.Photo[len(edited.Photo)-1].FileID)),
	}
	_, err = bot.Send(same)
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: message is not modified: specified new message content and reply markup are exactly the same as a current content and reply markup of the message")

	caption, err := bot.Send(tgbotapi.NewEditMessageCaption(alice.ID, sent.MessageID, "Ảnh đoạt giải"))
	if err != nil || caption.Caption != "Ảnh đoạt giải" {
		t.Errorf("editMessageCaption = %q, %v", caption.Caption, err)
	}
	text, err := bot.Send(tgbotapi.NewMessage(alice.ID, "chữ"))
	if err != nil {
		t.Fatal(err)
	}
	_, err = bot.Send(tgbotapi.NewEditMessageText(alice.ID, sent.MessageID, "x"))
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: there is no text in the message to edit")
	same.MessageID = text.MessageID
	_, err = bot.Send(same)
	mustAPIError(t, err, http.StatusBadRequest, "Bad Request: there is no media in the message to edit")
}
