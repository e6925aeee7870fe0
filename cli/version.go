package cli

import (
	"fmt"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/internal/buildinfo"
)

func newVersionCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "version",
		Short: "Print the sigscope version",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			fmt.Fprint(cmd.OutOrStdout(), versionLine())
			return nil
		},
	}
}

// versionLine is what `sigscope version` and `sigscope --version` print.
func versionLine() string {
	return buildinfo.Read().String() + "\n"
}
