// Package cli wires sigscope's command line: one file per command, each
// building a cobra command that calls into the domain packages.
package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/internal/buildinfo"
	"github.com/sigscope/sigscope/internal/termsafe"
)

// Exit codes shared by every command; documented in the root --help.
const (
	ExitOK    = 0
	ExitError = 1 // bad input: flags, files, credentials
	ExitUsage = 2 // unknown command or flag
	// ExitInterrupted is Ctrl-C, as shells report a process ended by SIGINT.
	ExitInterrupted = 130
)

// exitError carries a specific exit code out of a command.
type exitError struct {
	code int
	err  error
}

func (e *exitError) Error() string { return e.err.Error() }
func (e *exitError) Unwrap() error { return e.err }

// withCode marks err so that Main exits with code.
func withCode(code int, err error) error {
	if err == nil {
		return nil
	}
	return &exitError{code: code, err: err}
}

// Version names this build in User-Agents and HAR files: the release's
// version (set by the linker in internal/buildinfo), or what the go
// command embedded, or "dev".
var Version = buildinfo.Version()

// newRoot builds the whole command tree; a fresh tree per call keeps tests independent.
func newRoot(stdin io.Reader, stdout, stderr io.Writer) *cobra.Command {
	root := &cobra.Command{
		Use:   "sigscope",
		Short: "Sign, send and explain AWS SigV4 and Cognito-authenticated requests",
		Long: `sigscope signs HTTP requests with AWS Signature Version 4 and shows every
step of the signature: canonical request, string-to-sign, signing key and
signature. It is built for debugging "The request signature we calculated does
not match the signature you provided". It logs into Amazon Cognito by itself,
sends the requests of YAML collections exactly as signed, and ships a local
AWS emulator, so everything can be tried without an AWS account:

  sigscope demo

Without a command it opens the terminal UI on the collection files or
folders given (default: the collections in the current folder).

Exit codes: 0 success, 1 bad input or failed operation, 2 usage error
('send' adds 3 for an HTTP 4xx/5xx answer and 4 when no complete answer came).`,
		SilenceUsage:  true,
		SilenceErrors: true,
	}
	root.SetIn(stdin)
	root.SetOut(stdout)
	root.SetErr(stderr)
	root.SetFlagErrorFunc(func(c *cobra.Command, err error) error {
		return withCode(ExitUsage, fmt.Errorf("%w (see '%s --help')", err, c.CommandPath()))
	})
	for _, build := range commands {
		root.AddCommand(build())
	}
	addRootRun(root)
	addCompletions(root)
	root.Version = Version
	root.SetVersionTemplate(versionLine())
	// Cobra's completion command prints its help for a shell it does not
	// know and exits 0; a script should learn it failed.
	root.InitDefaultCompletionCmd()
	for _, c := range root.Commands() {
		if c.Name() == "completion" {
			c.RunE = func(cmd *cobra.Command, args []string) error {
				if len(args) > 0 {
					return withCode(ExitUsage, fmt.Errorf("completion %q: sigscope completes bash, zsh, fish and powershell", args[0]))
				}
				return cmd.Help()
			}
		}
	}
	return root
}

// commands lists the constructors of every subcommand, in help order.
var commands = []func() *cobra.Command{
	newDemoCmd,
	newEmulatorCmd,
	newSignCmd,
	newCompareCmd,
	newSendCmd,
	newRunCmd,
	newExportCmd,
	newVerifyCmd,
	newExplainCmd,
	newWhyCmd,
	newLsCmd,
	newImportCmd,
	newLoginCmd, newLogoutCmd,
	newHistoryCmd,
	newConfigCmd,
	newManCmd,
	newVersionCmd,
}

// Main runs the command line and returns the process exit code.
func Main(args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	return mainContext(context.Background(), args, stdin, stdout, stderr)
}

// mainContext is Main under ctx: a test's deadline reaches the commands
// through cmd.Context().
func mainContext(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	root := newRoot(stdin, stdout, stderr)
	root.SetArgs(args)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return ExitOK
	}
	// Messages quote files and servers: shown escaped, never obeyed.
	fmt.Fprintln(stderr, "sigscope:", termsafe.Text(err.Error()))
	var ee *exitError
	if errors.As(err, &ee) {
		return ee.code
	}
	if isUsageError(err) {
		return ExitUsage
	}
	return ExitError
}

// isUsageError recognizes cobra's errors for unknown commands and bad
// arguments, which it reports as plain errors.
func isUsageError(err error) bool {
	msg := err.Error()
	for _, p := range []string{"unknown command", "unknown flag", "unknown shorthand flag", "accepts ", "requires at least", "requires at most", "invalid argument"} {
		if strings.Contains(msg, p) {
			return true
		}
	}
	return false
}
