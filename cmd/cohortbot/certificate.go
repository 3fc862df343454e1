package main

import (
	"context"
	"fmt"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/cert"
)

// certificate is `cohortbot certificate verify SERIAL`: it says what the
// page /verify/SERIAL says, and exits 0 for a genuine certificate,
// exitNotGenuine for a revoked or unknown serial.
func (a *App) certificate(ctx context.Context, cfg Config, args []string) (int, error) {
	if len(args) != 2 || args[0] != "verify" {
		return 0, badUsage("usage: cohortbot certificate verify SERIAL")
	}
	st, err := openStore(ctx, cfg)
	if err != nil {
		return 0, err
	}
	defer st.Close()
	serial := cert.NormalizeSerial(args[1])
	if !cert.ValidSerial(serial) {
		serial = "" // names nothing: not found, like an unknown serial
	}
	c, err := st.CertificateBySerial(ctx, serial)
	if bot.IsNotFound(err) {
		fmt.Fprintf(a.Stdout, "NOT FOUND: no certificate has the serial %q\n", args[1])
		return exitNotGenuine, nil
	}
	if err != nil {
		return 0, fmt.Errorf("verify certificate: %w", err)
	}
	loc, lerr := time.LoadLocation(c.Zone)
	if lerr != nil {
		loc = time.UTC
	}
	state, code := "GENUINE", exitOK
	if !c.Revoked.IsZero() {
		state, code = "REVOKED on "+c.Revoked.In(loc).Format("02/01/2006"), exitNotGenuine
	}
	fmt.Fprintf(a.Stdout, "%s\nserial:  %s\nname:    %s\ncourse:  %s\ndates:   %s\nissuer:  %s\nissued:  %s\ncohort:  %s\n",
		state, cert.FormatSerial(c.Serial), c.Name, c.Course, c.Dates(), c.Issuer, c.Issued.In(loc).Format("02/01/2006"), c.Cohort)
	return code, nil
}
