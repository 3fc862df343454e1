package cert

import (
	"context"

	"github.com/cohortbot/cohortbot/bot"
)

// export is the certificates' part of the cohort's workbook: every
// certificate issued, with its serial and whether it was revoked, and
// for the summary how many were issued.
func (c *Cert) export(ctx context.Context, co *bot.Cohort, l bot.Lang) ([]bot.Sheet, error) {
	if co.Plan.Certificate == nil {
		return nil, nil
	}
	certs, err := c.store.Certificates(ctx, co.ID)
	if err != nil {
		return nil, err
	}
	t := func(key string, args ...any) string { return tx(l, key, args...) }
	sheet := bot.Sheet{Name: t("cert.export.sheet"), Columns: []string{
		t("cert.export.col.name"), t("cert.export.col.serial"), t("cert.export.col.issued"), t("cert.export.col.revoked"), t("cert.export.col.verify"),
	}}
	issued, revoked := 0, 0
	for _, ce := range certs {
		var rv any
		if !ce.Revoked.IsZero() {
			rv = ce.Revoked
			revoked++
		} else {
			issued++
		}
		sheet.Rows = append(sheet.Rows, []any{ce.Name, FormatSerial(ce.Serial), ce.Issued, rv, c.VerifyURL(ce.Serial)})
	}
	summary := bot.Sheet{Name: t("cert.export.summary"), Summary: true, Columns: []string{t("cert.export.col.valid"), t("cert.export.col.revoked")},
		Rows: [][]any{{issued, revoked}}}
	return []bot.Sheet{summary, sheet}, nil
}

// myData is the certificates' part of /mydata.
func (c *Cert) myData(ctx context.Context, co *bot.Cohort, m *bot.Member, l bot.Lang) ([]string, error) {
	ce, err := c.store.Certificate(ctx, co.ID, m.User)
	if bot.IsNotFound(err) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return []string{tx(l, "cert.mydata", FormatSerial(ce.Serial), ce.Name)}, nil
}
