package emulator

import (
	"os"
	"testing"

	"github.com/sigscope/sigscope/emulator/apigw"
)

// TestMain lets this test binary play the demo's command authorizer: the
// default config runs "sigscope emulator sample-authorizer", and
// "sigscope" is the running program.
func TestMain(m *testing.M) {
	apigw.RunSampleAuthorizerIfAsked()
	os.Exit(m.Run())
}
