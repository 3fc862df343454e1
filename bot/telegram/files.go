package telegram

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// MaxDownload is the largest file the Bot API lets a bot download
// (getFile refuses bigger ones), and so the most Fetch reads.
const MaxDownload = 20 << 20

// ErrTooLarge is returned by Fetch for a file over MaxDownload.
var ErrTooLarge = errors.New("file is larger than the bot api's download limit")

// Fetch downloads a file by its file_id: getFile for its path, then the
// bytes from {TELEGRAM_API_URL}/file/bot{token}/{path}. The URL is built
// here because the library's File.Link ignores a custom endpoint. Errors
// never contain the token.
func (c *Client) Fetch(ctx context.Context, fileID string) ([]byte, error) {
	resp, err := c.request(ctx, tgbotapi.FileConfig{FileID: fileID})
	if err != nil {
		err = asAPIError(err)
		// getFile refuses a file over the limit ("Bad Request: file is
		// too big") when the update did not say its size.
		if strings.Contains(strings.ToLower(err.Error()), "file is too big") {
			return nil, fmt.Errorf("telegram getFile: %w: %w", ErrTooLarge, err)
		}
		return nil, fmt.Errorf("telegram getFile: %w", err)
	}
	var f tgbotapi.File
	if err := json.Unmarshal(resp.Result, &f); err != nil {
		return nil, fmt.Errorf("decode getFile: %w", err)
	}
	if f.FileSize > MaxDownload {
		return nil, fmt.Errorf("telegram file of %d bytes: %w", f.FileSize, ErrTooLarge)
	}
	link, err := c.fileURL(f.FilePath)
	if err != nil {
		return nil, err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, link, nil)
	if err != nil {
		return nil, c.scrub(fmt.Errorf("telegram download: %w", err))
	}
	res, err := c.http.Do(req)
	if err != nil {
		// The transport's error quotes the URL, token included.
		return nil, c.scrub(fmt.Errorf("telegram download: %w", err))
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, 4<<10))
		return nil, fmt.Errorf("telegram download: %s", res.Status)
	}
	data, err := io.ReadAll(io.LimitReader(res.Body, MaxDownload+1))
	if err != nil {
		return nil, c.scrub(fmt.Errorf("telegram download: %w", err))
	}
	if len(data) > MaxDownload {
		return nil, fmt.Errorf("telegram download: %w", ErrTooLarge)
	}
	return data, nil
}

// fileURL builds the download URL of a getFile path, escaping each segment
// so that a path cannot step outside /file/bot{token}/.
func (c *Client) fileURL(filePath string) (string, error) {
	if filePath == "" {
		return "", errors.New("telegram getFile: no file_path in the answer")
	}
	segs := strings.Split(filePath, "/")
	for i, s := range segs {
		if s == "" || s == "." || s == ".." {
			return "", fmt.Errorf("telegram getFile: unusable file_path %q", filePath)
		}
		segs[i] = url.PathEscape(s)
	}
	return c.apiURL + "/file/bot" + string(c.token) + "/" + strings.Join(segs, "/"), nil
}
