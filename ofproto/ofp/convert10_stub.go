package ofp

// ToMatch converts a 1.0 match to the OXM match that means the same.
func (m Match10) ToMatch() (Match, error) { return Match{}, errNotImplemented }

// MatchTo10 converts an OXM match to 1.0.
func MatchTo10(m Match) (Match10, error) { return Match10{}, errNotImplemented }

// ActionsFrom10 converts a 1.0 action list.
func ActionsFrom10(a Actions10) ([]Action, error) { return nil, errNotImplemented }

// ActionsFrom10For converts a 1.0 action list of a flow with match m.
func ActionsFrom10For(a Actions10, m Match10) ([]Action, error) { return nil, errNotImplemented }

// ActionsTo10 converts a 1.3 action list to 1.0.
func ActionsTo10(a []Action) (Actions10, error) { return nil, errNotImplemented }

// ToFlowMod converts a 1.0 flow-mod.
func (m *FlowMod10) ToFlowMod() (*FlowMod, error) { return nil, errNotImplemented }

// ToPacketOut converts a 1.0 packet-out.
func (m *PacketOut10) ToPacketOut() (*PacketOut, error) { return nil, errNotImplemented }

// ToPortMod converts a 1.0 port-mod.
func (m *PortMod10) ToPortMod() (*PortMod, error) { return nil, errNotImplemented }

// PacketInTo10 converts a packet-in for a 1.0 session.
func PacketInTo10(m *PacketIn) (*PacketIn10, error) { return nil, errNotImplemented }

// FlowRemovedTo10 converts a flow-removed for a 1.0 session.
func FlowRemovedTo10(m *FlowRemoved) (*FlowRemoved10, error) { return nil, errNotImplemented }

// PortStatusTo10 converts a port-status for a 1.0 session.
func PortStatusTo10(m *PortStatus) (*PortStatus10, error) { return nil, errNotImplemented }

// PortTo10 converts a port description.
func PortTo10(p Port) (Port10, error) { return Port10{}, errNotImplemented }

// FeaturesReplyTo10 converts a features reply and the port list.
func FeaturesReplyTo10(m *FeaturesReply, ports []Port) (*FeaturesReply10, error) {
	return nil, errNotImplemented
}

// ToMultipart converts a 1.0 stats request to a multipart request body.
func (r *StatsRequest10) ToMultipart() (MultipartBody, error) { return nil, errNotImplemented }

// StatsReplyTo10 converts a multipart reply body to a 1.0 stats reply.
func StatsReplyTo10(body MultipartBody) (*StatsReply10, error) { return nil, errNotImplemented }
