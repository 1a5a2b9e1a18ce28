package ofp

// Small helpers shared by the encoders and decoders.

// pad8 returns how many bytes pad n up to a multiple of 8.
func pad8(n int) int { return (8 - n%8) % 8 }

// appendPad8 appends the zero bytes that pad a structure of n bytes to a
// multiple of 8.
func appendPad8(b []byte, n int) []byte {
	for i := pad8(n); i > 0; i-- {
		b = append(b, 0)
	}
	return b
}

// appendZeros appends n zero bytes.
func appendZeros(b []byte, n int) []byte {
	for ; n > 0; n-- {
		b = append(b, 0)
	}
	return b
}
