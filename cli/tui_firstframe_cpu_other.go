//go:build !unix

package cli

import "time"

// processCPU is not measured here (0): the first frame's CPU time is a
// figure of bench/startup.sh, which runs on Linux.
func processCPU() time.Duration { return 0 }
