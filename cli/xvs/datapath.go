package main

import (
	"github.com/xvs-switch/xvs/cli/dpctl"
	"github.com/xvs-switch/xvs/datapath"
	"github.com/xvs-switch/xvs/datapath/ebpf"
)

// dpctl reads and edits the eBPF datapath through its pinned maps.
func init() {
	dpctl.Open = func(path string) (datapath.Datapath, error) {
		dp, err := ebpf.Open(path)
		if err != nil {
			return nil, err // a literal nil: a typed nil *Datapath would not compare equal to nil
		}
		return dp, nil
	}
}
