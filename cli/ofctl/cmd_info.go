package ofctl

// Commands that read the switch: show, dump-desc, dump-tables,
// dump-table-features, dump-ports, dump-ports-desc.

import (
	"fmt"
	"strings"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// connect dials the SWITCH argument with the options of e.
func (e *env) connect(target string) (*client, error) {
	return dial(target, e.rundir, e.versions, e.timeout)
}

// print writes one message as ovs-ofctl does, each part of a reply that
// came in several as its own message; or as JSON, joined.
func (e *env) print(r reply) error {
	if !e.json && len(r.parts) > 1 {
		for _, p := range r.parts {
			if _, err := fmt.Fprintln(e.stdout, ofp.Format(p.h, p.m)); err != nil {
				return err
			}
		}
		return nil
	}
	if e.json {
		j, err := ofp.MarshalJSON(r.h, r.m)
		if err != nil {
			return err
		}
		_, err = fmt.Fprintln(e.stdout, string(j))
		return err
	}
	_, err := fmt.Fprintln(e.stdout, ofp.Format(r.h, r.m))
	return err
}

// needMultipart refuses commands whose request is an OpenFlow 1.3
// multipart message on a session of another version.
func needVersion13(c *client, what string) error {
	if c.version != ofp.Version13 {
		return fmt.Errorf("%s needs OpenFlow 1.3 (the session is %s)", what, ofp.VersionString(c.version))
	}
	return nil
}

// simpleRequests connects, sends the request for the session's version
// (req10 nil: the command needs OpenFlow 1.3) and prints the reply.
func (e *env) simpleRequests(target string, req13, req10 ofp.Message) error {
	c, err := e.connect(target)
	if err != nil {
		return err
	}
	defer c.Close()
	m := req13
	if c.version == ofp.Version10 {
		if m = req10; m == nil {
			return needVersion13(c, "this command")
		}
	}
	{
		r, err := c.request(m)
		if err != nil {
			return err
		}
		if err := e.print(r); err != nil {
			return err
		}
	}
	return nil
}

func mp(body ofp.MultipartBody) *ofp.MultipartRequest { return &ofp.MultipartRequest{Body: body} }

func cmdShow(e *env, args []string) error {
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	r, err := c.request(&ofp.FeaturesRequest{})
	if err != nil {
		return err
	}
	if err := e.print(r); err != nil {
		return err
	}
	if c.version == ofp.Version13 {
		// OpenFlow 1.3 features replies carry no ports (spec 1.3.5
		// §7.3.1); ovs-ofctl asks for the port descriptions.
		if r, err = c.request(mp(&ofp.PortDescRequest{})); err != nil {
			return err
		}
		if err := e.print(r); err != nil {
			return err
		}
	}
	// ovs-ofctl spends one xid on a set-config it never sends here; keep
	// the same numbering so that outputs compare equal.
	c.wmu.Lock()
	c.xid++
	c.wmu.Unlock()
	if r, err = c.request(&ofp.GetConfigRequest{}); err != nil {
		return err
	}
	return e.print(r)
}

func cmdDumpDesc(e *env, args []string) error {
	return e.simpleRequests(args[0], mp(&ofp.DescRequest{}), &ofp.StatsRequest10{Type: ofp.ST10Desc})
}

func cmdDumpTables(e *env, args []string) error {
	return e.simpleRequests(args[0], mp(&ofp.TableStatsRequest{}), &ofp.StatsRequest10{Type: ofp.ST10Table})
}

// cmdDumpTableFeatures: OpenFlow 1.0 has no table features; the error
// is ovs-ofctl's.
func cmdDumpTableFeatures(e *env, args []string) error {
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	if c.version != ofp.Version13 {
		return fmt.Errorf("needs OpenFlow 1.3 or later ('-O OpenFlow13')")
	}
	r, err := c.request(mp(&ofp.TableFeaturesRequest{}))
	if err != nil {
		return err
	}
	return e.print(r)
}

// cmdDumpPortsDesc prints the port descriptions. OpenFlow 1.0 lists the
// ports in the features reply (spec 1.0.0 §5.3.1), so a 1.0 session asks
// for that and prints its ports under the name ovs-ofctl gives the reply
// ("OFPST_PORT_DESC reply"; Open vSwitch answers a 1.0 port-description
// request of its own extension with the same ofp_phy_port list). A PORT
// argument is accepted and, as by ovs-ofctl before OpenFlow 1.5, which
// cannot ask for one port, every port is printed.
func cmdDumpPortsDesc(e *env, args []string) error {
	if len(args) > 1 {
		if _, err := ofp.ParsePort(args[1]); err != nil {
			return badUsage("%v", err)
		}
	}
	c, err := e.connect(args[0])
	if err != nil {
		return err
	}
	defer c.Close()
	if c.version == ofp.Version13 {
		r, err := c.request(mp(&ofp.PortDescRequest{}))
		if err != nil {
			return err
		}
		return e.print(r)
	}
	r, err := c.request(&ofp.FeaturesRequest{})
	if err != nil {
		return err
	}
	fr, ok := r.m.(*ofp.FeaturesReply10)
	if !ok {
		return fmt.Errorf("unexpected reply %T to a features request", r.m)
	}
	if e.json {
		return e.print(r)
	}
	_, err = fmt.Fprintln(e.stdout, formatPortDesc10(r.h, fr.Ports))
	return err
}

// formatPortDesc10 prints 1.0 ports as ovs-ofctl prints a port-description
// reply: a header line, then each port as the features reply prints it.
func formatPortDesc10(h ofp.Header, ports []ofp.Port10) string {
	s := fmt.Sprintf("OFPST_PORT_DESC reply (xid=0x%x):", h.Xid)
	if len(ports) == 0 {
		return s
	}
	// The features reply's text is three lines of switch features (the
	// actions line is left out when the bitmap is 0), then the ports.
	text := ofp.Format(h, &ofp.FeaturesReply10{Ports: ports})
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return s
	}
	return s + "\n" + lines[3]
}

func cmdDumpPorts(e *env, args []string) error {
	port := ofp.PortAny
	if len(args) > 1 {
		p, err := ofp.ParsePort(args[1])
		if err != nil {
			return badUsage("%v", err)
		}
		port = p
	}
	var req10 ofp.Message
	if p10, ok := port.To10(); ok {
		req10 = &ofp.StatsRequest10{Type: ofp.ST10Port, Port: &ofp.PortStatsRequest10{PortNo: p10}}
	}
	return e.simpleRequests(args[0], mp(&ofp.PortStatsRequest{PortNo: port}), req10)
}
