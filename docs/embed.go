// Package docs holds the project's documentation files that the program also uses, such as the sample plan.
package docs

import _ "embed"

// SamplePlan is docs/plan.sample.yaml: the 2017 course the bot was born
// from, which the console demo shifts to dates around today.
//
//go:embed plan.sample.yaml
var SamplePlan []byte
