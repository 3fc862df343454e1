package bottest

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"testing"
	"unicode/utf16"
)

// Minimal documents of each type a report may be, built in the test so
// that no binary fixture is needed: they carry exactly what the type
// detection reads.

// The content types of the main parts of Office Open XML packages.
const (
	DOCXType = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
	XLSXType = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
	PPTXType = "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
)

// PDF is a tiny PDF file.
func PDF() []byte {
	return []byte("%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
}

// Zip is a ZIP archive of the files (name → content).
func Zip(tb testing.TB, files map[string]string) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range files {
		w, err := zw.Create(name)
		if err != nil {
			tb.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			tb.Fatal(err)
		}
	}
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// OOXML is an Office Open XML package whose main part has the content
// type (DOCXType, XLSXType, PPTXType or any other).
func OOXML(tb testing.TB, mainType string) []byte {
	tb.Helper()
	return Zip(tb, map[string]string{
		"[Content_Types].xml": `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/main.xml" ContentType="` + mainType + `"/>
</Types>`,
		"_rels/.rels": `<?xml version="1.0"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="main.xml"/></Relationships>`,
		"main.xml":    `<?xml version="1.0"?><document/>`,
	})
}

// OLE2 is a compound file of 512-byte sectors whose directory holds the
// root entry and one stream of the name ("WordDocument" for a .doc).
func OLE2(stream string) []byte {
	raw := make([]byte, 1024)
	copy(raw, []byte{0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1})
	binary.LittleEndian.PutUint16(raw[26:], 3)      // major version
	binary.LittleEndian.PutUint16(raw[28:], 0xFFFE) // byte order
	binary.LittleEndian.PutUint16(raw[30:], 9)      // sector shift: 512 bytes
	binary.LittleEndian.PutUint16(raw[32:], 6)      // mini sector shift
	entry := func(off int, name string, kind byte) {
		units := utf16.Encode([]rune(name))
		for i, u := range units {
			binary.LittleEndian.PutUint16(raw[off+2*i:], u)
		}
		binary.LittleEndian.PutUint16(raw[off+64:], uint16(2*len(units)+2))
		raw[off+66] = kind
	}
	entry(512, "Root Entry", 5)
	entry(512+128, stream, 2)
	return raw
}
