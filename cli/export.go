package cli

import (
	"fmt"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/export"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

type exportFlags struct {
	as          string
	env         string
	vars        []string
	authMode    string
	frozen      bool
	plugin      bool
	showSecrets bool
	yes         bool
	noCookies   bool
	username    string
	caFile      string
	allowFiles  []string
}

func newExportCmd() *cobra.Command {
	f := &exportFlags{}
	cmd := &cobra.Command{
		Use:   "export COLLECTION REQUEST --as curl|httpie|raw [--frozen] | export COLLECTION --as postman",
		Short: "Write a request as a curl or HTTPie command, the raw signed bytes, or the collection for Postman",
		Long: `Export writes REQUEST of the COLLECTION in another tool's form.

--as curl (the default) writes a command that signs afresh on every run:
curl --aws-sigv4 "aws:amz:REGION:SERVICE" with --user reading the keys from
environment variables (a static profile's own variables, else AWS_ACCESS_KEY_ID
and AWS_SECRET_ACCESS_KEY; -H "x-amz-security-token: $AWS_SESSION_TOKEN" with
temporary credentials). Requests authorized by a Cognito token read it from
$SIGSCOPE_ID_TOKEN or $SIGSCOPE_ACCESS_TOKEN, an API key from its variable; a
comment says how to set each. The command holds no secret and never expires.

--frozen writes the request exactly as sigscope signs it now, every signed
header included, with a comment saying until when AWS accepts it (15 minutes
after X-Amz-Date, or the presigned URL's expiry). A secret that came from an
environment variable is written as that variable ("$AWS_SESSION_TOKEN");
other tokens, API keys and cookie values are masked unless --show-secrets.

--as httpie writes the same for HTTPie. Stock HTTPie cannot sign SigV4
(--auth-type aws4 needs the httpie-aws-authv4 plugin, which Debian and the
registries lack), so a request signed with IAM is written as signed now,
its headers as request items and its expiry in a comment; --httpie-plugin
writes the plugin form instead, which signs on every run. Tokens and API
keys are read from variables, as with curl.

--as raw writes the signed request's bytes as they go on the wire (secrets
masked unless --show-secrets; control bytes escaped when the output is a
terminal).

--as postman writes the whole collection as a Postman v2.1 collection:
folders, requests with their templates, auth awsv4 (or the token or API key)
reading {{aws_access_key}}, {{aws_secret_key}}, {{aws_session_token}},
{{id_token}}... variables left empty, never a secret. The environment given
with --env (default: the collection's default) becomes the collection
variables; the others are listed in its description. REQUEST is not needed.

A collection is anyone's file: curl, httpie and raw prepare the request
(credentials, Cognito tokens), so the first use of a collection asks to
confirm the environment variables it reads and the hosts it talks to, as
send does (--yes for scripts). postman reads no environment variable and
sends nothing.`,
		Example: `  sigscope export api.yaml "pets/List pets" --as curl
  sigscope export examples/collections/demo.yaml "Create pet" --var emulator=http://127.0.0.1:7466 --frozen
  sigscope export api.yaml --as postman > api.postman_collection.json`,
		Args: cobra.RangeArgs(1, 2),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runExport(cmd, f, args)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.as, "as", "curl", "format: curl, httpie, postman or raw")
	fl.StringVarP(&f.env, "env", "e", "", "environment of the collection (default: its default_environment, or its only one)")
	fl.StringArrayVar(&f.vars, "var", nil, "runtime variable k=v, taken literally (repeatable), e.g. --var emulator=http://127.0.0.1:7466")
	fl.StringVar(&f.authMode, "auth", "", "auth mode instead of the collection's: iam, id_token, access_token, api_key or none")
	fl.BoolVar(&f.frozen, "frozen", false, "write the request as signed now (expires) instead of a command that signs on every run")
	fl.BoolVar(&f.plugin, "httpie-plugin", false, "--as httpie: sign with the httpie-aws-authv4 plugin (--auth-type aws4) on every run instead of writing the request as signed")
	fl.BoolVar(&f.showSecrets, "show-secrets", false, "write session tokens, tokens, API keys and cookie values in clear")
	fl.BoolVar(&f.yes, "yes", false, "trust the collection's environment variables and hosts without being asked (remembered until they change)")
	fl.BoolVar(&f.noCookies, "no-cookies", false, "leave the cookies of sigscope's jar out of the request")
	fl.StringVarP(&f.username, "username", "u", "", "whose Cognito login to use (default: the profile's username, else the last user who logged in)")
	fl.StringVar(&f.caFile, "ca-file", "", "PEM file of a CA to trust for the Cognito calls behind the request (default: $AWS_CA_BUNDLE)")
	fl.StringArrayVar(&f.allowFiles, "allow-file", nil, "a file outside the collection's folder its body may read (repeatable)")
	formats := make([]string, len(export.Formats))
	for i, fm := range export.Formats {
		formats[i] = string(fm)
	}
	_ = cmd.RegisterFlagCompletionFunc("as", cobra.FixedCompletions(formats, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("auth", cobra.FixedCompletions(authModes, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func runExport(cmd *cobra.Command, f *exportFlags, args []string) error {
	format := export.Format(f.as)
	if !slices.Contains(export.Formats, format) {
		return withCode(ExitUsage, fmt.Errorf("--as %q: use curl, httpie, postman or raw", f.as))
	}
	if f.authMode != "" && !containsString(authModes, f.authMode) {
		return withCode(ExitUsage, fmt.Errorf("--auth %q: use one of %s", f.authMode, strings.Join(authModes, ", ")))
	}
	vars, err := parseVars(f.vars)
	if err != nil {
		return withCode(ExitUsage, err)
	}
	if format == export.FormatPostman {
		if len(args) == 2 {
			return withCode(ExitUsage, fmt.Errorf("--as postman exports the whole collection: give no REQUEST"))
		}
		if f.frozen || f.showSecrets {
			return withCode(ExitUsage, fmt.Errorf("--as postman holds no signature and no secret: --frozen and --show-secrets do not apply"))
		}
		return exportPostman(cmd, args[0], f.env, vars)
	}
	if len(args) != 2 {
		return withCode(ExitUsage, fmt.Errorf("--as %s needs COLLECTION and REQUEST (see 'sigscope ls %s' for the requests)", f.as, args[0]))
	}
	collectionPath, requestPath := args[0], args[1]
	wb, err := workbench.Open(collectionPath, workbench.Options{AllowFiles: f.allowFiles, Environment: f.env, Vars: vars, Env: workbench.OSEnv("sigscope/" + Version)})
	if err != nil {
		return withCode(ExitError, err)
	}
	if _, _, err := wb.Coll.AuthOf(requestPath); err != nil {
		return withCode(ExitError, fmt.Errorf("resolve: %w", err))
	}
	if err := confirmTrust(newAnswers(cmd.InOrStdin(), cmd.ErrOrStderr()), wb, f.yes); err != nil {
		return err
	}
	run := workbench.Run{Mode: collections.AuthMode(f.authMode), NoCookies: f.noCookies, CAFile: f.caFile, ShowSecrets: f.showSecrets, Username: f.username, Source: "export"}
	if f.plugin && format != export.FormatHTTPie {
		return withCode(ExitUsage, fmt.Errorf("--httpie-plugin is for --as httpie"))
	}
	opts := export.Options{Frozen: f.frozen, HTTPiePlugin: f.plugin, ShowSecrets: f.showSecrets, Collection: collectionPath, Environment: f.env, Vars: vars}
	pv, err := wb.Preview(cmd.Context(), requestPath, run)
	if err != nil {
		_, untrusted := workbench.IsUntrusted(err)
		if f.frozen || format == export.FormatRaw || untrusted {
			return withCode(ExitError, exportHint(wb, err))
		}
		// A fresh command reads its keys or token when it runs: without
		// them at hand now, export the request unauthorized and say so.
		rr, rerr := wb.Resolve(requestPath)
		if rerr != nil {
			return withCode(ExitError, exportHint(wb, err))
		}
		if f.authMode != "" {
			rr.Auth.Mode = collections.AuthMode(f.authMode)
		}
		run.Mode = collections.ModeNone
		var nerr error
		if pv, nerr = wb.Preview(cmd.Context(), requestPath, run); nerr != nil {
			return withCode(ExitError, exportHint(wb, err))
		}
		opts.Auth = &rr.Auth
		fmt.Fprintf(cmd.ErrOrStderr(), "note: %s\nthe command reads its credentials or token from the environment when it runs\n", termsafe.Text(err.Error()))
	}
	for _, w := range pv.Warnings {
		fmt.Fprintf(cmd.ErrOrStderr(), "warning: %s\n", termsafe.Text(w))
	}
	opts.EnvNames = wb.SecretEnvNames(pv.Prepared)
	out := cmd.OutOrStdout()
	switch format {
	case export.FormatRaw:
		raw, err := export.Raw(pv.Prepared, f.showSecrets)
		if err != nil {
			return withCode(ExitError, err)
		}
		if p := pv.Prepared; p.Trace != nil {
			fmt.Fprintf(cmd.ErrOrStderr(), "note: signed at %s (X-Amz-Date); AWS accepts it for 15 minutes (a presigned URL until X-Amz-Expires)\n", p.Trace.RequestDate)
		}
		if string(raw) != string(pv.Prepared.Wire) {
			fmt.Fprintln(cmd.ErrOrStderr(), "note: secrets are masked; --show-secrets writes the exact bytes")
		}
		if isTerminal(out) {
			_, err = fmt.Fprintln(out, export.ForTerminal(raw))
		} else {
			_, err = out.Write(raw)
		}
		return err
	case export.FormatHTTPie:
		s, err := export.HTTPie(pv.Prepared, opts)
		if err != nil {
			return withCode(ExitError, err)
		}
		_, err = fmt.Fprint(out, s)
		return err
	}
	s, err := export.Curl(pv.Prepared, opts)
	if err != nil {
		return withCode(ExitError, err)
	}
	_, err = fmt.Fprint(out, s)
	return err
}

// exportHint adds send's hint for a collection that needs the emulator.
func exportHint(wb *workbench.Workbench, err error) error {
	if wb.NeedsEmulator() && strings.Contains(err.Error(), `"emulator"`) {
		return fmt.Errorf("%w\nhint: this collection talks to the emulator: pass --var emulator=http://127.0.0.1:PORT (the URL 'sigscope emulator' prints)", err)
	}
	return err
}

// envNames maps the secrets of a request that came from the collection's
// declared environment variables to those variables, so that a command
// reads "$NAME" where the value was.

func exportPostman(cmd *cobra.Command, path, env string, vars map[string]string) error {
	c, err := collections.Load(path)
	if err != nil {
		return withCode(ExitError, err)
	}
	if env != "" && !slices.Contains(c.Environments(), env) {
		return withCode(ExitError, fmt.Errorf("collection %s has no environment %q (environments: %s)", path, env, strings.Join(c.Environments(), ", ")))
	}
	data, err := export.Postman(c, export.PostmanOptions{Environment: env, Vars: vars})
	if err != nil {
		return withCode(ExitError, err)
	}
	_, err = cmd.OutOrStdout().Write(data)
	return err
}
