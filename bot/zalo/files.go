package zalo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

// DefaultMaxPhoto bounds a photo's download: more than any phone camera's
// JPEG, far less than what could exhaust the server.
const DefaultMaxPhoto = 10 << 20

// downloadTimeout bounds one photo's download, inside the webhook's
// answer to Zalo.
const downloadTimeout = 15 * time.Second

// Download fetches a photo a user sent while its URL is valid (Zalo's
// links expire), within MaxPhoto bytes. The file's unique id becomes the
// SHA-256 of its bytes, so the same picture sent twice is one contest
// entry; its size and type come from the bytes, not from Zalo. The bytes
// themselves are kept in f.Bytes for the caller; the inbox does not carry
// them (bot.File.Bytes is not serialised).
func (c *Client) Download(ctx context.Context, f *bot.File) error {
	if f == nil || f.URL == "" {
		return nil
	}
	limit := c.MaxPhoto
	if limit <= 0 {
		limit = DefaultMaxPhoto
	}
	ctx, cancel := context.WithTimeout(ctx, downloadTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, f.URL, nil)
	if err != nil {
		return fmt.Errorf("zalo photo: %w", err)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		return fmt.Errorf("zalo photo: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("zalo photo: HTTP %d", resp.StatusCode)
	}
	if resp.ContentLength > limit {
		return fmt.Errorf("zalo photo: %d bytes, more than %d", resp.ContentLength, limit)
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return fmt.Errorf("zalo photo: %w", err)
	}
	if int64(len(data)) > limit {
		return fmt.Errorf("zalo photo: more than %d bytes", limit)
	}
	// Hostile until checked: the format and dimensions come from the
	// bytes, and a picture too costly to decode is refused here.
	info, err := bot.CheckImage(data)
	if err != nil {
		return fmt.Errorf("zalo photo: %w", err)
	}
	sum := sha256.Sum256(data)
	f.UniqueID = "sha256:" + hex.EncodeToString(sum[:])
	f.Size = int64(len(data))
	f.MIME = "image/" + info.Format
	f.Width, f.Height = info.Width, info.Height
	f.Bytes = data
	return nil
}
