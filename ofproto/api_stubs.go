package ofproto

import (
	"errors"

	"github.com/xvs-switch/xvs/ofproto/ofp"
)

// errNotYet marks the parts of the API not implemented yet.
var errNotYet = errors.New("not implemented yet")

// GroupMod applies an OFPT_GROUP_MOD.
func (s *Switch) GroupMod(gm *ofp.GroupMod) error { return errNotYet }

// MeterMod applies an OFPT_METER_MOD.
func (s *Switch) MeterMod(mm *ofp.MeterMod) error { return errNotYet }

// PortMod applies an OFPT_PORT_MOD.
func (s *Switch) PortMod(pm *ofp.PortMod) error { return errNotYet }

// TableMod applies an OFPT_TABLE_MOD.
func (s *Switch) TableMod(tm *ofp.TableMod) error { return errNotYet }

// PacketOut executes an OFPT_PACKET_OUT.
func (s *Switch) PacketOut(po *ofp.PacketOut) error { return errNotYet }

// Multipart answers one whole multipart request; the caller splits the
// reply with ofp.SplitMultipart.
func (s *Switch) Multipart(req ofp.MultipartBody) (ofp.MultipartBody, error) { return nil, errNotYet }
