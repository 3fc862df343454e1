package store_test

import (
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/cert"
)

// TestCertificates: issuing is idempotent (a second issue returns the
// first certificate and its serial names nothing), a serial finds its
// certificate, revoking is kept, and forgetting the member or deleting
// the cohort leaves no serial that verifies.
func TestCertificates(t *testing.T) {
	st, _ := MustStore(t)
	ctx := MustContext(t)
	now := time.Date(2017, 11, 1, 15, 0, 0, 0, time.UTC)
	MustCohort(t, st, "c1", now)
	u := MustMember(t, st, "c1", "telegram:1", now).User
	first := &cert.Certificate{Serial: cert.NewSerial(), Cohort: "c1", User: u, Name: "Nguyễn Thị Hồng Nhung", Course: "Khóa", Zone: "Asia/Ho_Chi_Minh", Issued: now}
	got, issued, err := st.IssueCertificate(ctx, first)
	if err != nil || !issued || got.Serial != first.Serial || got.Name != first.Name {
		t.Fatalf("issue: %+v %v %v", got, issued, err)
	}
	second := &cert.Certificate{Serial: cert.NewSerial(), Cohort: "c1", User: u, Name: "Khác", Issued: now.Add(time.Hour)}
	got, issued, err = st.IssueCertificate(ctx, second)
	if err != nil || issued || got.Serial != first.Serial {
		t.Fatalf("issue again: %+v %v %v, want the first", got, issued, err)
	}
	if _, err := st.CertificateBySerial(ctx, second.Serial); !bot.IsNotFound(err) {
		t.Errorf("the unused serial: %v, want not found", err)
	}
	if c, err := st.CertificateBySerial(ctx, first.Serial); err != nil || c.Name != "Nguyễn Thị Hồng Nhung" || !c.Revoked.IsZero() {
		t.Errorf("by serial: %+v %v", c, err)
	}
	if _, err := st.RevokeCertificate(ctx, "c1", "telegram:2", "telegram:9", now); !bot.IsNotFound(err) {
		t.Errorf("revoke none: %v", err)
	}
	r, err := st.RevokeCertificate(ctx, "c1", u, "telegram:9", now.Add(24*time.Hour))
	if err != nil || !r.Revoked.Equal(now.Add(24*time.Hour)) || r.Name != first.Name {
		t.Fatalf("revoke: %+v %v", r, err)
	}
	if c, err := st.CertificateBySerial(ctx, first.Serial); err != nil || c.Revoked.IsZero() {
		t.Errorf("revoked by serial: %+v %v", c, err)
	}
	all, err := st.Certificates(ctx, "c1")
	if err != nil || len(all) != 1 {
		t.Errorf("certificates: %v %v", all, err)
	}
	if err := st.ForgetCertificate(ctx, "c1", u); err != nil {
		t.Fatal(err)
	}
	if _, err := st.CertificateBySerial(ctx, first.Serial); !bot.IsNotFound(err) {
		t.Errorf("after forgetting: %v", err)
	}

	// Deleting the cohort drops the serials of its certificates.
	MustCohort(t, st, "c2", now)
	v := MustMember(t, st, "c2", "telegram:3", now).User
	c2 := &cert.Certificate{Serial: cert.NewSerial(), Cohort: "c2", User: v, Name: "Lê Văn Bình", Issued: now}
	if _, _, err := st.IssueCertificate(ctx, c2); err != nil {
		t.Fatal(err)
	}
	if err := st.DeleteCohort(ctx, "c2"); err != nil {
		t.Fatal(err)
	}
	if keys := MustKeys(t, st.Client(), "{cert:*"); len(keys) != 0 {
		t.Errorf("serial keys left: %v", keys)
	}
}
