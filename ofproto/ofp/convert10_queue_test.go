package ofp

import (
	"reflect"
	"testing"
)

func TestQueueGetConfig10(t *testing.T) {
	req, err := (&QueueGetConfigRequest10{Port: 3}).ToQueueGetConfig()
	if err != nil || req.Port != 3 {
		t.Fatalf("%+v %v", req, err)
	}
	_, err = (&QueueGetConfigRequest10{Port: Port10Local}).ToQueueGetConfig()
	want10(t, err, ET10QueueOpFailed, QOFC10BadPort)

	rep := &QueueGetConfigReply{Port: 3, Queues: []PacketQueue{
		{QueueID: 1, Port: 3, Properties: []QueueProp{{Type: QueuePropMinRate, Rate: 500}, {Type: QueuePropMaxRate, Rate: 900}}},
		{QueueID: 2, Port: 3, Properties: []QueueProp{{Type: QueuePropExperimenter, Experimenter: 1, Data: make([]byte, 8)}}},
	}}
	got, err := QueueGetConfigReplyTo10(rep)
	if err != nil {
		t.Fatal(err)
	}
	want := &QueueGetConfigReply10{Port: 3, Queues: []PacketQueue10{
		{QueueID: 1, Properties: []QueueProp10{{Property: QT10MinRate, Rate: 500}}}, {QueueID: 2}}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got %+v\nwant %+v", got, want)
	}
	if _, err := Marshal(Version10, 1, got); err != nil {
		t.Fatal(err)
	}
	_, err = QueueGetConfigReplyTo10(&QueueGetConfigReply{Port: 0x10000})
	want10(t, err, ET10QueueOpFailed, QOFC10BadPort)
}
