// Package meter is the OpenFlow meter table (OpenFlow 1.3.5 §5.7): the
// meters a switch holds, the checks an OFPT_METER_MOD must pass (§6.6,
// errors §7.4.4 OFPMMFC_*), the meter multipart replies (§7.3.5.12-14), and
// the datapath meters that enforce them.
//
// Each OpenFlow meter is programmed into the datapath with
// datapath.SetMeter under a datapath meter id the table allocates;
// translation emits datapath.Meter{ID: id} with the id DatapathID returns.
// The table echoes each meter's flags and bands exactly as the controller
// set them; the datapath measures and counts.
//
// A Table is safe for concurrent use.
package meter
