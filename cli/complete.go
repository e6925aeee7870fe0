package cli

import (
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/collections"
)

// addCompletions teaches the shell sigscope's arguments: collection files,
// then a collection's request names, environments and profiles.
func addCompletions(root *cobra.Command) {
	root.ValidArgsFunction = collectionFiles
	for _, c := range root.Commands() {
		switch c.Name() {
		case "send":
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				switch len(args) {
				case 0:
					return collectionFiles(cmd, args, toComplete)
				case 1:
					return requestNames(args[0], toComplete), cobra.ShellCompDirectiveNoFileComp
				}
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
		case "login", "ls", "logout":
			c.ValidArgsFunction = func(cmd *cobra.Command, args []string, toComplete string) ([]string, cobra.ShellCompDirective) {
				if len(args) == 0 {
					return collectionFiles(cmd, args, toComplete)
				}
				return nil, cobra.ShellCompDirectiveNoFileComp
			}
		default:
			continue
		}
		if c.Flags().Lookup("env") != nil {
			_ = c.RegisterFlagCompletionFunc("env", fromCollection(func(coll *collections.Collection) []string { return coll.Environments() }))
		}
		if c.Name() == "login" {
			_ = c.RegisterFlagCompletionFunc("profile", fromCollection(func(coll *collections.Collection) []string {
				var out []string
				for _, p := range coll.AuthProfiles() {
					if typ, _ := coll.ProfileType(p); typ == collections.ProfileCognito {
						out = append(out, p)
					}
				}
				return out
			}))
		}
	}
	if root.Flags().Lookup("env") != nil {
		_ = root.RegisterFlagCompletionFunc("env", fromCollection(func(coll *collections.Collection) []string { return coll.Environments() }))
	}
}

func collectionFiles(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return []string{"yaml", "yml"}, cobra.ShellCompDirectiveFilterFileExt
}

// requestNames are the request paths of a collection that start with
// prefix; none when the file does not load.
func requestNames(path, prefix string) []string {
	c, err := collections.Load(path)
	if err != nil {
		return nil
	}
	var out []string
	for _, r := range c.Requests() {
		if strings.HasPrefix(r.Path, prefix) {
			out = append(out, r.Path)
		}
	}
	return out
}

// fromCollection completes a flag from the collection named by the first
// argument.
func fromCollection(list func(*collections.Collection) []string) func(*cobra.Command, []string, string) ([]string, cobra.ShellCompDirective) {
	return func(_ *cobra.Command, args []string, _ string) ([]string, cobra.ShellCompDirective) {
		if len(args) == 0 {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		c, err := collections.Load(args[0])
		if err != nil {
			return nil, cobra.ShellCompDirectiveNoFileComp
		}
		return list(c), cobra.ShellCompDirectiveNoFileComp
	}
}
