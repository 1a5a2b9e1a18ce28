// Package ofp is the OpenFlow wire codec: every message of OpenFlow 1.0
// (wire version 0x01) and OpenFlow 1.3 (spec 1.3.5, wire version 0x04), both
// directions, with the validation the specs ask of a switch.
//
// The package is stdlib only and never logs. Decoding checks every length
// against the buffer before use; every decode failure is an *Error that
// names the OFPT_ERROR type and code a switch must send back, with Data set
// to the first 64 bytes of the offending message.
//
// Wire types keep the version they came in: messages whose body is the same
// in both versions (hello, echo, barrier, features request, switch config,
// error) are one Go type used with either version; messages whose format
// differs have one Go type per version (the OpenFlow 1.0 ones end in 10).
// One table, msgTable in message_table.go, says which Go type is which
// OFPT_* number in which version, and its minimum length; encoding and
// decoding dispatch there and nowhere else.
//
// Entry points: Unmarshal decodes one framed message, Append/Marshal encode
// one, ReadMessage frames messages from a stream, Negotiate picks the version
// of a session from the two hellos, and Format prints a message in the text
// of `ovs-ofctl ofp-print`.
//
// OpenFlow 1.3 matches, actions and instructions decode leniently (framing
// only), so that whatever a switch reports decodes; the rules a switch
// enforces before acting are in Match.Validate, ValidateActions,
// ValidateInstructions and the Validate methods of flow-mod, group-mod,
// meter-mod, packet-out, table-mod, role and queue get-config messages.
// Decoding of flow-mod, group-mod, meter-mod and packet-out applies
// theirs. docs/ofp.md has the details.
package ofp
