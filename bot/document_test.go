package bot_test

import (
	"errors"
	"testing"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/bottest"
)

func TestDetectDocument(t *testing.T) {
	for _, tt := range []struct {
		name string
		raw  []byte
		want bot.DocType
	}{
		{"a PDF", bottest.PDF(), bot.DocPDF},
		{"a DOCX", bottest.OOXML(t, bottest.DOCXType), bot.DocDOCX},
		{"an XLSX", bottest.OOXML(t, bottest.XLSXType), bot.DocXLSX},
		{"a PPTX", bottest.OOXML(t, bottest.PPTXType), bot.DocPPTX},
		{"a DOC", bottest.OLE2("WordDocument"), bot.DocDOC},
		{"an XLS", bottest.OLE2("Workbook"), bot.DocXLS},
		{"a PPT", bottest.OLE2("PowerPoint Document"), bot.DocPPT},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bot.DetectDocument(tt.raw)
			if err != nil || got != tt.want {
				t.Errorf("DetectDocument = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
	for _, tt := range []struct {
		name string
		raw  []byte
	}{
		{"an executable", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00 This program cannot be run in DOS mode.")},
		{"a plain ZIP", bottest.Zip(t, map[string]string{"notes.txt": "hello"})},
		{"a ZIP with content types of no office part", bottest.Zip(t, map[string]string{"[Content_Types].xml": `<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="xml" ContentType="application/xml"/></Types>`})},
		{"a macro-enabled workbook", bottest.OOXML(t, "application/vnd.ms-excel.sheet.macroEnabled.main+xml")},
		{"an installer (OLE2 without an office stream)", bottest.OLE2("SummaryInformation")},
		{"a truncated OLE2 header", bottest.OLE2("WordDocument")[:100]},
		{"a JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF")},
		{"nothing", nil},
		{"a ZIP header and garbage", []byte("PK\x03\x04garbage")},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got, err := bot.DetectDocument(tt.raw)
			if !errors.Is(err, bot.ErrNotDocument) {
				t.Errorf("DetectDocument = %q, %v; want ErrNotDocument", got, err)
			}
		})
	}
}
