package schema

import (
	_ "embed"
	"sync"
)

// openVSwitchJSON is xvs's own Open_vSwitch schema. Its table and column
// names, types, references, root flags and indexes are those Open vSwitch
// clients (ovs-vsctl, ovs-vswitchd's IDL, libovsdb models) expect, so that
// they work against xvs unchanged.
//
//go:embed vswitch.ovsschema
var openVSwitchJSON []byte

var openVSwitch = sync.OnceValue(func() *Schema {
	s, err := Parse(openVSwitchJSON)
	if err != nil {
		panic("schema: embedded Open_vSwitch schema is invalid: " + err.Error())
	}
	return s
})

// OpenVSwitchJSON returns a copy of the embedded Open_vSwitch schema text.
func OpenVSwitchJSON() []byte { return append([]byte(nil), openVSwitchJSON...) }

// OpenVSwitch returns the parsed embedded Open_vSwitch schema. Callers must
// not modify it.
func OpenVSwitch() *Schema { return openVSwitch() }
