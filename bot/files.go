package bot

import (
	"path"
	"strings"
)

// file routes a photo or a document sent in the private chat: the
// conversation's flow first (a feature that asked for a file), then the
// kind of file (images to the contest; a report is a document sent in the
// report conversation, /report), then one clear answer.
func (b *Bot) file(c *Context) error {
	if c.Conv != nil {
		if h := b.fileFlows[c.Conv.Flow]; h != nil {
			return h(c)
		}
	}
	switch {
	case c.U.Photo != nil || isImage(c.U.Document):
		if b.images == nil {
			return c.Reply(c.T("err.photo_not_now"))
		}
		return b.images(c)
	case c.U.Document != nil && b.documents != nil:
		return b.documents(c)
	}
	return c.Reply(c.T("err.what_file"))
}

// isImage reports whether a document says it is a picture, by its
// declared type or its name. It only routes the file: whoever takes it
// still checks the bytes.
func isImage(d *File) bool {
	if d == nil {
		return false
	}
	mime := strings.ToLower(strings.TrimSpace(d.MIME))
	return strings.HasPrefix(mime, "image/") || IsImageExt(strings.ToLower(path.Ext(d.Name)))
}

// IsImageExt reports whether a lower-case file extension is a picture's.
func IsImageExt(ext string) bool {
	switch ext {
	case ".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp", ".heic", ".heif", ".svg", ".raw", ".dng", ".cr2", ".nef":
		return true
	}
	return false
}
