// Package vlog gives each module of vswitchd its own slog level, changed at
// run time by `xvs appctl vlog/set` and shown by `vlog/list`, as Open
// vSwitch's vlog module does. Every module's records go to one handler
// (text or JSON on stderr) with a "module" attribute.
package vlog
