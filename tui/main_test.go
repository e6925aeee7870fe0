package tui

import (
	"os"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator/apigw"
)

// TestMain fixes the local zone before any test starts a goroutine: the
// history list shows local times and its goldens need one zone, and
// setting time.Local while another test's server reads the clock races.
//
// It also lets this test binary play the demo's command authorizer, which
// the in-process emulator runs as "this program".
func TestMain(m *testing.M) {
	apigw.RunSampleAuthorizerIfAsked()
	time.Local = time.UTC
	code := m.Run()
	removeScaleDirs() // the scale benchmarks' generated collections
	os.Exit(code)
}
