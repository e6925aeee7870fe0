package cli

import (
	"context"
	"fmt"
	"io"
	"os/signal"
	"sort"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/emulator"
	"github.com/sigscope/sigscope/emulator/apigw"
	"github.com/sigscope/sigscope/emulator/cognito"
)

type emulatorFlags struct {
	addr        string
	configPath  string
	tls         bool
	caFile      string
	printConfig bool
}

func newEmulatorCmd() *cobra.Command {
	f := &emulatorFlags{}
	cmd := &cobra.Command{
		Use:   "emulator [--addr 127.0.0.1:PORT] [--config FILE] [--tls] [--ca-file FILE]",
		Short: "Run the local AWS emulator: API Gateway, Cognito user pools and identity pools",
		Long: `Emulator serves, on one loopback port, an API Gateway REST API (AWS_IAM,
COGNITO_USER_POOLS and NONE authorizers, echo routes, CloudFront signed
cookies), Cognito user pools (SRP and password login, MFA, refresh) and
Cognito identity pools. Point curl --aws-sigv4, the AWS CLI/SDKs
(--endpoint-url) or Amplify at it; no AWS account is needed.

Without --config it serves the built-in demo, whose keys and passwords are
public, fake demo values and are printed at start. --print-config prints
that configuration as a starting point for your own file.

--tls serves HTTPS with a certificate from a CA made at start, which may
sign only for localhost, 127.0.0.0/8 and ::1. Its certificate is written to
--ca-file, by default ca.pem in sigscope/emulator under your cache
directory (a folder only you can read), for curl --cacert or AWS_CA_BUNDLE.

The emulator answers only requests whose Host is localhost, 127.x.y.z or
[::1] (421 Misdirected Request otherwise), so that a web page cannot reach
it through DNS rebinding, and it closes idle and slow connections.

It runs until Ctrl-C (SIGINT), SIGTERM, SIGHUP or SIGQUIT, then shuts down
cleanly.

Exit codes: 0 stopped cleanly, 1 bad config or address, 2 usage error.`,
		Example: `  sigscope emulator
  sigscope emulator --addr 127.0.0.1:7466 --tls --ca-file ./emulator-ca.pem
  sigscope emulator --print-config > emulator.yaml && sigscope emulator --config emulator.yaml`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if f.printConfig {
				_, err := cmd.OutOrStdout().Write(emulator.DefaultConfigYAML())
				return err
			}
			ctx, stop := signal.NotifyContext(cmd.Context(), stopSignals()...)
			defer stop()
			return runEmulator(ctx, f, cmd.OutOrStdout(), cmd.ErrOrStderr())
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.addr, "addr", "127.0.0.1:7466", "loopback host:port to listen on (port 0: any free port)")
	fl.StringVar(&f.configPath, "config", "", "emulator config file (default: the built-in demo)")
	fl.BoolVar(&f.tls, "tls", false, "serve HTTPS with a certificate from a CA generated at start")
	fl.StringVar(&f.caFile, "ca-file", "", "with --tls, where to write the CA certificate (default: "+defaultCAFileHelp()+")")
	fl.BoolVar(&f.printConfig, "print-config", false, "print the built-in demo configuration and exit")
	cmd.AddCommand(&cobra.Command{
		Use:    apigw.SampleAuthorizerArgs[1],
		Short:  "The demo's command authorizer: an authorizer event on stdin, its response on stdout",
		Hidden: true, // the emulator runs it; people need not
		Args:   cobra.NoArgs,
		RunE: func(cmd *cobra.Command, _ []string) error {
			return apigw.SampleAuthorizer(cmd.InOrStdin(), cmd.OutOrStdout())
		},
	})
	return cmd
}

// defaultCAFileHelp names where --tls writes the CA certificate by default.
func defaultCAFileHelp() string {
	if path, err := emulator.DefaultCAFile(); err == nil {
		return path
	}
	return "sigscope/emulator/ca.pem in your cache directory"
}

// runEmulator starts the emulator, describes it on out and serves until ctx ends.
func runEmulator(ctx context.Context, f *emulatorFlags, out, logw io.Writer) error {
	var cfg *emulator.Config
	if f.configPath != "" {
		var err error
		if cfg, err = emulator.LoadConfig(f.configPath); err != nil {
			return withCode(ExitError, err)
		}
	} else {
		cfg = emulator.DefaultConfig()
	}
	if f.caFile != "" && !f.tls {
		return withCode(ExitUsage, fmt.Errorf("--ca-file needs --tls"))
	}
	srv, err := emulator.Start(ctx, emulator.Options{Addr: f.addr, Config: cfg, TLS: f.tls, CAFile: f.caFile, Log: logw})
	if err != nil {
		return withCode(ExitError, err)
	}
	describeEmulator(out, srv)
	select {
	case <-ctx.Done():
	case <-srv.Done():
	}
	if err := srv.Close(); err != nil {
		return withCode(ExitError, fmt.Errorf("stop emulator: %w", err))
	}
	fmt.Fprintln(out, "emulator stopped")
	return nil
}

// describeEmulator prints what a client needs. Secrets and passwords are
// shown only for the built-in demo config, whose values are public.
func describeEmulator(w io.Writer, srv *emulator.Server) {
	cfg := srv.Config
	demo := cfg.Builtin()
	secret := func(s string) string {
		if demo || s == "" {
			return s
		}
		if len(s) <= 4 {
			return "…"
		}
		return s[:4] + "…"
	}
	p := func(format string, args ...any) { fmt.Fprintf(w, format+"\n", args...) }
	source := "built-in demo config (fake, public demo credentials)"
	if !demo {
		source = "your config"
	}
	p("sigscope emulator on %s — %s", srv.URL, source)
	p("  endpoint        %s   (Cognito user pools, identity pools and the API)", srv.URL)
	p("  region          %s", cfg.Region)
	p("  API             %s   (id %s, stages %s)", srv.APIURL(), cfg.API.ID, strings.Join(cfg.API.Stages, ", "))
	for _, rt := range cfg.API.Routes {
		p("    %-7s %-22s %-18s %s", strings.ToUpper(rt.Method), rt.Path, rt.Authorizer, rt.Response.Kind)
	}
	for _, up := range cfg.Cognito.UserPools {
		p("  user pool       %s (%s)", up.ID, up.Name)
		for _, c := range up.Clients {
			s := "no secret"
			if c.Secret != "" {
				s = "secret " + secret(c.Secret)
			}
			p("    client        %s (%s, %s)", c.ID, c.Name, s)
		}
		for _, u := range up.Users {
			var notes []string
			if demo {
				notes = append(notes, "password "+u.Password)
			}
			if u.Status != "" && u.Status != "CONFIRMED" {
				notes = append(notes, u.Status)
			}
			if u.MFA != nil {
				notes = append(notes, strings.ToUpper(u.MFA.Type)+" MFA")
			}
			line := "    user          " + u.Username
			if len(notes) > 0 {
				line += " (" + strings.Join(notes, ", ") + ")"
			}
			p("%s", line)
		}
	}
	for _, ip := range cfg.Cognito.IdentityPools {
		authRole, guestRole := ip.AuthenticatedRole, ip.UnauthenticatedRole
		if authRole == "" {
			authRole = cognito.DefaultAuthRole
		}
		if guestRole == "" {
			guestRole = cognito.DefaultUnauthRole
		}
		guests := "no guests"
		if ip.AllowUnauthenticated {
			guests = "guests allowed, as role " + guestRole
		}
		pools := append([]string(nil), ip.UserPools...)
		sort.Strings(pools)
		p("  identity pool   %s (%s; users of %s as role %s)", ip.ID, guests, strings.Join(pools, ", "), authRole)
	}
	for _, c := range cfg.Credentials {
		p("  IAM user        %s  secret %s  %s", c.AccessKeyID, secret(c.SecretAccessKey), c.ARN)
	}
	if srv.CAFile != "" {
		p("  CA certificate  %s   (curl --cacert, AWS_CA_BUNDLE)", srv.CAFile)
	}
	if len(cfg.Credentials) > 0 && len(cfg.API.Stages) > 0 {
		user := "$AWS_ACCESS_KEY_ID:$AWS_SECRET_ACCESS_KEY"
		if demo {
			user = cfg.Credentials[0].AccessKeyID + ":" + cfg.Credentials[0].SecretAccessKey
		}
		ca := ""
		if srv.CAFile != "" {
			ca = " --cacert " + srv.CAFile
		}
		p("")
		p("Try:")
		p("  curl%s --aws-sigv4 \"aws:amz:%s:execute-api\" --user \"%s\" %s/pets", ca, cfg.Region, user, srv.APIURL())
	}
	p("Press Ctrl-C to stop.")
}
