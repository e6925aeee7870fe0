package tui

import (
	"syscall"
	"unsafe"
)

// threadCPU is the CPU time the calling OS thread has used (the caller
// locks its goroutine to the thread): unlike the wall clock, it does not
// count the time the thread waited for a core on a busy machine. It reads
// CLOCK_THREAD_CPUTIME_ID, in nanoseconds; getrusage's thread times move
// in scheduler ticks (4 ms here), too coarse for one message.
func threadCPU() (ns int64, ok bool) {
	const clockThreadCPUTime = 3 // CLOCK_THREAD_CPUTIME_ID
	var ts syscall.Timespec
	if _, _, errno := syscall.RawSyscall(syscall.SYS_CLOCK_GETTIME, clockThreadCPUTime, uintptr(unsafe.Pointer(&ts)), 0); errno != 0 {
		return 0, false
	}
	return ts.Nano(), true
}
