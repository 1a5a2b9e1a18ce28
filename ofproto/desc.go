package ofproto

import "github.com/xvs-switch/xvs/ofproto/ofp"

// Version is xvs's version as sw_desc reports it.
var Version = "dev"

// Desc returns the OFPMP_DESC reply of bridge.
func Desc(bridge string) *ofp.Desc { return &ofp.Desc{DPDesc: bridge} }
