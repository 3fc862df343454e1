package plan

// Person is someone the roster (the course workbook's «Danh sách»)
// expects on the course: a trainee who opens the shared trainee link
// picks their group and their own name instead of typing it.
type Person struct {
	Name    string `json:"name"`
	Org     string `json:"org,omitempty"`
	Group   string `json:"group,omitempty"`
	Role    string `json:"role"`
	Contact string `json:"contact,omitempty"` // phone or e-mail, for the organisers
}
