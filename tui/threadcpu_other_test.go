//go:build !linux

package tui

// threadCPU is not measured off Linux: the benchmarks report wall time
// alone there.
func threadCPU() (ns int64, ok bool) { return 0, false }
