//go:build !race

package gallery_test

const raceEnabled = false
