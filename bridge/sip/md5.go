package sip

import "math/bits"

// md5hex is RFC 1321's MD5 of s, in lower-case hex, as digest
// authentication needs it. Written here because crypto/md5 brings Go's
// FIPS 140 module (DRBG, SHA-2, SHA-3, AES) into the wasm module: about
// 75 KB brotli for 100 lines of arithmetic. The tests check it against
// crypto/md5.
func md5hex(s string) string {
	a0, b0, c0, d0 := uint32(0x67452301), uint32(0xefcdab89), uint32(0x98badcfe), uint32(0x10325476)
	// s, 0x80, zeros to 56 mod 64, and the length in bits (little-endian).
	msg := make([]byte, (len(s)+8)/64*64+64)
	copy(msg, s)
	msg[len(s)] = 0x80
	for n, i := uint64(len(s))*8, len(msg)-8; i < len(msg); i, n = i+1, n>>8 {
		msg[i] = byte(n)
	}
	for ; len(msg) > 0; msg = msg[64:] {
		a, b, c, d := a0, b0, c0, d0
		for i := 0; i < 64; i++ {
			f := c ^ (b | ^d)
			switch i / 16 {
			case 0:
				f = b&c | ^b&d
			case 1:
				f = d&b | ^d&c
			case 2:
				f = b ^ c ^ d
			}
			p := msg[4*md5G[i]&63:]
			f += a + md5K[i] + (uint32(p[0]) | uint32(p[1])<<8 | uint32(p[2])<<16 | uint32(p[3])<<24)
			a, d, c = d, c, b
			b += bits.RotateLeft32(f, int(md5S[i/16*4+i%4]))
		}
		a0, b0, c0, d0 = a0+a, b0+b, c0+c, d0+d
	}
	const hexdigits = "0123456789abcdef"
	var out [32]byte
	for i, v := range [4]uint32{a0, b0, c0, d0} {
		for j := 0; j < 4; j++ {
			b := byte(v >> (8 * j))
			out[8*i+2*j], out[8*i+2*j+1] = hexdigits[b>>4], hexdigits[b&15]
		}
	}
	return string(out[:])
}

// The per-round shift amounts, four per round.
var md5S = [16]uint8{7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21}

// md5G[i] is the message word of step i.
var md5G = [64]uint8{
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
	1, 6, 11, 0, 5, 10, 15, 4, 9, 14, 3, 8, 13, 2, 7, 12,
	5, 8, 11, 14, 1, 4, 7, 10, 13, 0, 3, 6, 9, 12, 15, 2,
	0, 7, 14, 5, 12, 3, 10, 1, 8, 15, 6, 13, 4, 11, 2, 9,
}

// md5K[i] is floor(2^32 * |sin(i+1)|).
var md5K = [64]uint32{
	0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
	0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
	0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
	0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
	0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
	0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
	0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
	0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391,
}
