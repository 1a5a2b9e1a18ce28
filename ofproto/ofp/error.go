package ofp

// OFPT_ERROR (spec 1.3.5 §7.4.4, 1.0.0 §5.4.4) and the error types and
// codes. Error is both the message and the Go error that every decode
// failure returns, so a failure already knows what the switch must answer.

import (
	"encoding/binary"
	"fmt"
)

// ErrorType is ofp_error_type. The numbers below are OpenFlow 1.3's; the
// OpenFlow 1.0 numbering is in error10.go.
type ErrorType uint16

// OpenFlow 1.3 error types (OFPET_*).
const (
	ETHelloFailed        ErrorType = 0
	ETBadRequest         ErrorType = 1
	ETBadAction          ErrorType = 2
	ETBadInstruction     ErrorType = 3
	ETBadMatch           ErrorType = 4
	ETFlowModFailed      ErrorType = 5
	ETGroupModFailed     ErrorType = 6
	ETPortModFailed      ErrorType = 7
	ETTableModFailed     ErrorType = 8
	ETQueueOpFailed      ErrorType = 9
	ETSwitchConfigFailed ErrorType = 10
	ETRoleRequestFailed  ErrorType = 11
	ETMeterModFailed     ErrorType = 12
	ETTableFeaturesFail  ErrorType = 13
	ETExperimenter       ErrorType = 0xffff
)

// OFPHFC_*: hello failed.
const (
	HFCIncompatible uint16 = 0
	HFCEperm        uint16 = 1
)

// OFPBRC_*: bad request.
const (
	BRCBadVersion      uint16 = 0
	BRCBadType         uint16 = 1
	BRCBadMultipart    uint16 = 2
	BRCBadExperimenter uint16 = 3
	BRCBadExpType      uint16 = 4
	BRCEperm           uint16 = 5
	BRCBadLen          uint16 = 6
	BRCBufferEmpty     uint16 = 7
	BRCBufferUnknown   uint16 = 8
	BRCBadTableID      uint16 = 9
	BRCIsSlave         uint16 = 10
	BRCBadPort         uint16 = 11
	BRCBadPacket       uint16 = 12
	BRCMultipartBufOvf uint16 = 13
)

// OFPBAC_*: bad action.
const (
	BACBadType           uint16 = 0
	BACBadLen            uint16 = 1
	BACBadExperimenter   uint16 = 2
	BACBadExpType        uint16 = 3
	BACBadOutPort        uint16 = 4
	BACBadArgument       uint16 = 5
	BACEperm             uint16 = 6
	BACTooMany           uint16 = 7
	BACBadQueue          uint16 = 8
	BACBadOutGroup       uint16 = 9
	BACMatchInconsistent uint16 = 10
	BACUnsupportedOrder  uint16 = 11
	BACBadTag            uint16 = 12
	BACBadSetType        uint16 = 13
	BACBadSetLen         uint16 = 14
	BACBadSetArgument    uint16 = 15
)

// OFPBIC_*: bad instruction.
const (
	BICUnknownInst       uint16 = 0
	BICUnsupInst         uint16 = 1
	BICBadTableID        uint16 = 2
	BICUnsupMetadata     uint16 = 3
	BICUnsupMetadataMask uint16 = 4
	BICBadExperimenter   uint16 = 5
	BICBadExpType        uint16 = 6
	BICBadLen            uint16 = 7
	BICEperm             uint16 = 8
)

// OFPBMC_*: bad match.
const (
	BMCBadType       uint16 = 0
	BMCBadLen        uint16 = 1
	BMCBadTag        uint16 = 2
	BMCBadDLAddrMask uint16 = 3
	BMCBadNWAddrMask uint16 = 4
	BMCBadWildcards  uint16 = 5
	BMCBadField      uint16 = 6
	BMCBadValue      uint16 = 7
	BMCBadMask       uint16 = 8
	BMCBadPrereq     uint16 = 9
	BMCDupField      uint16 = 10
	BMCEperm         uint16 = 11
)

// OFPFMFC_*: flow mod failed.
const (
	FMFCUnknown    uint16 = 0
	FMFCTableFull  uint16 = 1
	FMFCBadTableID uint16 = 2
	FMFCOverlap    uint16 = 3
	FMFCEperm      uint16 = 4
	FMFCBadTimeout uint16 = 5
	FMFCBadCommand uint16 = 6
	FMFCBadFlags   uint16 = 7
)

// OFPGMFC_*: group mod failed.
const (
	GMFCGroupExists         uint16 = 0
	GMFCInvalidGroup        uint16 = 1
	GMFCWeightUnsupported   uint16 = 2
	GMFCOutOfGroups         uint16 = 3
	GMFCOutOfBuckets        uint16 = 4
	GMFCChainingUnsupported uint16 = 5
	GMFCWatchUnsupported    uint16 = 6
	GMFCLoop                uint16 = 7
	GMFCUnknownGroup        uint16 = 8
	GMFCChainedGroup        uint16 = 9
	GMFCBadType             uint16 = 10
	GMFCBadCommand          uint16 = 11
	GMFCBadBucket           uint16 = 12
	GMFCBadWatch            uint16 = 13
	GMFCEperm               uint16 = 14
)

// OFPPMFC_*: port mod failed.
const (
	PMFCBadPort      uint16 = 0
	PMFCBadHWAddr    uint16 = 1
	PMFCBadConfig    uint16 = 2
	PMFCBadAdvertise uint16 = 3
	PMFCEperm        uint16 = 4
)

// OFPTMFC_*: table mod failed.
const (
	TMFCBadTable  uint16 = 0
	TMFCBadConfig uint16 = 1
	TMFCEperm     uint16 = 2
)

// OFPQOFC_*: queue operation failed.
const (
	QOFCBadPort  uint16 = 0
	QOFCBadQueue uint16 = 1
	QOFCEperm    uint16 = 2
)

// OFPSCFC_*: switch config failed.
const (
	SCFCBadFlags uint16 = 0
	SCFCBadLen   uint16 = 1
	SCFCEperm    uint16 = 2
)

// OFPRRFC_*: role request failed.
const (
	RRFCStale   uint16 = 0
	RRFCUnsup   uint16 = 1
	RRFCBadRole uint16 = 2
)

// OFPMMFC_*: meter mod failed.
const (
	MMFCUnknown      uint16 = 0
	MMFCMeterExists  uint16 = 1
	MMFCInvalidMeter uint16 = 2
	MMFCUnknownMeter uint16 = 3
	MMFCBadCommand   uint16 = 4
	MMFCBadFlags     uint16 = 5
	MMFCBadRate      uint16 = 6
	MMFCBadBurst     uint16 = 7
	MMFCBadBand      uint16 = 8
	MMFCBadBandValue uint16 = 9
	MMFCOutOfMeters  uint16 = 10
	MMFCOutOfBands   uint16 = 11
)

// OFPTFFC_*: table features failed.
const (
	TFFCBadTable    uint16 = 0
	TFFCBadMetadata uint16 = 1
	TFFCBadType     uint16 = 2
	TFFCBadLen      uint16 = 3
	TFFCBadArgument uint16 = 4
	TFFCEperm       uint16 = 5
)

// errorDataLen is how much of an offending message an error carries: "at
// least 64 bytes of the failed request" (spec 1.3.5 §7.4.4).
const errorDataLen = 64

// Error is an OFPT_ERROR message and the error every decode failure returns.
// Type and Code are the wire numbers of the message's version. For
// OFPET_EXPERIMENTER, Code is exp_type and Experimenter the experimenter id.
type Error struct {
	Type         ErrorType `json:"type"`
	Code         uint16    `json:"code"`
	Experimenter uint32    `json:"experimenter,omitempty"`
	Data         []byte    `json:"data,omitempty"`

	// Reason says in words what was wrong, for logs; it is not on the wire.
	Reason string `json:"-"`

	// version is the wire version of the message a decode failure came
	// from (0 when unknown: 1.3 numbering), so that Error names the code
	// in the right numbering.
	version uint8
}

// NewError returns an error of the given type and code whose Data is the
// first 64 bytes of msg (copied).
func NewError(t ErrorType, code uint16, msg []byte) *Error {
	return (&Error{Type: t, Code: code}).WithData(msg)
}

// WithData sets Data to a copy of the first 64 bytes of msg and returns e.
func (e *Error) WithData(msg []byte) *Error {
	if len(msg) > errorDataLen {
		msg = msg[:errorDataLen]
	}
	e.Data = append([]byte(nil), msg...)
	return e
}

// Is lets errors.Is match on type and code alone.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Type == e.Type && t.Code == e.Code
}

func (e *Error) Error() string {
	s := fmt.Sprintf("openflow error type %d code %d", e.Type, e.Code)
	v := e.version
	if v == 0 {
		v = Version13
	}
	if n := errorName(v, e.Type, e.Code); n != "" {
		s = n
	}
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// errf builds a decode error; Data is filled in by Unmarshal.
func errf(t ErrorType, code uint16, format string, args ...any) *Error {
	return &Error{Type: t, Code: code, Reason: fmt.Sprintf(format, args...)}
}

func badRequest(code uint16, format string, args ...any) *Error {
	return errf(ETBadRequest, code, format, args...)
}

func (e *Error) appendBody(b []byte, v uint8) ([]byte, error) {
	b = binary.BigEndian.AppendUint16(b, uint16(e.Type))
	b = binary.BigEndian.AppendUint16(b, e.Code)
	if e.Type == ETExperimenter && v >= Version13 {
		b = binary.BigEndian.AppendUint32(b, e.Experimenter)
	}
	return append(b, e.Data...), nil
}

func (e *Error) unmarshalBody(b []byte, v uint8) error {
	if len(b) < 4 {
		return badRequest(BRCBadLen, "error: body %d bytes, need 4", len(b))
	}
	e.Type = ErrorType(binary.BigEndian.Uint16(b[0:2]))
	e.Code = binary.BigEndian.Uint16(b[2:4])
	b = b[4:]
	if e.Type == ETExperimenter && v >= Version13 {
		if len(b) < 4 {
			return badRequest(BRCBadLen, "error: experimenter error without experimenter id")
		}
		e.Experimenter = binary.BigEndian.Uint32(b[0:4])
		b = b[4:]
	}
	e.Data = append([]byte(nil), b...)
	return nil
}
