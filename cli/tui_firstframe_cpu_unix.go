//go:build unix

package cli

import (
	"syscall"
	"time"
)

// processCPU is the CPU time (user + system, all threads) this process
// has used so far: on a loaded machine the wall time to the first frame
// is mostly other people's work, the CPU time is not.
func processCPU() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
