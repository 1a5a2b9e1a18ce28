package datapath_test

import (
	"fmt"

	"github.com/xvs-switch/xvs/datapath"
)

func ExampleParseFlow() {
	k, acts, err := datapath.ParseFlow("in_port(1),eth(src=02:00:00:00:00:01,dst=02:00:00:00:00:02)," +
		"eth_type(0x0800),ipv4(src=10.0.0.1,dst=10.0.0.2,proto=17,tos=0,ttl=64,frag=no),udp(src=5000,dst=53)" +
		", packets:0, bytes:0, used:never, actions:set(ipv4(dst=10.0.0.9)),2,push_vlan(vid=10,pcp=0),3")
	if err != nil {
		panic(err)
	}
	fmt.Println(k.InPort, k.TPDst, k.Fields.Has(datapath.FieldUDP))
	for _, a := range acts {
		fmt.Printf("%T %s\n", a, datapath.FormatAction(a))
	}
	// Output:
	// 1 53 true
	// datapath.SetIPv4Dst set(ipv4(dst=10.0.0.9))
	// datapath.Output 2
	// datapath.PushVLAN push_vlan(vid=10,pcp=0)
	// datapath.Output 3
}

func ExampleEncodeAction() {
	s := datapath.EncodeAction(datapath.PushVLAN{TPID: datapath.EthTypeVLAN, TCI: datapath.MakeTCI(10, 5, false)})
	fmt.Printf("kind=%d h=%#x w=%#x\n", s.Kind, s.H, s.W)
	a, _ := datapath.DecodeAction(s)
	fmt.Println(datapath.FormatAction(a))
	// Output:
	// kind=2 h=0x8100 w=0xa00a
	// push_vlan(vid=10,pcp=5)
}
