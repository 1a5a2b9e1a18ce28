package ofp

// OFPT_QUEUE_GET_CONFIG_REQUEST/REPLY of OpenFlow 1.0 (spec 1.0.0 §5.3.4)
// <-> 1.3 (spec 1.3.5 §7.3.6): the same exchange with wider port numbers;
// 1.0 knows one queue property, min_rate.

// ToQueueGetConfig converts a 1.0 queue configuration request. The codec
// has already refused ports that are not physical (OFPQOFC_BAD_PORT).
func (m *QueueGetConfigRequest10) ToQueueGetConfig() (*QueueGetConfigRequest, error) {
	if m.Port >= Port10Max {
		return nil, err10(ET10QueueOpFailed, QOFC10BadPort, "queue_get_config_request: port %s is not a physical port", m.Port)
	}
	return &QueueGetConfigRequest{Port: m.Port.To13()}, nil
}

// QueueGetConfigReplyTo10 converts a queue configuration reply: min_rate
// properties carry over; max_rate and experimenter properties, which 1.0
// lacks, are left out (the queue itself stays listed).
func QueueGetConfigReplyTo10(m *QueueGetConfigReply) (*QueueGetConfigReply10, error) {
	port, ok := m.Port.To10()
	if !ok {
		return nil, err10(ET10QueueOpFailed, QOFC10BadPort, "queue_get_config_reply: port %s does not fit 16 bits", m.Port)
	}
	out := &QueueGetConfigReply10{Port: port}
	for _, q := range m.Queues {
		q10 := PacketQueue10{QueueID: q.QueueID}
		for _, p := range q.Properties {
			if p.Type == QueuePropMinRate {
				q10.Properties = append(q10.Properties, QueueProp10{Property: QT10MinRate, Rate: p.Rate})
			}
		}
		out.Queues = append(out.Queues, q10)
	}
	return out, nil
}
