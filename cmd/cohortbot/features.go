package main

import (
	"github.com/cohortbot/cohortbot/bot"
	"github.com/cohortbot/cohortbot/bot/announce"
	"github.com/cohortbot/cohortbot/bot/attend"
	"github.com/cohortbot/cohortbot/bot/cert"
	"github.com/cohortbot/cohortbot/bot/contest"
	"github.com/cohortbot/cohortbot/bot/course"
	"github.com/cohortbot/cohortbot/bot/export"
	"github.com/cohortbot/cohortbot/bot/report"
	"github.com/cohortbot/cohortbot/bot/score"
	"github.com/cohortbot/cohortbot/bot/timetable"
	"github.com/cohortbot/cohortbot/internal/certpdf"
	"github.com/cohortbot/cohortbot/store"
)

// featureSet is the program's features: the list the bot runs, and the
// values other parts of the program read (the gallery reads the contest).
type featureSet struct {
	All     bot.Features
	Contest *contest.Contest
	Reports *report.Reports
	// Cert takes the public URL its verification links start with.
	Cert *cert.Cert
	// Course reads workbooks sent in chat, downloaded from the platform.
	Course *course.Course
}

// features builds the one list of the features the program runs: serve,
// console, the management commands and every end-to-end test build the
// bot and plan due items from it. Its order is the order of their routes
// and of their lines in the organisers' digest.
func features(st *store.Store) featureSet {
	ct := contest.New(st)
	rp := report.New(st)
	cs := course.New(st)
	at := attend.New(st)
	// Certificates count attendance through the attendance feature and
	// are written by the PDF adapter: neither feature imports the other.
	ce := cert.New(st, at, certpdf.Render)
	return featureSet{
		All: bot.Features{
			announce.New(st).Feature(),
			ct.Feature(),
			timetable.New(st).Feature(),
			rp.Feature(),
			// The scores break ties by the earlier report: the store
			// answers for the reports.
			score.New(st, st).Feature(),
			at.Feature(),
			ce.Feature(),
			cs.Feature(),
			// Last: it writes every other feature's tables.
			export.New().Feature(),
		},
		Contest: ct,
		Reports: rp,
		Cert:    ce,
		Course:  cs,
	}
}
