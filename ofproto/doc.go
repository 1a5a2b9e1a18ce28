// Package ofproto is the switch's OpenFlow brain: flow tables and the
// classifier, groups, meters, the NORMAL action (MAC learning and VLANs),
// translation of a packet's trip through the pipeline into datapath actions,
// and the connection manager for controller sessions.
//
// It imports ofproto/ofp and datapath, never ovsdb.
package ofproto
