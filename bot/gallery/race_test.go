//go:build race

package gallery_test

// raceEnabled: the race detector multiplies a process's memory, so the
// peak-memory test measures a child built without it.
const raceEnabled = true
