package auth

import (
	"runtime/debug"
	"sync"
	"time"
)

// Each argon2id hash allocates 19 MiB that is garbage a moment later. The
// Go runtime keeps such memory mapped for reuse, so a server that saw a few
// sign-ins would sit at three times its idle size. After hashing, give the
// memory back to the operating system once things are quiet: sign-ins are
// rare enough that a forced collection a second later costs nothing.
var (
	releaseMu      sync.Mutex
	releasePending bool
)

func releaseSoon() {
	releaseMu.Lock()
	defer releaseMu.Unlock()
	if releasePending {
		return
	}
	releasePending = true
	time.AfterFunc(time.Second, func() {
		releaseMu.Lock()
		releasePending = false
		releaseMu.Unlock()
		debug.FreeOSMemory()
	})
}
