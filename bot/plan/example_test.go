package plan_test

import (
	"fmt"

	"github.com/cohortbot/cohortbot/bot/plan"
)

func ExampleParse() {
	src := []byte(`name: "Nâng cao kỹ năng thực hành đánh giá SXSH"
sessions:
  - {id: p1-open, phase: 1, title: "Khai giảng đợt 1", starts: "2017-07-10 08:00", ends: "2017-07-10 11:30", place: "Hà Nội"}
deadlines:
  - {id: report, title: "Nộp báo cáo đánh giá SXSH", due: "2017-10-25 17:00", kind: report}
`)
	p, err := plan.Parse("plan.yaml", src)
	if err != nil {
		fmt.Println(err)
		return
	}
	s, _ := p.Session("p1-open")
	fmt.Println(s.Title, s.Starts)
	d, _ := p.Deadline("report")
	fmt.Println(d.Title, d.Due.Format("02/01/2006 15:04"), p.Reminders.Deadlines)
	// Output:
	// Khai giảng đợt 1 2017-07-10 08:00:00 +0700 +07
	// Nộp báo cáo đánh giá SXSH 25/10/2017 17:00 [168h0m0s 24h0m0s 2h0m0s]
}

func ExampleParse_problems() {
	src := []byte(`name: "Nâng cao kỹ năng thực hành đánh giá SXSH"
timezone: Asia/Hanoii
sessions:
  - {id: p1-open, title: "Khai giảng", starts: "2017-07-10 08:00", ends: "2017-07-10 07:30"}
  - {id: p1-open, title: "Bài 1", starts: "2017-07-10 13:30", ends: "2017-07-10 17:00"}
sesions: []
`)
	_, err := plan.Parse("plan.yaml", src)
	fmt.Println(err)
	// Output:
	// plan.yaml:2: timezone: unknown time zone "Asia/Hanoii"
	// plan.yaml:4: sessions[0].ends: before starts
	// plan.yaml:5: sessions[1].id: duplicate id "p1-open" (first at line 4)
	// plan.yaml:6: sesions: unknown field (did you mean "sessions"?)
}
