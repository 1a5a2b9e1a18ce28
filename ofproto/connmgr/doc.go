// Package connmgr manages a bridge's OpenFlow sessions: the controllers it
// connects to (tcp:, unix:), the ones it listens for (ptcp:, punix:) and
// the always-on management socket <rundir>/<bridge>.mgmt that `xvs ofctl`
// and `ovs-ofctl` use.
//
// It owns, per session: hello and version negotiation (OpenFlow 1.0 and
// 1.3, spec 1.3.5 §6.3.1), echo and inactivity probes, the controller role
// and its generation id (§6.3.5, §7.3.9), the asynchronous-message
// configuration (§7.3.10), switch configuration (flags, miss_send_len),
// multipart reassembly and reply splitting (§7.3.5), barriers (§6.2),
// packet-in rate limits and a bounded send queue. Requests go to an
// ofproto.Switch in their OpenFlow 1.3 form (1.0 requests are converted by
// package ofp's convert10 functions); the Switch's asynchronous events come
// back through the ofproto.Listener the Manager registers and are sent to
// the sessions that want them.
//
// Reconnection follows Open vSwitch's rconn: an active connection is retried
// after 1 s, doubling up to the controller's max_backoff (default 8 s).
// Passive listeners and the management socket give "service" sessions, as
// Open vSwitch calls them: they are not controllers for fail-mode purposes
// and get no asynchronous messages until they set a nonzero miss_send_len.
// The Switch is told how many controllers are configured and connected on
// every change; a controller that went down still counts as connected for
// three probe intervals (Open vSwitch's fail-open delay).
//
// See docs/controllers.md for the behaviour in detail.
//
// Concurrency: each session has one reader goroutine that handles its
// messages strictly in order (so a barrier reply follows every earlier
// message's effects and replies), and one writer goroutine that drains a
// bounded queue. Asynchronous messages are queued without blocking the
// Switch; when a queue is full they are dropped and counted.
package connmgr
