// Command printinfo prints buildinfo.Read() as JSON, so the package's test
// can build it the ways sigscope is built and read what each recorded.
package main

import (
	"encoding/json"
	"os"

	"github.com/sigscope/sigscope/internal/buildinfo"
)

func main() {
	_ = json.NewEncoder(os.Stdout).Encode(buildinfo.Read())
}
