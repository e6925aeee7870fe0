//go:build unix

package importer

import "syscall"

// openNonblock keeps open from waiting for a writer when a FIFO is
// swapped in between the look and the open; the fstat after it refuses
// the FIFO. Reads of regular files ignore the flag.
const openNonblock = syscall.O_NONBLOCK
