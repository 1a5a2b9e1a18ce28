//go:build race

package connmgr

// raceEnabled: the race detector slows everything several times, so
// timing targets are not checked.
const raceEnabled = true
