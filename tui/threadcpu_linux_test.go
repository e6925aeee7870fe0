package tui

import "syscall"

// threadCPU is the CPU time the calling OS thread has used (the caller
// locks its goroutine to the thread): unlike the wall clock, it does not
// count the time the thread waited for a core on a busy machine.
func threadCPU() (ns int64, ok bool) {
	const rusageThread = 1 // RUSAGE_THREAD, Linux only
	var ru syscall.Rusage
	if err := syscall.Getrusage(rusageThread, &ru); err != nil {
		return 0, false
	}
	return ru.Utime.Nano() + ru.Stime.Nano(), true
}
