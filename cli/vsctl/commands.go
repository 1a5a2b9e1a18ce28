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

const unlimited = -1

var commandTable []cmdSpec

func init() {
	commandTable = []cmdSpec{
		// Open vSwitch commands.
		{"init", 0, 0, "", "init", cmdInit},
		{"show", 0, 0, "", "show", cmdShow},
		{"emer-reset", 0, 0, "", "emer-reset", cmdEmerReset},

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
