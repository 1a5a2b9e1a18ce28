package vsctl

// The command table: every command ovs-vsctl(8) documents that xvs vsctl
// implements, with its argument counts and options.

type cmdSpec struct {
	name             string
	minArgs, maxArgs int    // maxArgs -1: unlimited
	options          string // space-separated option names the command takes
	usage            string
	run              func(c *cmdCtx) error
}

// generic commands may change any column of any row: the bridge cache is
// rebuilt after them.
var generic = map[string]bool{
	"set": true, "add": true, "remove": true, "clear": true,
	"create": true, "destroy": true, "emer-reset": true,
}

const unlimited = -1

var commandTable []cmdSpec

func init() {
	commandTable = []cmdSpec{
		// Open vSwitch commands.
		{"init", 0, 0, "", "init", cmdInit},
		{"show", 0, 0, "", "show", cmdShow},
		{"emer-reset", 0, 0, "", "emer-reset", cmdEmerReset},
		{"comment", 0, unlimited, "", "comment [ARG]...", cmdComment},

		// Bridge commands.
		{"add-br", 1, 3, "--may-exist", "add-br BRIDGE [PARENT VLAN]", cmdAddBr},
		{"del-br", 1, 1, "--if-exists", "del-br BRIDGE", cmdDelBr},
		{"list-br", 0, 0, "--real --fake", "list-br", cmdListBr},
		{"br-exists", 1, 1, "", "br-exists BRIDGE", cmdBrExists},
		{"br-to-vlan", 1, 1, "", "br-to-vlan BRIDGE", cmdBrToVlan},
		{"br-to-parent", 1, 1, "", "br-to-parent BRIDGE", cmdBrToParent},
		{"br-set-external-id", 2, 3, "", "br-set-external-id BRIDGE KEY [VALUE]", cmdBrSetExternalID},
		{"br-get-external-id", 1, 2, "", "br-get-external-id BRIDGE [KEY]", cmdBrGetExternalID},

		// Port commands.
		{"list-ports", 1, 1, "", "list-ports BRIDGE", cmdListPorts},
		{"add-port", 2, unlimited, "--may-exist", "add-port BRIDGE PORT [COLUMN[:KEY]=VALUE]...", cmdAddPort},
		{"add-bond", 4, unlimited, "--may-exist --fake-iface --lacp --bond-mode", "add-bond BRIDGE PORT IFACE... [COLUMN[:KEY]=VALUE]...", cmdAddBond},
		{"del-port", 1, 2, "--if-exists --with-iface", "del-port [BRIDGE] PORT", cmdDelPort},
		{"port-to-br", 1, 1, "", "port-to-br PORT", cmdPortToBr},

		// Interface commands.
		{"list-ifaces", 1, 1, "", "list-ifaces BRIDGE", cmdListIfaces},
		{"iface-to-br", 1, 1, "", "iface-to-br IFACE", cmdIfaceToBr},

		// Controller, fail-mode and manager commands.
		{"get-controller", 1, 1, "", "get-controller BRIDGE", cmdGetController},
		{"del-controller", 1, 1, "", "del-controller BRIDGE", cmdDelController},
		{"set-controller", 1, unlimited, "--inactivity-probe", "set-controller BRIDGE TARGET...", cmdSetController},
		{"get-fail-mode", 1, 1, "", "get-fail-mode BRIDGE", cmdGetFailMode},
		{"del-fail-mode", 1, 1, "", "del-fail-mode BRIDGE", cmdDelFailMode},
		{"set-fail-mode", 2, 2, "", "set-fail-mode BRIDGE standalone|secure", cmdSetFailMode},
		{"get-manager", 0, 0, "", "get-manager", cmdGetManager},
		{"del-manager", 0, 0, "", "del-manager", cmdDelManager},
		{"set-manager", 1, unlimited, "--inactivity-probe", "set-manager TARGET...", cmdSetManager},

		// SSL commands.
		{"get-ssl", 0, 0, "", "get-ssl", cmdGetSSL},
		{"del-ssl", 0, 0, "", "del-ssl", cmdDelSSL},
		{"set-ssl", 3, 3, "--bootstrap", "set-ssl PRIVATE-KEY CERTIFICATE CA-CERT", cmdSetSSL},

		// Database commands.
		{"list", 1, unlimited, "--if-exists --columns", "list TABLE [RECORD]...", cmdList},
		{"find", 1, unlimited, "--columns", "find TABLE [COLUMN[:KEY]=VALUE]...", cmdFind},
		{"get", 2, unlimited, "--if-exists --id", "get TABLE RECORD [COLUMN[:KEY]]...", cmdGet},
		{"set", 3, unlimited, "--if-exists", "set TABLE RECORD COLUMN[:KEY]=VALUE...", cmdSet},
		{"add", 4, unlimited, "--if-exists", "add TABLE RECORD COLUMN [KEY=]VALUE...", cmdAdd},
		{"remove", 4, unlimited, "--if-exists", "remove TABLE RECORD COLUMN KEY|VALUE|KEY=VALUE...", cmdRemove},
		{"clear", 3, unlimited, "--if-exists", "clear TABLE RECORD COLUMN...", cmdClear},
		{"create", 2, unlimited, "--id", "create TABLE COLUMN[:KEY]=VALUE...", cmdCreate},
		{"destroy", 1, unlimited, "--if-exists --all", "destroy TABLE [RECORD]...", cmdDestroy},
		{"wait-until", 2, unlimited, "", "wait-until TABLE RECORD [COLUMN[:KEY]=VALUE]...", cmdWaitUntil},
	}
}

func findCommand(name string) *cmdSpec {
	for i := range commandTable {
		if commandTable[i].name == name {
			return &commandTable[i]
		}
	}
	return nil
}

// The bridge commands read only what they use, as ovs-vsctl's do: on a
// switch with 10,000 ports, reading every column of every Interface would
// cost more than the command. Everything else reads the whole database.
var (
	bridgeModel = map[string][]string{
		"Open_vSwitch": {"bridges"},
		"Bridge":       {"name", "ports", "external_ids"},
		"Port":         {"name", "interfaces", "fake_bridge", "tag", "external_ids"},
		"Interface":    {"name"},
	}
	commandNeeds = map[string]map[string][]string{
		// Table to columns; an empty list reads only _uuid, nil every column.
		"init":           {"Open_vSwitch": {}},
		"get-controller": {"Bridge": {"controller"}, "Controller": {"target"}},
		"del-controller": {"Bridge": {"controller"}, "Controller": {"target"}},
		"set-controller": {"Bridge": {"controller"}, "Controller": {"target"}},
		"get-fail-mode":  {"Bridge": {"fail_mode"}},
		"del-fail-mode":  {"Bridge": {"fail_mode"}},
		"set-fail-mode":  {"Bridge": {"fail_mode"}},
		"get-manager":    {"Open_vSwitch": {"manager_options"}, "Manager": {"target"}},
		"del-manager":    {"Open_vSwitch": {"manager_options"}, "Manager": {"target"}},
		"set-manager":    {"Open_vSwitch": {"manager_options"}, "Manager": {"target"}},
		"get-ssl":        {"Open_vSwitch": {"ssl"}, "SSL": nil},
		"del-ssl":        {"Open_vSwitch": {"ssl"}, "SSL": nil},
		"set-ssl":        {"Open_vSwitch": {"ssl"}, "SSL": nil},
		"comment":        {"Open_vSwitch": {}},
	}
	bridgeCommands = map[string]bool{
		"add-br": true, "del-br": true, "list-br": true, "br-exists": true, "br-to-vlan": true,
		"br-to-parent": true, "br-set-external-id": true, "br-get-external-id": true,
		"list-ports": true, "add-port": true, "add-bond": true, "del-port": true, "port-to-br": true,
		"list-ifaces": true, "iface-to-br": true, "get-controller": true, "del-controller": true,
		"set-controller": true, "get-fail-mode": true, "del-fail-mode": true, "set-fail-mode": true,
	}
)

// tableCommands are the database commands whose first argument is a
// table: they read that table, and the tables its records are named
// through, whole.
var tableCommands = map[string]bool{
	"list": true, "find": true, "get": true, "set": true, "add": true, "remove": true,
	"clear": true, "create": true, "destroy": true, "wait-until": true,
}

// needs returns what the line reads: table name to columns (nil: all
// columns); a table absent is not read.
func needs(cmds []*invocation, sch *dbSchema) map[string][]string {
	need := map[string]map[string]bool{}
	whole := map[string]bool{}
	add := func(m map[string][]string) {
		for tn, cols := range m {
			if cols == nil {
				whole[tn] = true // nil: every column
				continue
			}
			if need[tn] == nil {
				need[tn] = map[string]bool{}
			}
			for _, c := range cols {
				need[tn][c] = true
			}
		}
	}
	all := func() map[string][]string {
		m := map[string][]string{}
		for _, tn := range sch.Names {
			m[tn] = nil
		}
		return m
	}
	for _, inv := range cmds {
		if tableCommands[inv.name] {
			t, err := sch.lookupTable(inv.args[0])
			if err != nil {
				return all()
			}
			whole[t.Name] = true
			whole["Open_vSwitch"] = true
			for _, rid := range rowIDs[t.Name] {
				whole[rid.nameTable] = true
			}
			continue
		}
		extra, known := commandNeeds[inv.name]
		if !known && !bridgeCommands[inv.name] {
			return all()
		}
		if bridgeCommands[inv.name] {
			add(bridgeModel)
		}
		add(extra)
	}
	out := map[string][]string{}
	for tn := range whole {
		if sch.Tables[tn] != nil {
			out[tn] = nil
		}
	}
	for tn, cols := range need {
		t := sch.Tables[tn]
		if t == nil || whole[tn] {
			continue
		}
		list := []string{}
		for c := range cols {
			if t.Columns[c] != nil {
				list = append(list, c)
			}
		}
		out[tn] = list
	}
	return out
}
