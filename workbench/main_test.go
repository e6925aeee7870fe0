package workbench

import (
	"os"
	"testing"

	"github.com/sigscope/sigscope/emulator/apigw"
)

// TestMain lets this test binary play the demo's command authorizer,
// which the in-process emulator runs as "this program".
func TestMain(m *testing.M) {
	apigw.RunSampleAuthorizerIfAsked()
	os.Exit(m.Run())
}
