// Package coverage keeps named event counters for `xvs appctl
// coverage/show`, in the spirit of Open vSwitch's coverage module: code
// declares a counter once (coverage.New("bridge_reconfigure")) and
// increments it on the event; the listing shows each counter's total and
// its rate over the last 5 seconds, minute and hour.
package coverage
