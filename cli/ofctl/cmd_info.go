package ofctl

// Commands that read the switch: show, dump-desc, dump-tables,
// dump-table-features, dump-ports, dump-ports-desc.

import (
	"fmt"

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

func cmdDumpTableFeatures(e *env, args []string) error {
	return e.simpleRequests(args[0], mp(&ofp.TableFeaturesRequest{}), nil)
}

func cmdDumpPortsDesc(e *env, args []string) error {
	return e.simpleRequests(args[0], mp(&ofp.PortDescRequest{}), nil)
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
