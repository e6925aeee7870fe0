package tui

import (
	"os"
	"testing"
	"time"
)

// TestMain fixes the local zone before any test starts a goroutine: the
// history list shows local times and its goldens need one zone, and
// setting time.Local while another test's server reads the clock races.
func TestMain(m *testing.M) {
	time.Local = time.UTC
	code := m.Run()
	removeScaleDirs() // the scale benchmarks' generated collections
	os.Exit(code)
}
