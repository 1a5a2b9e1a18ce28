package ofp

// msgTable: per OpenFlow version, each message's OFPT_* number, name, Go
// type and minimum length (header included). Messages that exist in both
// versions with the same body use one Go type in two rows.

// OFPT_HELLO is 0 in every version; its row is used for any version.
const typeHello = 0

var helloDef = msgDef{0, typeHello, "OFPT_HELLO", 8, func() Message { return new(Hello) }}

var msgTable = []msgDef{
	// OpenFlow 1.3 (spec 1.3.5 §7, enum ofp_type).
	{Version13, 0, "OFPT_HELLO", 8, func() Message { return new(Hello) }},
	{Version13, 1, "OFPT_ERROR", 12, func() Message { return new(Error) }},
	{Version13, 2, "OFPT_ECHO_REQUEST", 8, func() Message { return new(EchoRequest) }},
	{Version13, 3, "OFPT_ECHO_REPLY", 8, func() Message { return new(EchoReply) }},
	{Version13, 5, "OFPT_FEATURES_REQUEST", 8, func() Message { return new(FeaturesRequest) }},
	{Version13, 7, "OFPT_GET_CONFIG_REQUEST", 8, func() Message { return new(GetConfigRequest) }},
	{Version13, 8, "OFPT_GET_CONFIG_REPLY", 12, func() Message { return new(GetConfigReply) }},
	{Version13, 9, "OFPT_SET_CONFIG", 12, func() Message { return new(SetConfig) }},
	{Version13, 20, "OFPT_BARRIER_REQUEST", 8, func() Message { return new(BarrierRequest) }},
	{Version13, 21, "OFPT_BARRIER_REPLY", 8, func() Message { return new(BarrierReply) }},
	// OpenFlow 1.3 core messages (ofp13 codec).
	{Version13, 4, "OFPT_EXPERIMENTER", 16, func() Message { return new(Experimenter) }},
	{Version13, 6, "OFPT_FEATURES_REPLY", 32, func() Message { return new(FeaturesReply) }},
	{Version13, 10, "OFPT_PACKET_IN", 34, func() Message { return new(PacketIn) }},
	{Version13, 11, "OFPT_FLOW_REMOVED", 56, func() Message { return new(FlowRemoved) }},
	{Version13, 13, "OFPT_PACKET_OUT", 24, func() Message { return new(PacketOut) }},
	{Version13, 14, "OFPT_FLOW_MOD", 56, func() Message { return new(FlowMod) }},
	{Version13, 15, "OFPT_GROUP_MOD", 16, func() Message { return new(GroupMod) }},
	{Version13, 17, "OFPT_TABLE_MOD", 16, func() Message { return new(TableMod) }},
	{Version13, 22, "OFPT_QUEUE_GET_CONFIG_REQUEST", 16, func() Message { return new(QueueGetConfigRequest) }},
	{Version13, 23, "OFPT_QUEUE_GET_CONFIG_REPLY", 16, func() Message { return new(QueueGetConfigReply) }},
	{Version13, 24, "OFPT_ROLE_REQUEST", 24, func() Message { return new(RoleRequest) }},
	{Version13, 25, "OFPT_ROLE_REPLY", 24, func() Message { return new(RoleReply) }},
	{Version13, 26, "OFPT_GET_ASYNC_REQUEST", 8, func() Message { return new(GetAsyncRequest) }},
	{Version13, 27, "OFPT_GET_ASYNC_REPLY", 32, func() Message { return new(GetAsyncReply) }},
	{Version13, 28, "OFPT_SET_ASYNC", 32, func() Message { return new(SetAsync) }},
	{Version13, 29, "OFPT_METER_MOD", 16, func() Message { return new(MeterMod) }},
	// Ports and multipart (ofp13mp).
	{Version13, 12, "OFPT_PORT_STATUS", portStatusLen, func() Message { return new(PortStatus) }},
	{Version13, 16, "OFPT_PORT_MOD", portModLen, func() Message { return new(PortMod) }},
	{Version13, typeMultipartRequest, "OFPT_MULTIPART_REQUEST", multipartLen, func() Message { return new(MultipartRequest) }},
	{Version13, typeMultipartReply, "OFPT_MULTIPART_REPLY", multipartLen, func() Message { return new(MultipartReply) }},
	// (OpenFlow 1.3: further rows here.)

	// OpenFlow 1.0 (spec 1.0.0 §5, enum ofp_type).
	{Version10, 0, "OFPT_HELLO", 8, func() Message { return new(Hello) }},
	{Version10, 1, "OFPT_ERROR", 12, func() Message { return new(Error) }},
	{Version10, 2, "OFPT_ECHO_REQUEST", 8, func() Message { return new(EchoRequest) }},
	{Version10, 3, "OFPT_ECHO_REPLY", 8, func() Message { return new(EchoReply) }},
	{Version10, 5, "OFPT_FEATURES_REQUEST", 8, func() Message { return new(FeaturesRequest) }},
	{Version10, 7, "OFPT_GET_CONFIG_REQUEST", 8, func() Message { return new(GetConfigRequest) }},
	{Version10, 8, "OFPT_GET_CONFIG_REPLY", 12, func() Message { return new(GetConfigReply) }},
	{Version10, 9, "OFPT_SET_CONFIG", 12, func() Message { return new(SetConfig) }},
	{Version10, 18, "OFPT_BARRIER_REQUEST", 8, func() Message { return new(BarrierRequest) }},
	{Version10, 19, "OFPT_BARRIER_REPLY", 8, func() Message { return new(BarrierReply) }},
	{Version10, 4, "OFPT_VENDOR", 12, func() Message { return new(Vendor10) }},
	{Version10, 6, "OFPT_FEATURES_REPLY", 32, func() Message { return new(FeaturesReply10) }},
	{Version10, 10, "OFPT_PACKET_IN", 18, func() Message { return new(PacketIn10) }},
	{Version10, 11, "OFPT_FLOW_REMOVED", 88, func() Message { return new(FlowRemoved10) }},
	{Version10, 12, "OFPT_PORT_STATUS", 64, func() Message { return new(PortStatus10) }},
	{Version10, 13, "OFPT_PACKET_OUT", 16, func() Message { return new(PacketOut10) }},
	{Version10, 14, "OFPT_FLOW_MOD", 72, func() Message { return new(FlowMod10) }},
	{Version10, 15, "OFPT_PORT_MOD", 32, func() Message { return new(PortMod10) }},
	{Version10, 16, "OFPT_STATS_REQUEST", 12, func() Message { return new(StatsRequest10) }},
	{Version10, 17, "OFPT_STATS_REPLY", 12, func() Message { return new(StatsReply10) }},
	{Version10, 20, "OFPT_QUEUE_GET_CONFIG_REQUEST", 12, func() Message { return new(QueueGetConfigRequest10) }},
	{Version10, 21, "OFPT_QUEUE_GET_CONFIG_REPLY", 16, func() Message { return new(QueueGetConfigReply10) }},
	// (OpenFlow 1.0: further rows here.)
}
