package apigw

import (
	"os"
	"testing"
)

// TestMain lets this test binary be the command of command authorizers
// (os.Args[0] emulator sample-authorizer), as sigscope is the demo's.
func TestMain(m *testing.M) {
	RunSampleAuthorizerIfAsked()
	os.Exit(m.Run())
}
