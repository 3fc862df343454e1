package telegramtest

import (
	"bytes"
	"fmt"
	"image"
	_ "image/gif" // photos are checked the way Telegram checks them: by decoding them
	_ "image/jpeg"
	_ "image/png"
	"mime"
	"net/http"
	"path"
	"strings"

	tgbotapi "github.com/go-telegram-bot-api/telegram-bot-api/v5"
)

// maxDownloadBytes is the largest file getFile lets a bot download.
const maxDownloadBytes = 20 << 20

// file is a file the fake knows: registered by AddFile, seen in a pushed update or uploaded.
type file struct {
	id       string
	uniqueID string
	kind     string // "photo", "document", "video", "audio", or "" when only AddFile told of it
	data     []byte
	hasData  bool
	size     int
	path     string
	width    int
	height   int
	name     string
	mimeType string
}

// AddFile registers a file's bytes so that getFile answers for fileID and its download
// serves data. A file seen in a pushed update is known to the fake, but has no bytes until
// AddFile gives them.
func (s *Server) AddFile(fileID, uniqueID string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f := s.knowFile(fileID, uniqueID, "")
	f.data, f.hasData, f.size = bytes.Clone(data), true, len(data)
	if cfg, _, err := image.DecodeConfig(bytes.NewReader(data)); err == nil && f.width == 0 {
		f.width, f.height = cfg.Width, cfg.Height
	}
}

// knowFile registers a file id, keeping what is already known of it; callers hold s.mu.
func (s *Server) knowFile(id, uniqueID, kind string) *file {
	f := s.files[id]
	if f == nil {
		f = &file{id: id}
		s.files[id] = f
	}
	if uniqueID != "" {
		f.uniqueID = uniqueID
	}
	if f.uniqueID == "" {
		f.uniqueID = "u-" + id
	}
	if f.kind == "" {
		f.kind = kind
	}
	return f
}

// mintFile makes a new file the way Telegram does for an upload or a URL.
func (s *Server) mintFile(kind string, data []byte, hasData bool) *file {
	n := s.nextSeq()
	prefix, uniquePrefix := "BQACAgIAAxkDAAI", "AgAD"
	if kind == "photo" {
		prefix, uniquePrefix = "AgACAgIAAxkDAAI", "AQAD"
	}
	f := s.knowFile(fmt.Sprintf("%s%08dTG", prefix, n), fmt.Sprintf("%s%08d", uniquePrefix, n), kind)
	f.data, f.hasData, f.size = data, hasData, len(data)
	return f
}

// inputFile resolves the file a send method names in field: an upload, a URL or a file_id.
func (s *Server) inputFile(req *request, field, kind string) (*file, reply, bool) {
	if up, found := req.files[field]; found {
		return s.uploadFile(up, kind)
	}
	ref := req.params[field]
	if ref == "" {
		return nil, badRequest("there is no %s in the request", field), false
	}
	return s.fileRef(req, ref, kind)
}

// fileRef resolves "attach://<field>", an HTTP URL or a file_id.
func (s *Server) fileRef(req *request, ref, kind string) (*file, reply, bool) {
	if field, found := strings.CutPrefix(ref, "attach://"); found {
		up, uploaded := req.files[field]
		if !uploaded {
			return nil, badRequest("can't parse InputMedia: media not found"), false
		}
		return s.uploadFile(up, kind)
	}
	if strings.HasPrefix(ref, "http://") || strings.HasPrefix(ref, "https://") {
		// Telegram downloads the URL; the fake trusts it and has no bytes.
		f := s.mintFile(kind, nil, false)
		f.name = path.Base(ref)
		return f, reply{}, true
	}
	f := s.files[ref]
	if f == nil {
		return nil, badRequest("wrong file identifier/HTTP URL specified"), false
	}
	if f.kind != "" && f.kind != kind {
		return nil, badRequest("type of file mismatch"), false
	}
	return f, reply{}, true
}

func (s *Server) uploadFile(up upload, kind string) (*file, reply, bool) {
	if len(up.data) == 0 {
		return nil, badRequest("file must be non-empty"), false
	}
	var width, height int
	if kind == "photo" {
		cfg, _, err := image.DecodeConfig(bytes.NewReader(up.data))
		if err != nil {
			return nil, badRequest("IMAGE_PROCESS_FAILED"), false
		}
		width, height = cfg.Width, cfg.Height
	}
	f := s.mintFile(kind, bytes.Clone(up.data), true)
	f.width, f.height = width, height
	f.name = path.Base(strings.ReplaceAll(up.name, `\`, "/"))
	f.mimeType = mime.TypeByExtension(path.Ext(f.name))
	if f.mimeType == "" {
		f.mimeType = http.DetectContentType(up.data)
	}
	f.mimeType, _, _ = strings.Cut(f.mimeType, ";")
	return f, reply{}, true
}

// photoSizes lists the sizes Telegram makes of a photo, smallest first, the photo itself last.
func (s *Server) photoSizes(f *file) []tgbotapi.PhotoSize {
	w, h := f.width, f.height
	if w == 0 || h == 0 {
		w, h = 1280, 960
	}
	var sizes []tgbotapi.PhotoSize
	for _, side := range []int{90, 320, 800} {
		if max(w, h) <= side {
			break
		}
		sw, sh := w*side/max(w, h), h*side/max(w, h)
		scaled := s.knowFile(fmt.Sprintf("%s_%d", f.id, side), fmt.Sprintf("%s_%d", f.uniqueID, side), "photo")
		scaled.width, scaled.height = sw, sh
		scaled.data, scaled.hasData, scaled.size = f.data, f.hasData, f.size
		sizes = append(sizes, tgbotapi.PhotoSize{FileID: scaled.id, FileUniqueID: scaled.uniqueID, Width: sw, Height: sh, FileSize: scaled.size})
	}
	return append(sizes, tgbotapi.PhotoSize{FileID: f.id, FileUniqueID: f.uniqueID, Width: w, Height: h, FileSize: f.size})
}

func (f *file) document() *tgbotapi.Document {
	return &tgbotapi.Document{FileID: f.id, FileUniqueID: f.uniqueID, FileName: f.name, MimeType: f.mimeType, FileSize: f.size}
}

func (s *Server) getFile(req *request) reply {
	f := s.files[req.params["file_id"]]
	if f == nil {
		return badRequest("invalid file_id")
	}
	if f.size > maxDownloadBytes {
		return badRequest("file is too big")
	}
	if f.path == "" {
		f.path = fmt.Sprintf("%s/file_%d%s", f.folder(), s.nextSeq(), f.extension())
		s.filePath[f.path] = f
	}
	return ok(tgbotapi.File{FileID: f.id, FileUniqueID: f.uniqueID, FileSize: f.size, FilePath: f.path})
}

func (f *file) folder() string {
	switch {
	case f.kind == "photo", f.kind == "" && strings.HasPrefix(http.DetectContentType(f.data), "image/"):
		return "photos"
	case f.kind == "video", f.kind == "audio":
		return f.kind + "s"
	}
	return "documents"
}

func (f *file) extension() string {
	if ext := path.Ext(f.name); ext != "" {
		return ext
	}
	contentType := f.mimeType
	if contentType == "" && f.hasData {
		contentType = http.DetectContentType(f.data)
	}
	contentType, _, _ = strings.Cut(contentType, ";")
	switch contentType {
	case "image/jpeg":
		return ".jpg"
	case "image/png":
		return ".png"
	case "image/gif":
		return ".gif"
	case "application/pdf":
		return ".pdf"
	case "text/plain":
		return ".txt"
	}
	if f.kind == "photo" {
		return ".jpg"
	}
	return ""
}

// serveFile serves /file/bot<token>/<file_path>, the download URL of a file after getFile.
func (s *Server) serveFile(w http.ResponseWriter, r *http.Request, rest string) {
	token, filePath, _ := strings.Cut(rest, "/")
	if token != s.token {
		writeReply(w, reply{status: http.StatusUnauthorized, description: "Unauthorized"})
		return
	}
	s.mu.Lock()
	f := s.filePath[filePath]
	var data []byte
	found := f != nil && f.hasData
	if found {
		data = f.data
	}
	s.mu.Unlock()
	if !found {
		writeReply(w, reply{status: http.StatusNotFound, description: "Not Found"})
		return
	}
	contentType := mime.TypeByExtension(path.Ext(filePath))
	if contentType == "" {
		contentType = http.DetectContentType(data)
	}
	w.Header().Set("Content-Type", contentType)
	http.ServeContent(w, r, path.Base(filePath), s.now(), bytes.NewReader(data))
}
