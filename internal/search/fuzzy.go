package search

import (
	"slices"
	"unicode/utf8"
)

// Typo tolerance uses a deletion index (symmetric delete, as in SymSpell):
// every dictionary word is stored under each string made by deleting up to
// maxTypos(len) of its letters; a query word finds its candidates by
// looking up its own deletions, and a true edit distance confirms them. A
// lookup costs a few dozen binary searches, independent of the dictionary
// size.

// maxTypos is the edit distance tolerated for a word of n letters: none
// below 4 letters, 1 from 4, 2 from 8.
func maxTypos(n int) int {
	switch {
	case n >= 8:
		return 2
	case n >= 4:
		return 1
	}
	return 0
}

// A dictionary word needs the deletions that a query within reach could
// share with it: a query of 4+ letters (1 typo) reaches words of 3+
// letters, a query of 8+ letters (2 typos) reaches words of 6+ letters.
func indexTypos(n int) int {
	switch {
	case n >= 6:
		return 2
	case n >= 3:
		return 1
	}
	return 0
}

// delIndex maps hashed deletions to key ids. Entries are packed as
// hash<<24 | keyID in a sorted slice (8 bytes each) built in bulk, plus a
// small map for keys added since.
type delIndex struct {
	sorted []uint64
	extra  map[uint64][]uint32
}

const (
	delKeyBits = 24
	delKeyMask = 1<<delKeyBits - 1
	maxKeys    = 1 << delKeyBits // dictionary words the typo index can address
)

func hashDel(s []rune) uint64 {
	// FNV-1a over the runes, truncated to 40 bits.
	h := uint64(14695981039346656037)
	for _, r := range s {
		h ^= uint64(r)
		h *= 1099511628211
	}
	return h >> delKeyBits
}

// deletions calls fn with w and every string made by deleting up to d of
// its runes (duplicates possible; callers tolerate them).
func deletions(w []rune, d int, fn func([]rune)) {
	fn(w)
	if d == 0 || len(w) <= 1 {
		return
	}
	buf := make([]rune, len(w)-1)
	for i := range w {
		copy(buf, w[:i])
		copy(buf[i:], w[i+1:])
		deletions(buf, d-1, fn)
	}
}

func keyDeletions(key string, fn func(h uint64)) {
	r := []rune(key)
	d := indexTypos(len(r))
	seen := map[uint64]bool{}
	deletions(r, d, func(x []rune) {
		h := hashDel(x)
		if !seen[h] {
			seen[h] = true
			fn(h)
		}
	})
}

func buildDelIndex(keys []key) delIndex {
	var out []uint64
	for id := range keys {
		if id >= maxKeys {
			break
		}
		keyDeletions(keys[id].s, func(h uint64) { out = append(out, h<<delKeyBits|uint64(id)) })
	}
	slices.Sort(out)
	return delIndex{sorted: out, extra: map[uint64][]uint32{}}
}

func (x *delIndex) add(id uint32, s string) {
	if id >= maxKeys {
		return
	}
	keyDeletions(s, func(h uint64) { x.extra[h] = append(x.extra[h], id) })
}

// candidates calls fn for every key id stored under hash h.
func (x *delIndex) candidates(h uint64, fn func(id uint32)) {
	lo := h << delKeyBits
	i, _ := slices.BinarySearch(x.sorted, lo)
	for ; i < len(x.sorted) && x.sorted[i]>>delKeyBits == h; i++ {
		fn(uint32(x.sorted[i] & delKeyMask))
	}
	for _, id := range x.extra[h] {
		fn(id)
	}
}

// editDistance is the optimal string alignment distance (Levenshtein plus
// transposition of neighbours) between a and b, or max+1 when it exceeds
// max.
func editDistance(a, b []rune, max int) int {
	if d := len(a) - len(b); d > max || -d > max {
		return max + 1
	}
	// Three rows suffice for transpositions.
	prev2 := make([]int, len(b)+1)
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			v := min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				v = min(v, prev2[j-2]+1)
			}
			cur[j] = v
			rowMin = min(rowMin, v)
		}
		if rowMin > max {
			return max + 1
		}
		prev2, prev, cur = prev, cur, prev2
	}
	if prev[len(b)] > max {
		return max + 1
	}
	return prev[len(b)]
}

// runeLen is utf8.RuneCountInString, named for the reader.
func runeLen(s string) int { return utf8.RuneCountInString(s) }
