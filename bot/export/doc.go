// Package export is the cohort's Excel export: /export in an organiser's
// private chat, and `cohortbot export --cohort ID --out FILE.xlsx`. It
// knows no feature: the core and every feature give their tables
// (bot.Feature.Export), and this package writes them as one workbook, a
// summary sheet first, with excelize.
package export
