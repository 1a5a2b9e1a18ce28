package api

import "github.com/xvs-switch/xvs/datapath"

// AppctlRequest runs one appctl command (the syntax of ovs-appctl).
type AppctlRequest struct {
	Command string   `json:"command"`
	Args    []string `json:"args,omitempty"`
	// Format is "text" (default) or "json"; listing commands honour it.
	Format string `json:"format,omitempty"`
}

// AppctlReply is a command's output.
type AppctlReply struct {
	Output string `json:"output"`
}

// Empty is the message of calls that carry nothing.
type Empty struct{}

// DatapathList names the daemon's datapaths ("xvs@br0"), one per bridge.
type DatapathList struct {
	Names []string `json:"names"`
}

// DatapathRef names one datapath.
type DatapathRef struct {
	Datapath string `json:"datapath"`
}

// DatapathStats are a datapath's counters.
type DatapathStats struct {
	Stats datapath.Stats `json:"stats"`
}

// PortList lists a datapath's ports with fresh counters.
type PortList struct {
	Ports []datapath.Port `json:"ports"`
}

// Flow is one cache entry. The key travels as its struct (lossless); the
// actions in the text form of datapath.FormatActions, since
// datapath.Action is an interface.
type Flow struct {
	Key      datapath.FlowKey   `json:"key"`
	Actions  string             `json:"actions"`
	SlowPath bool               `json:"slow_path,omitempty"`
	PortWide bool               `json:"port_wide,omitempty"` // Mask is datapath.PortMask
	Stats    datapath.FlowStats `json:"stats"`
}

// FlowList is a whole dump.
type FlowList struct {
	Flows []Flow `json:"flows"`
}

// FlowKeyRequest names one entry.
type FlowKeyRequest struct {
	Datapath string           `json:"datapath"`
	Key      datapath.FlowKey `json:"key"`
}

// FlowPutRequest installs an entry (datapath.Datapath.Put).
type FlowPutRequest struct {
	Datapath string            `json:"datapath"`
	Key      datapath.FlowKey  `json:"key"`
	Actions  string            `json:"actions"`
	Flags    datapath.PutFlags `json:"flags,omitempty"`
}

// FlowStatsReply carries the final counters of a deleted entry.
type FlowStatsReply struct {
	Stats datapath.FlowStats `json:"stats"`
}

func toFlow(f datapath.Flow) Flow {
	return Flow{Key: f.Key, Actions: datapath.FormatActions(f.Actions), SlowPath: f.SlowPath, PortWide: f.PortWide(), Stats: f.Stats}
}

func fromFlow(f Flow) (datapath.Flow, error) {
	acts, err := datapath.ParseActions(f.Actions)
	if err != nil {
		return datapath.Flow{}, err
	}
	m := datapath.ExactMask()
	if f.PortWide {
		m = datapath.PortMask()
	}
	return datapath.Flow{Key: f.Key, Mask: m, Actions: acts, SlowPath: f.SlowPath, Stats: f.Stats}, nil
}
