package ofp

// Conversions between OpenFlow 1.0 messages and the OpenFlow 1.3 forms the
// pipeline speaks, for 1.0 controller sessions. A 1.0 request becomes the
// 1.3 request that means the same; a 1.3 answer or asynchronous message
// becomes the 1.0 one. Where both versions can say a thing the round trip
// is lossless; where 1.0 cannot say it (or 1.3 has no counterpart), the
// conversion fails with an *Error in OpenFlow 1.0 numbering (ET10*, BRC10*,
// BAC10*, ...), the error a 1.0 switch would send. See docs/ofp.md,
// "OpenFlow 1.0 sessions".

import "errors"

// err10 builds a conversion error in OpenFlow 1.0 numbering.
func err10(t ErrorType, code uint16, format string, args ...any) *Error {
	e := errf(t, code, format, args...)
	e.version = Version10
	return e
}

// Error10 returns the OFPT_ERROR to send a 1.0 session for err: errors of
// the convert10 functions are already in 1.0 numbering and come back as
// they are; *Error values in 1.3 numbering (from the codec or the
// pipeline) are mapped with To10; any other error is OFPBRC_EPERM. Data
// (the first 64 bytes of the failed request) is the caller's to set with
// WithData when the error does not carry it yet.
func Error10(err error) *Error {
	var e *Error
	if !errors.As(err, &e) {
		return err10(ET10BadRequest, BRC10Eperm, "%v", err)
	}
	if e.version == Version10 {
		return e
	}
	out := e.To10()
	out.version = Version10
	return out
}
