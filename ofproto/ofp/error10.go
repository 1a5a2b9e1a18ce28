package ofp

// OpenFlow 1.0 error types and codes (spec 1.0.0 §5.4.4, enum
// ofp_error_type and the ofp_*_code enums). 1.0 numbers its error types
// differently from 1.3 (it has no BAD_INSTRUCTION or BAD_MATCH, and
// FLOW_MOD_FAILED is 3, not 5), so decoders of 1.0 messages build their
// errors from the constants below, and To10 maps a 1.3 error onto the
// nearest 1.0 one for code shared between versions.

// OpenFlow 1.0 error types (OFPET_*).
const (
	ET10HelloFailed   ErrorType = 0
	ET10BadRequest    ErrorType = 1
	ET10BadAction     ErrorType = 2
	ET10FlowModFailed ErrorType = 3
	ET10PortModFailed ErrorType = 4
	ET10QueueOpFailed ErrorType = 5
)

// OFPHFC_* (1.0): hello failed.
const (
	HFC10Incompatible uint16 = 0
	HFC10Eperm        uint16 = 1
)

// OFPBRC_* (1.0): bad request. The numbers agree with 1.3's up to
// BUFFER_UNKNOWN; 1.0 calls BAD_MULTIPART BAD_STAT and EXPERIMENTER VENDOR.
const (
	BRC10BadVersion    uint16 = 0
	BRC10BadType       uint16 = 1
	BRC10BadStat       uint16 = 2
	BRC10BadVendor     uint16 = 3
	BRC10BadSubtype    uint16 = 4
	BRC10Eperm         uint16 = 5
	BRC10BadLen        uint16 = 6
	BRC10BufferEmpty   uint16 = 7
	BRC10BufferUnknown uint16 = 8
)

// OFPBAC_* (1.0): bad action.
const (
	BAC10BadType       uint16 = 0
	BAC10BadLen        uint16 = 1
	BAC10BadVendor     uint16 = 2
	BAC10BadVendorType uint16 = 3
	BAC10BadOutPort    uint16 = 4
	BAC10BadArgument   uint16 = 5
	BAC10Eperm         uint16 = 6
	BAC10TooMany       uint16 = 7
	BAC10BadQueue      uint16 = 8
)

// OFPFMFC_* (1.0): flow mod failed.
const (
	FMFC10AllTablesFull   uint16 = 0
	FMFC10Overlap         uint16 = 1
	FMFC10Eperm           uint16 = 2
	FMFC10BadEmergTimeout uint16 = 3
	FMFC10BadCommand      uint16 = 4
	FMFC10Unsupported     uint16 = 5
)

// OFPPMFC_* (1.0): port mod failed.
const (
	PMFC10BadPort   uint16 = 0
	PMFC10BadHWAddr uint16 = 1
)

// OFPQOFC_* (1.0): queue operation failed.
const (
	QOFC10BadPort  uint16 = 0
	QOFC10BadQueue uint16 = 1
	QOFC10Eperm    uint16 = 2
)

// errorCodeNames10 names the 1.0 codes as ovs-ofctl prints them: the spec's
// names, except OFPFMFC_ALL_TABLES_FULL, which OVS prints under its 1.1+
// name OFPFMFC_TABLE_FULL.
var errorCodeNames10 = map[ErrorType][]string{
	ET10HelloFailed: {"OFPHFC_INCOMPATIBLE", "OFPHFC_EPERM"},
	ET10BadRequest: {"OFPBRC_BAD_VERSION", "OFPBRC_BAD_TYPE", "OFPBRC_BAD_STAT",
		"OFPBRC_BAD_VENDOR", "OFPBRC_BAD_SUBTYPE", "OFPBRC_EPERM", "OFPBRC_BAD_LEN",
		"OFPBRC_BUFFER_EMPTY", "OFPBRC_BUFFER_UNKNOWN"},
	ET10BadAction: {"OFPBAC_BAD_TYPE", "OFPBAC_BAD_LEN", "OFPBAC_BAD_VENDOR",
		"OFPBAC_BAD_VENDOR_TYPE", "OFPBAC_BAD_OUT_PORT", "OFPBAC_BAD_ARGUMENT", "OFPBAC_EPERM",
		"OFPBAC_TOO_MANY", "OFPBAC_BAD_QUEUE"},
	ET10FlowModFailed: {"OFPFMFC_TABLE_FULL", "OFPFMFC_OVERLAP", "OFPFMFC_EPERM",
		"OFPFMFC_BAD_EMERG_TIMEOUT", "OFPFMFC_BAD_COMMAND", "OFPFMFC_UNSUPPORTED"},
	ET10PortModFailed: {"OFPPMFC_BAD_PORT", "OFPPMFC_BAD_HW_ADDR"},
	ET10QueueOpFailed: {"OFPQOFC_BAD_PORT", "OFPQOFC_BAD_QUEUE", "OFPQOFC_EPERM"},
}

// errorName returns the spec name of an error code in version v.
func errorName(v uint8, t ErrorType, code uint16) string {
	if v == Version10 {
		return errorName10(t, code)
	}
	return errorName13(t, code)
}

// errorName10 returns the OpenFlow 1.0 name of a code ("OFPBRC_BAD_STAT"),
// or "" when the pair is not a 1.0 error.
func errorName10(t ErrorType, code uint16) string {
	names := errorCodeNames10[t]
	if int(code) < len(names) {
		return names[code]
	}
	return ""
}

// To10 returns the OpenFlow 1.0 form of an error built with 1.3's
// numbering, for code shared by both versions that must answer a 1.0
// peer. Errors 1.0 has no exact counterpart for become the nearest one
// (a bad match is a bad request in 1.0; an unknown instruction a bad
// action); the result keeps Data and Reason.
func (e *Error) To10() *Error {
	out := *e
	out.Type, out.Code = map13To10(e.Type, e.Code)
	return &out
}

func map13To10(t ErrorType, c uint16) (ErrorType, uint16) {
	switch t {
	case ETHelloFailed:
		return ET10HelloFailed, c
	case ETBadRequest:
		if c <= BRCBufferUnknown {
			return ET10BadRequest, c
		}
		switch c {
		case BRCBadPort, BRCBadTableID:
			return ET10BadRequest, BRC10BadStat
		case BRCIsSlave:
			return ET10BadRequest, BRC10Eperm
		}
		return ET10BadRequest, BRC10BadLen
	case ETBadAction:
		if c <= BACBadQueue {
			return ET10BadAction, c
		}
		return ET10BadAction, BAC10BadArgument
	case ETBadInstruction:
		return ET10BadAction, BAC10BadType
	case ETBadMatch:
		return ET10BadRequest, BRC10BadType
	case ETFlowModFailed:
		switch c {
		case FMFCTableFull:
			return ET10FlowModFailed, FMFC10AllTablesFull
		case FMFCOverlap:
			return ET10FlowModFailed, FMFC10Overlap
		case FMFCEperm:
			return ET10FlowModFailed, FMFC10Eperm
		case FMFCBadTimeout:
			return ET10FlowModFailed, FMFC10BadEmergTimeout
		case FMFCBadCommand:
			return ET10FlowModFailed, FMFC10BadCommand
		}
		return ET10FlowModFailed, FMFC10Unsupported
	case ETPortModFailed:
		if c == PMFCBadHWAddr {
			return ET10PortModFailed, PMFC10BadHWAddr
		}
		return ET10PortModFailed, PMFC10BadPort
	case ETQueueOpFailed:
		return ET10QueueOpFailed, c
	}
	return ET10BadRequest, BRC10Eperm
}
