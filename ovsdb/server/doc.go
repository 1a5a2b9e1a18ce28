// Package server is the OVSDB JSON-RPC server of RFC 7047 §4: sessions over
// stream sockets (punix: and ptcp: remotes), the methods list_dbs,
// get_schema, transact, cancel, monitor, monitor_cond, monitor_cond_since,
// monitor_cond_change, monitor_cancel, lock, steal, unlock, echo and
// set_db_change_aware, and the update, update2, update3, locked and stolen
// notifications.
//
// Each session has one reader goroutine that dispatches requests in order
// and one writer goroutine that drains a bounded outbound queue: a peer that
// stops reading while updates pile up past Config.MaxBacklog bytes is
// disconnected instead of growing the server's memory. Incoming messages
// are limited to Config.MaxMessage bytes.
package server
