package esco

import (
	"fmt"
	"io"
	"strings"
)

// bar draws a one-line progress bar on w, redrawn with a carriage return
// and only when the shown percentage changes.
type bar struct {
	w     io.Writer
	label string
	pct   int
	open  bool
}

func newBar(w io.Writer) *bar { return &bar{w: w, pct: -1} }

func (b *bar) stage(label string) {
	if b.w == nil {
		return
	}
	fmt.Fprintf(b.w, "\r%s…", label)
	b.open, b.label, b.pct = true, label, -1
}

func (b *bar) set(label string, done, total int) {
	if b.w == nil || total == 0 {
		return
	}
	pct := done * 100 / total
	if pct == b.pct && label == b.label {
		return
	}
	if label != b.label && b.open {
		fmt.Fprint(b.w, "\n")
	}
	b.pct, b.label, b.open = pct, label, true
	const width = 30
	n := pct * width / 100
	fmt.Fprintf(b.w, "\r%s [%s%s] %3d%% %d/%d", label, strings.Repeat("#", n), strings.Repeat(".", width-n), pct, done, total)
}

func (b *bar) done() {
	if b.w != nil && b.open {
		fmt.Fprint(b.w, "\n")
		b.open = false
	}
}
