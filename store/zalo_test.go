package store_test

import (
	"slices"
	"testing"
	"time"

	"github.com/cohortbot/cohortbot/bot"
)

func TestZaloChoices(t *testing.T) {
	t.Parallel()
	st, srv := MustStore(t)
	ctx := MustContext(t)
	user := bot.UserKey("zalo:0000000000000000abcd")

	if id, data, err := st.Choices(ctx, user); err != nil || id != 0 || data != nil {
		t.Fatalf("no choices yet: got %d %v %v", id, data, err)
	}
	if err := st.SetChoices(ctx, user, 42, []string{"cs:y:CODE:", "cs:n:CODE:"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	id, data, err := st.Choices(ctx, user)
	if err != nil || id != 42 || !slices.Equal(data, []string{"cs:y:CODE:", "cs:n:CODE:"}) {
		t.Fatalf("choices = %d %v %v", id, data, err)
	}
	// The key of store/doc.go, with its TTL.
	ttl, err := srv.Client().TTL(ctx, "{u:zalo:0000000000000000abcd}:choices").Result()
	if err != nil || ttl <= 0 || ttl > time.Hour {
		t.Fatalf("ttl = %v %v", ttl, err)
	}
	// A new list replaces the old one.
	if err := st.SetChoices(ctx, user, 43, []string{"reg:g:1:c"}, time.Hour); err != nil {
		t.Fatal(err)
	}
	if id, data, _ := st.Choices(ctx, user); id != 43 || len(data) != 1 {
		t.Fatalf("replaced choices = %d %v", id, data)
	}
}
