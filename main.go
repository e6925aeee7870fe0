// Command sigscope is a terminal API explorer for AWS: it signs requests with
// SigV4, logs into Amazon Cognito and shows every step of the signature.
package main

import (
	"os"

	"github.com/sigscope/sigscope/cli"
)

func main() {
	os.Exit(cli.Main(os.Args[1:], os.Stdin, os.Stdout, os.Stderr))
}
