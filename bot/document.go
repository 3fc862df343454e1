package bot

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"unicode/utf16"
)

// Documents from users are hostile until checked, like pictures: their
// type comes from their bytes, never from the name or the declared MIME
// type. DetectDocument knows the office formats a course hands in —
// PDF, Word, Excel and PowerPoint, old and new — and nothing else, so a
// renamed executable, a plain ZIP or a macro-enabled workbook is refused.

// DocType is a kind of document, as its bytes say.
type DocType string

// The document types DetectDocument recognises.
const (
	DocPDF  DocType = "pdf"
	DocDOCX DocType = "docx"
	DocXLSX DocType = "xlsx"
	DocPPTX DocType = "pptx"
	DocDOC  DocType = "doc"
	DocXLS  DocType = "xls"
	DocPPT  DocType = "ppt"
)

// Label is how people name the type: "PDF", "Word (.docx)".
func (t DocType) Label() string {
	switch t {
	case DocPDF:
		return "PDF"
	case DocDOCX, DocDOC:
		return "Word (." + string(t) + ")"
	case DocXLSX, DocXLS:
		return "Excel (." + string(t) + ")"
	case DocPPTX, DocPPT:
		return "PowerPoint (." + string(t) + ")"
	}
	return string(t)
}

// ErrNotDocument is returned by DetectDocument for bytes that are none of
// the known document types.
var ErrNotDocument = errors.New("not a pdf, word, excel or powerpoint document")

// maxContentTypes bounds what is read of an Office Open XML package's
// [Content_Types].xml: a real one is a few kilobytes, and a ZIP bomb's
// part must not be inflated whole.
const maxContentTypes = 1 << 20

// ooxmlMain maps the content type of an Office Open XML package's main
// part to its document type. Macro-enabled packages (.docm, .xlsm, .pptm)
// are left out on purpose: a report needs no macros.
var ooxmlMain = map[string]DocType{
	"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml":   DocDOCX,
	"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml":         DocXLSX,
	"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml": DocPPTX,
	"application/vnd.openxmlformats-officedocument.presentationml.slideshow.main+xml":    DocPPTX,
}

// ole2Magic starts every OLE2 compound file (legacy .doc, .xls, .ppt; but
// also .msi installers, which is why the directory is read too).
var ole2Magic = []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1}

// ole2Streams are the main streams of the legacy Office formats, by the
// name their compound file's directory gives them.
var ole2Streams = []struct {
	name string
	t    DocType
}{
	{"WordDocument", DocDOC},
	{"Workbook", DocXLS},
	{"Book", DocXLS}, // Excel 5/95
	{"PowerPoint Document", DocPPT},
}

// DetectDocument tells the type of a document from its bytes: a PDF by
// its "%PDF-" header; Office Open XML by opening the ZIP and reading the
// main part's content type in [Content_Types].xml; legacy Office by the
// OLE2 header and a directory entry naming the format's main stream. It
// fails with ErrNotDocument (wrapped) for anything else.
func DetectDocument(raw []byte) (DocType, error) {
	switch {
	case bytes.HasPrefix(raw, []byte("%PDF-")):
		return DocPDF, nil
	case bytes.HasPrefix(raw, []byte("PK\x03\x04")):
		return detectOOXML(raw)
	case bytes.HasPrefix(raw, ole2Magic):
		return detectOLE2(raw)
	}
	return "", fmt.Errorf("%w: unknown header", ErrNotDocument)
}

func detectOOXML(raw []byte) (DocType, error) {
	zr, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		return "", fmt.Errorf("%w: zip: %v", ErrNotDocument, err)
	}
	var ct *zip.File
	for _, f := range zr.File {
		if f.Name == "[Content_Types].xml" {
			ct = f
			break
		}
	}
	if ct == nil {
		return "", fmt.Errorf("%w: a zip without [Content_Types].xml", ErrNotDocument)
	}
	rc, err := ct.Open()
	if err != nil {
		return "", fmt.Errorf("%w: open [Content_Types].xml: %v", ErrNotDocument, err)
	}
	defer rc.Close()
	var types struct {
		Overrides []struct {
			PartName    string `xml:"PartName,attr"`
			ContentType string `xml:"ContentType,attr"`
		} `xml:"Override"`
	}
	if err := xml.NewDecoder(io.LimitReader(rc, maxContentTypes)).Decode(&types); err != nil {
		return "", fmt.Errorf("%w: [Content_Types].xml: %v", ErrNotDocument, err)
	}
	for _, o := range types.Overrides {
		if t, ok := ooxmlMain[o.ContentType]; ok {
			return t, nil
		}
	}
	return "", fmt.Errorf("%w: no word, excel or powerpoint main part", ErrNotDocument)
}

// detectOLE2 reads a compound file's directory entries for the main
// stream of a legacy Office format. Directory entries are 128 bytes,
// aligned on 128 bytes after the header's sector; each holds its name in
// UTF-16LE (64 bytes), the name's length in bytes with its terminator
// (offset 64) and its object type (offset 66, 2 for a stream).
func detectOLE2(raw []byte) (DocType, error) {
	if len(raw) < 512 {
		return "", fmt.Errorf("%w: short compound file", ErrNotDocument)
	}
	shift := binary.LittleEndian.Uint16(raw[30:32])
	if shift != 9 && shift != 12 {
		return "", fmt.Errorf("%w: compound file sector shift %d", ErrNotDocument, shift)
	}
	for off := 1 << shift; off+128 <= len(raw); off += 128 {
		e := raw[off : off+128]
		n := int(binary.LittleEndian.Uint16(e[64:66]))
		if e[66] != 2 || n < 4 || n > 64 || n%2 != 0 {
			continue
		}
		units := make([]uint16, n/2-1)
		for i := range units {
			units[i] = binary.LittleEndian.Uint16(e[2*i:])
		}
		name := string(utf16.Decode(units))
		for _, s := range ole2Streams {
			if name == s.name {
				return s.t, nil
			}
		}
	}
	return "", fmt.Errorf("%w: a compound file that is not word, excel or powerpoint", ErrNotDocument)
}
