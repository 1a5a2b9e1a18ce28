package api

import (
	"encoding/json"

	"google.golang.org/grpc/encoding"
)

// CodecName is the content subtype ("application/grpc+json") the service's
// messages are encoded with.
const CodecName = "json"

// jsonCodec encodes messages as JSON. It is registered globally under
// CodecName, which is how grpc finds a codec for an incoming content
// subtype.
type jsonCodec struct{}

func (jsonCodec) Marshal(v any) ([]byte, error)   { return json.Marshal(v) }
func (jsonCodec) Unmarshal(b []byte, v any) error { return json.Unmarshal(b, v) }
func (jsonCodec) Name() string                    { return CodecName }

func init() { encoding.RegisterCodec(jsonCodec{}) }
