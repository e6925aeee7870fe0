package cli

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/internal/termsafe"
)

func newLsCmd() *cobra.Command {
	var output string
	cmd := &cobra.Command{
		Use:   "ls COLLECTION [-o json]",
		Short: "List a collection: its requests (folder, method, URL, auth), environments and auth profiles",
		Long: `ls prints what a collection holds: every request with its folder path (the
name send and the UI take), method, URL as written and auth mode and
profile; the environments (the default marked); the auth profiles and
their types. Nothing is resolved or sent: it works without the variables
a request needs.

Exit codes: 0 listed, 1 the collection cannot be read, 2 usage error.`,
		Example: `  sigscope ls examples/collections/demo.yaml
  sigscope ls api.yaml -o json | jq -r '.requests[].path'`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			if output != "text" && output != "json" {
				return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", output))
			}
			c, err := collections.Load(args[0])
			if err != nil {
				return err
			}
			l := listing(c)
			if output == "json" {
				enc := json.NewEncoder(cmd.OutOrStdout())
				enc.SetIndent("", "  ")
				return enc.Encode(l)
			}
			return l.writeText(cmd.OutOrStdout())
		},
	}
	cmd.Flags().StringVarP(&output, "output", "o", "text", "output format: text or json")
	_ = cmd.RegisterFlagCompletionFunc("output", cobra.FixedCompletions([]string{"text", "json"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

type collectionListing struct {
	Name               string           `json:"name"`
	Path               string           `json:"path"`
	DefaultEnvironment string           `json:"default_environment,omitempty"`
	Environments       []string         `json:"environments"`
	Profiles           []profileListing `json:"profiles"`
	Requests           []requestListing `json:"requests"`
}

type profileListing struct {
	Name string `json:"name"`
	Type string `json:"type"`
}

type requestListing struct {
	Path    string `json:"path"`
	Method  string `json:"method"`
	URL     string `json:"url"`
	Auth    string `json:"auth"`
	Profile string `json:"profile,omitempty"`
	Line    int    `json:"line"`
}

func listing(c *collections.Collection) collectionListing {
	l := collectionListing{Name: c.Name, Path: c.Path, DefaultEnvironment: c.DefaultEnvironment, Environments: c.Environments(), Profiles: []profileListing{}, Requests: []requestListing{}}
	for _, p := range c.AuthProfiles() {
		typ, _ := c.ProfileType(p)
		l.Profiles = append(l.Profiles, profileListing{p, string(typ)})
	}
	for _, r := range c.Requests() {
		mode, profile, _ := c.AuthOf(r.Path)
		l.Requests = append(l.Requests, requestListing{Path: r.Path, Method: r.Method, URL: r.URL, Auth: string(mode), Profile: profile, Line: r.Line})
	}
	return l
}

func (l collectionListing) writeText(w io.Writer) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s  (%s)\n\n", l.Name, l.Path)
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "REQUEST\tMETHOD\tURL\tAUTH")
	for _, r := range l.Requests {
		auth := r.Auth
		if r.Profile != "" {
			auth += " ▸ " + r.Profile
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", r.Path, r.Method, r.URL, auth)
	}
	tw.Flush()
	b.WriteString("\nenvironments: ")
	if len(l.Environments) == 0 {
		b.WriteString("(none)")
	}
	for i, e := range l.Environments {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(e)
		if e == l.DefaultEnvironment {
			b.WriteString(" (default)")
		}
	}
	b.WriteString("\nauth profiles: ")
	if len(l.Profiles) == 0 {
		b.WriteString("(none)")
	}
	for i, p := range l.Profiles {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "%s (%s)", p.Name, p.Type)
	}
	b.WriteString("\n")
	// Names and URLs come from the file.
	_, err := io.WriteString(w, termsafe.Text(b.String()))
	return err
}
