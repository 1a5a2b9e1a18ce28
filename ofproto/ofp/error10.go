package ofp

// OpenFlow 1.0 error types and codes (spec 1.0.0 §5.4.4), where they differ
// from 1.3's numbering.

// errorName returns the spec name of an error code in version v.
func errorName(v uint8, t ErrorType, code uint16) string {
	if v == Version10 {
		return errorName10(t, code)
	}
	return errorName13(t, code)
}

// errorName10 is filled in with the OpenFlow 1.0 codec.
func errorName10(t ErrorType, code uint16) string {
	if t <= ETBadRequest {
		return errorName13(t, code)
	}
	return ""
}
