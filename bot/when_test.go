package bot

import (
	"testing"
	"time"
)

func TestParseWhen(t *testing.T) {
	loc, err := time.LoadLocation("Asia/Ho_Chi_Minh")
	if err != nil {
		t.Fatal(err)
	}
	// Monday 10 July 2017, 09:00 in Hà Nội.
	now := time.Date(2017, 7, 10, 9, 0, 0, 0, loc)
	at := func(y int, m time.Month, d, h, min int) time.Time { return time.Date(y, m, d, h, min, 0, 0, loc) }
	tests := []struct {
		name    string
		in      string
		want    time.Time
		problem WhenProblem
	}{
		{"full date", "15/07/2017 08:30", at(2017, 7, 15, 8, 30), WhenOK},
		{"single digits", "5/8/2017 8:05", at(2017, 8, 5, 8, 5), WhenOK},
		{"dashes and spaces", "  15-07-2017   08:30 ", at(2017, 7, 15, 8, 30), WhenOK},
		{"dots", "15.07.2017 08:30", at(2017, 7, 15, 8, 30), WhenOK},
		{"this year", "20/07 14:00", at(2017, 7, 20, 14, 0), WhenOK},
		{"Vietnamese hours", "20/07 14h30", at(2017, 7, 20, 14, 30), WhenOK},
		{"Vietnamese whole hour", "20/07 14h", at(2017, 7, 20, 14, 0), WhenOK},
		{"later today", "17:00", at(2017, 7, 10, 17, 0), WhenOK},
		{"passed today: tomorrow", "08:00", at(2017, 7, 11, 8, 0), WhenOK},
		{"this very minute: tomorrow", "09:00", at(2017, 7, 11, 9, 0), WhenOK},
		{"past date", "09/07/2017 10:00", at(2017, 7, 9, 10, 0), WhenPast},
		{"past this year", "01/03 10:00", at(2017, 3, 1, 10, 0), WhenPast},
		{"now is past", "10/07/2017 09:00", at(2017, 7, 10, 9, 0), WhenPast},
		{"a year ahead", "10/07/2018 09:00", at(2018, 7, 10, 9, 0), WhenOK},
		{"more than a year", "10/07/2018 09:01", at(2018, 7, 10, 9, 1), WhenFar},
		{"far", "01/01/2030 08:00", at(2030, 1, 1, 8, 0), WhenFar},
		{"words", "ngày mai", time.Time{}, WhenBad},
		{"empty", "", time.Time{}, WhenBad},
		{"no such day", "31/06/2017 08:00", time.Time{}, WhenBad},
		{"no 29 February this year", "29/02 08:00", time.Time{}, WhenBad},
		{"bad hour", "25:00", time.Time{}, WhenBad},
		{"bad minute", "10:7", time.Time{}, WhenBad},
		{"month first", "07/15/2017 08:00", time.Time{}, WhenBad},
		{"two-digit year", "15/07/17 08:00", time.Time{}, WhenBad},
		{"trailing words", "15/07/2017 08:30 sáng", time.Time{}, WhenBad},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, problem := ParseWhen(tt.in, now)
			if problem != tt.problem {
				t.Fatalf("ParseWhen(%q) problem = %d, want %d (time %v)", tt.in, problem, tt.problem, got)
			}
			if tt.problem != WhenBad && !got.Equal(tt.want) {
				t.Errorf("ParseWhen(%q) = %v, want %v", tt.in, got, tt.want)
			}
		})
	}

	// The last day of a month: "HH:MM" that has passed is the 1st of the next.
	endOfMonth := time.Date(2017, 7, 31, 22, 0, 0, 0, loc)
	if got, p := ParseWhen("07:00", endOfMonth); p != WhenOK || !got.Equal(at(2017, 8, 1, 7, 0)) {
		t.Errorf("07:00 on 31 July 22:00 = %v (%d), want 1 August 07:00", got, p)
	}
}
