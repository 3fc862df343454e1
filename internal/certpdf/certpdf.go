// Package certpdf writes a certificate of completion (bot/cert) as a PDF:
// one A4 landscape page with the holder's name, the course, its dates,
// the issuer, the serial and a QR code of the verification link. It is an
// output-format adapter: it imports the type it renders and nothing of
// Redis. The text is set in DejaVu Sans, embedded in the binary, which
// covers every Vietnamese letter (fonts/LICENSE: the Bitstream Vera
// licence, DejaVu changes in the public domain).
package certpdf

import (
	"bytes"
	_ "embed"
	"fmt"
	"strings"
	"time"

	"codeberg.org/go-pdf/fpdf"
	"github.com/skip2/go-qrcode"

	"github.com/cohortbot/cohortbot/bot/cert"
)

var (
	//go:embed fonts/DejaVuSans.ttf
	regular []byte
	//go:embed fonts/DejaVuSans-Bold.ttf
	bold []byte
)

const font = "dejavu"

// Render writes the certificate as a PDF, the QR code holding verifyURL,
// or the serial when there is no verification link. The same certificate
// renders to the same bytes: the document's dates are its issue time.
func Render(c *cert.Certificate, verifyURL string) ([]byte, error) {
	pdf := fpdf.New("L", "mm", "A4", "")
	pdf.SetCompression(true)
	pdf.SetCreationDate(c.Issued)
	pdf.SetModificationDate(c.Issued)
	pdf.SetCatalogSort(true)
	pdf.SetTitle("Giấy chứng nhận "+cert.FormatSerial(c.Serial), true)
	pdf.SetAuthor(c.Issuer, true)
	pdf.SetCreator("cohortbot", true)
	pdf.AddUTF8FontFromBytes(font, "", regular)
	pdf.AddUTF8FontFromBytes(font, "B", bold)
	pdf.SetMargins(20, 15, 20)
	pdf.SetAutoPageBreak(false, 0)
	pdf.AddPage()
	w, h := pdf.GetPageSize()

	// Frame: a thick line and a thin one inside it.
	pdf.SetDrawColor(22, 82, 120)
	pdf.SetLineWidth(1.6)
	pdf.Rect(8, 8, w-16, h-16, "D")
	pdf.SetLineWidth(0.4)
	pdf.Rect(12, 12, w-24, h-24, "D")

	center := func(y float64, style string, size float64, r, g, b int, text string) float64 {
		pdf.SetFont(font, style, size)
		pdf.SetTextColor(r, g, b)
		pdf.SetXY(22, y)
		lh := size * 0.48
		pdf.MultiCell(w-44, lh, text, "", "C", false)
		return pdf.GetY()
	}
	y := 20.0
	if c.Issuer != "" {
		y = center(y, "B", 11, 22, 82, 120, strings.ToUpper(c.Issuer)) + 8
	}
	y = center(y, "B", 34, 22, 82, 120, "GIẤY CHỨNG NHẬN") + 1
	y = center(y, "B", 14, 22, 82, 120, "HOÀN THÀNH KHÓA HỌC") + 1
	y = center(y, "", 10, 90, 100, 110, "Certificate of completion") + 8
	y = center(y, "", 14, 30, 30, 30, "Chứng nhận Ông/Bà") + 3
	y = center(y, "B", 28, 150, 30, 30, c.Name) + 5
	y = center(y, "", 14, 30, 30, 30, "đã hoàn thành khóa học") + 2
	y = center(y, "B", 16, 30, 30, 30, c.Course) + 3
	if d := c.Dates(); d != "" {
		center(y, "", 13, 30, 30, 30, "Thời gian: "+d)
	}

	// The serial, the date of issue and the link at the bottom left, the
	// QR code at the bottom right.
	loc, err := time.LoadLocation(c.Zone)
	if err != nil {
		loc = time.UTC
	}
	pdf.SetTextColor(60, 60, 60)
	pdf.SetFont(font, "", 10)
	pdf.SetXY(22, h-48)
	pdf.CellFormat(180, 5.5, "Số hiệu: "+cert.FormatSerial(c.Serial), "", 2, "L", false, 0, "")
	pdf.CellFormat(180, 5.5, "Ngày cấp: "+c.Issued.In(loc).Format("02/01/2006"), "", 2, "L", false, 0, "")
	if verifyURL != "" {
		pdf.SetFont(font, "", 8)
		pdf.CellFormat(180, 5, "Kiểm tra tính xác thực / Verify: "+verifyURL, "", 2, "L", false, 0, "")
	}
	code := verifyURL
	if code == "" {
		code = cert.FormatSerial(c.Serial)
	}
	png, err := qrcode.Encode(code, qrcode.Medium, 512)
	if err != nil {
		return nil, fmt.Errorf("qr code: %w", err)
	}
	opts := fpdf.ImageOptions{ImageType: "PNG"}
	pdf.RegisterImageOptionsReader("qr", opts, bytes.NewReader(png))
	const side = 34.0
	pdf.ImageOptions("qr", w-22-side, h-22-side, side, side, false, opts, 0, "")

	var buf bytes.Buffer
	if err := pdf.Output(&buf); err != nil {
		return nil, fmt.Errorf("write pdf: %w", err)
	}
	return buf.Bytes(), nil
}
