package core

import (
	"crypto/rand"
	"encoding/binary"
	"encoding/hex"
	"sync"
	"time"
)

var (
	idMu   sync.Mutex
	lastMs int64
	seq    uint16
)

// NewID returns a UUIDv7 (RFC 9562) as a lowercase string. Ids sort by
// creation time, which keeps B-tree inserts local on both engines, and they
// are generated here rather than by an engine-specific sequence.
func NewID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	idMu.Lock()
	ms := time.Now().UnixMilli()
	if ms <= lastMs {
		ms = lastMs
		seq++
		if seq >= 0x0fff {
			ms++
			seq = 0
		}
	} else {
		seq = binary.BigEndian.Uint16(b[6:8]) & 0x03ff
	}
	lastMs = ms
	s := seq
	idMu.Unlock()
	b[0] = byte(ms >> 40)
	b[1] = byte(ms >> 32)
	b[2] = byte(ms >> 24)
	b[3] = byte(ms >> 16)
	b[4] = byte(ms >> 8)
	b[5] = byte(ms)
	b[6] = 0x70 | byte(s>>8)&0x0f
	b[7] = byte(s)
	b[8] = b[8]&0x3f | 0x80
	var out [36]byte
	hex.Encode(out[0:8], b[0:4])
	out[8] = '-'
	hex.Encode(out[9:13], b[4:6])
	out[13] = '-'
	hex.Encode(out[14:18], b[6:8])
	out[18] = '-'
	hex.Encode(out[19:23], b[8:10])
	out[23] = '-'
	hex.Encode(out[24:], b[10:])
	return string(out[:])
}

// ValidID reports whether s looks like an id made by NewID (any UUID form).
// Handlers check path ids with it so that junk never reaches a query.
func ValidID(s string) bool {
	if len(s) != 36 {
		return false
	}
	for i := 0; i < 36; i++ {
		c := s[i]
		switch i {
		case 8, 13, 18, 23:
			if c != '-' {
				return false
			}
		default:
			if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f') {
				return false
			}
		}
	}
	return true
}
