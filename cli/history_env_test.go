package cli

import "os"

// The commands keep every exchange in the user's history: tests keep
// none unless they ask for a history of their own (SIGSCOPE_HISTORY=PATH
// in their environment), so no test writes into the home of whoever runs
// it.
func init() {
	if _, set := os.LookupEnv("SIGSCOPE_HISTORY"); !set {
		os.Setenv("SIGSCOPE_HISTORY", "off")
	}
}
