package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/internal/cabundle"
	"github.com/sigscope/sigscope/internal/secret"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

type loginFlags struct {
	env, profile, username, flow string
	passwordStdin, showTokens    bool
	yes                          bool
	mfaCode, mfaType             string
	vars, attributes             []string
	domain, idp                  string
	scopes                       []string
	redirectPort                 int
	noBrowser                    bool
	output                       string
	caFile                       string
}

// authOptions are the options of every Cognito call the login makes: the
// CA file (--ca-file, else AWS_CA_BUNDLE, as the AWS CLI reads it).
func (f *loginFlags) authOptions() []auth.Option {
	ca := f.caFile
	if ca == "" {
		ca = os.Getenv(cabundle.EnvVar)
	}
	return []auth.Option{auth.WithCAFile(ca)}
}

func newLoginCmd() *cobra.Command {
	f := &loginFlags{}
	cmd := &cobra.Command{
		Use:   "login COLLECTION [--env NAME] [--profile NAME] [--username U] [--password-stdin] [--mfa-code CODE]",
		Short: "Log in to a Cognito user pool for a collection and cache the tokens",
		Long: `Login logs in to the Cognito user pool of a collection's cognito auth profile,
as an Amplify app would (USER_SRP_AUTH by default, or USER_PASSWORD_AUTH, or
the hosted UI in the browser), answers the challenges (new password, SMS,
email or authenticator codes, MFA choice, authenticator setup), and caches the
tokens for 'sigscope send' and the TUI, per collection, environment, user pool
and user, in the user's cache directory (files of mode 0600). With an
identity_pool_id it also fetches the identity pool credentials.

In a terminal, sigscope asks for what it needs, the password hidden. Scripts
pass --password-stdin (the first line of standard input; a new password, if
Cognito asks for one, is the next line) and --mfa-code; any other answer is
read from the next line of standard input. Tokens are printed only with
--show-tokens.

{{emulator}} and other variables in the profile are filled from --var
(e.g. --var emulator=http://127.0.0.1:7466), then the environment's variables.

The first time a collection is used (and again when the environment variables
it declares or the hosts it talks to change), login lists them and asks to
confirm (y/N) in a terminal; --yes confirms for scripts, which are refused
without it.

Exit codes: 0 logged in, 1 login refused or bad input, 2 usage error,
130 interrupted (Ctrl-C).`,
		Example: `  sigscope login examples/collections/demo.yaml --var emulator=http://127.0.0.1:7466
  printf '%s\n' "$PASSWORD" | sigscope login api.yaml --env prod --username alice --password-stdin --mfa-code 123456
  sigscope login api.yaml --flow hosted --domain https://myapp.auth.eu-west-1.amazoncognito.com --redirect-port 8765`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			ctx, stop := signal.NotifyContext(cmd.Context(), stopSignals()...)
			defer stop()
			err := runLogin(ctx, cmd, args[0], f)
			if ctx.Err() != nil && err != nil {
				// Ctrl-C, at a prompt or while Cognito answered.
				return withCode(ExitInterrupted, errors.New("interrupted: nothing was cached"))
			}
			return err
		},
	}
	fl := cmd.Flags()
	fl.StringVarP(&f.env, "env", "e", "", "environment of the collection (default: its default_environment, or its only one)")
	fl.StringVarP(&f.profile, "profile", "p", "", "cognito auth profile (default: the one the collection's defaults use, or the only one)")
	fl.StringVarP(&f.username, "username", "u", "", "user to log in (default: the profile's username)")
	fl.BoolVar(&f.passwordStdin, "password-stdin", false, "read the password from the first line of standard input")
	fl.StringVar(&f.mfaCode, "mfa-code", "", "the MFA code (SMS, email or authenticator), for scripts")
	fl.StringVar(&f.mfaType, "mfa-type", "", "MFA type when Cognito lets the user choose: totp, sms or email")
	fl.StringArrayVar(&f.attributes, "attribute", nil, "a required user attribute for a new password, name=value (repeatable)")
	fl.StringVar(&f.flow, "flow", "", "srp (default), password or hosted (browser sign-in; default: the profile's flow)")
	fl.StringVar(&f.caFile, "ca-file", "", "PEM file of a CA to trust besides the system's (the emulator's --tls CA; default: $AWS_CA_BUNDLE)")
	fl.StringArrayVar(&f.vars, "var", nil, "set a collection variable, name=value (repeatable), e.g. emulator=http://127.0.0.1:7466")
	fl.BoolVar(&f.showTokens, "show-tokens", false, "print the id, access and refresh tokens in clear")
	fl.StringVar(&f.domain, "domain", "", "hosted UI: the user pool domain, e.g. https://myapp.auth.us-east-1.amazoncognito.com (default: the endpoint)")
	fl.StringArrayVar(&f.scopes, "scope", nil, "hosted UI: an OAuth scope to request (repeatable; default openid)")
	fl.StringVar(&f.idp, "idp", "", "hosted UI: identity provider to go to directly, e.g. Google")
	fl.IntVar(&f.redirectPort, "redirect-port", 0, "hosted UI: loopback port of the callback URL registered on the app client (default: any free port)")
	fl.BoolVar(&f.noBrowser, "no-browser", false, "hosted UI: print the URL instead of opening a browser")
	fl.StringVarP(&f.output, "output", "o", "text", "output format: text or json")
	fl.BoolVar(&f.yes, "yes", false, "trust the collection's environment variables and hosts without being asked (remembered until they change)")
	_ = cmd.RegisterFlagCompletionFunc("flow", cobra.FixedCompletions([]string{"srp", "password", "hosted"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("mfa-type", cobra.FixedCompletions([]string{"totp", "sms", "email"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

func newLogoutCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "logout [COLLECTION]",
		Short: "Forget the cached Cognito tokens of a collection, or of all collections",
		Long: `Logout removes the tokens and credentials that 'sigscope login' cached for
the collection (every environment and user), or for every collection when
none is named. The tokens are not revoked at Cognito; they expire on their own.

Exit codes: 0 done, 1 the cache could not be changed, 2 usage error.`,
		Args: cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			store, err := auth.DefaultStore()
			if err != nil {
				return err
			}
			coll := ""
			if len(args) == 1 {
				coll = args[0]
			}
			removed, err := store.Remove(coll)
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			where := "any collection"
			if coll != "" {
				where = coll
			}
			if len(removed) == 0 {
				fmt.Fprintf(w, "No cached login for %s.\n", termsafe.Line(where))
				return nil
			}
			for _, e := range removed {
				fmt.Fprintf(w, "Logged out %s from %s (%s%s).\n", termsafe.Line(e.Key.Username), termsafe.Line(e.Key.UserPoolID), termsafe.Line(e.Key.Collection), termsafe.Line(loginEnvSuffix(e.Key.Environment)))
			}
			return nil
		},
	}
}

func loginEnvSuffix(env string) string {
	if env == "" {
		return ""
	}
	return ", environment " + env
}

// loginVars reads repeated --var name=value flags.
// parseVars reads repeated --var name=value flags (login and send).
func parseVars(list []string) (map[string]string, error) {
	vars := map[string]string{}
	for _, kv := range list {
		k, v, ok := strings.Cut(kv, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, withCode(ExitUsage, fmt.Errorf("--var %q: want name=value, e.g. --var emulator=http://127.0.0.1:7466", kv))
		}
		k = strings.TrimSpace(k)
		if _, twice := vars[k]; twice {
			return nil, withCode(ExitUsage, fmt.Errorf("--var %s is given twice: give each variable once", k))
		}
		vars[k] = v
	}
	return vars, nil
}

func runLogin(ctx context.Context, cmd *cobra.Command, path string, f *loginFlags) error {
	if f.output != "text" && f.output != "json" {
		return withCode(ExitUsage, fmt.Errorf("--output %q: use text or json", f.output))
	}
	vars, err := parseVars(f.vars)
	if err != nil {
		return err
	}
	c, err := collections.Load(path)
	if err != nil {
		return err
	}
	cp, envName, err := auth.ResolveCognitoProfile(c, f.profile, f.env, vars, os.LookupEnv)
	if err != nil {
		return err
	}
	p, err := auth.CognitoProfileFrom(cp, os.LookupEnv)
	if err != nil {
		return err
	}
	if f.flow != "" {
		p.Flow = auth.Flow(f.flow)
	}
	// Flags win over the profile's hosted UI settings.
	if f.domain != "" {
		p.Domain = f.domain
	}
	if len(f.scopes) > 0 {
		p.Scopes = f.scopes
	}
	if f.idp != "" {
		p.IdentityProvider = f.idp
	}
	if f.redirectPort != 0 {
		p.RedirectPort = f.redirectPort
	}
	if err := p.Validate(); err != nil {
		return withCode(ExitUsage, err)
	}
	in := newAnswers(cmd.InOrStdin(), cmd.ErrOrStderr())
	in.ctx = ctx
	if f.passwordStdin && in.tty {
		return withCode(ExitUsage, errors.New("--password-stdin: standard input is a terminal; pipe the password in, or leave the flag out to be asked"))
	}
	// Before anything is sent or a password asked for: the collection
	// names the endpoint and the password variable, and it could be
	// anyone's.
	wb := workbench.OpenCollection(c, workbench.Options{Environment: f.env, Vars: vars, Env: workbench.OSEnv("sigscope/" + Version)})
	if err := confirmTrust(in, wb, f.yes); err != nil {
		return err
	}
	key := auth.CacheKey{Collection: path, Environment: envName, UserPoolID: p.UserPoolID}
	// Before any password or code is asked for or sent.
	if err := auth.CheckCache(key, f.authOptions()...); err != nil {
		return err
	}
	// Say where the password goes before asking for it or sending it: a
	// collection names the endpoint, and it could be anyone's.
	where := "Cognito, cognito-idp." + p.Region + ".amazonaws.com"
	if p.Region == "" {
		where = "Cognito"
	}
	if p.Endpoint != "" {
		where = p.Endpoint
	}
	fmt.Fprintf(cmd.ErrOrStderr(), "Logging in to user pool %s at %s (auth profile %q).\n", termsafe.Line(p.UserPoolID), termsafe.Line(where), cp.Name)
	var sess *auth.Session
	if p.Flow == auth.FlowHosted {
		sess, err = hostedLogin(ctx, cmd.ErrOrStderr(), p, key, f)
	} else {
		sess, err = passwordLogin(ctx, in, p, cp, key, f)
	}
	if err != nil {
		return err
	}
	return printLogin(ctx, cmd.OutOrStdout(), sess, p, f)
}

type loginReport struct {
	Username       string    `json:"username"`
	InternalName   string    `json:"cognito_username,omitempty"`
	Email          string    `json:"email,omitempty"`
	UserPoolID     string    `json:"user_pool_id"`
	IDTokenExpiry  time.Time `json:"id_token_expires"`
	AccessExpiry   time.Time `json:"access_token_expires"`
	IdentityPoolID string    `json:"identity_pool_id,omitempty"`
	IdentityID     string    `json:"identity_id,omitempty"`
	AccessKeyID    string    `json:"access_key_id,omitempty"` // masked
	CredsExpiry    time.Time `json:"credentials_expire,omitzero"`
	IDToken        string    `json:"id_token,omitempty"`
	AccessToken    string    `json:"access_token,omitempty"`
	RefreshToken   string    `json:"refresh_token,omitempty"`
}

func printLogin(ctx context.Context, w io.Writer, s *auth.Session, p auth.CognitoProfile, f *loginFlags) error {
	tok, err := s.Tokens(ctx)
	if err != nil {
		return err
	}
	r := loginReport{Username: s.Username(), UserPoolID: p.UserPoolID, IdentityPoolID: p.IdentityPoolID}
	if c, err := tok.IDClaims(); err == nil {
		r.InternalName, r.Email, r.IDTokenExpiry = c.String("cognito:username"), c.String("email"), c.Time("exp")
	}
	if c, err := tok.AccessClaims(); err == nil {
		r.AccessExpiry = c.Time("exp")
	}
	if p.IdentityPoolID != "" {
		creds, err := s.Credentials(ctx)
		if err != nil {
			return fmt.Errorf("logged in, but the identity pool gave no credentials: %w", err)
		}
		r.IdentityID, r.AccessKeyID, r.CredsExpiry = s.IdentityID(), secret.Mask(creds.AccessKeyID), creds.Expires
	}
	if f.showTokens {
		r.IDToken, r.AccessToken, r.RefreshToken = tok.IDToken, tok.AccessToken, tok.RefreshToken
	}
	if f.output == "json" {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(r)
	}
	// Names, email and identity come from Cognito's answers and tokens:
	// shown escaped, never obeyed.
	var b strings.Builder
	who := r.Username
	if r.InternalName != "" && r.InternalName != r.Username {
		who += " (cognito:username " + r.InternalName + ")"
	}
	fmt.Fprintf(&b, "Logged in to %s as %s", termsafe.Line(r.UserPoolID), termsafe.Line(who))
	if r.Email != "" {
		fmt.Fprintf(&b, ", email %s", termsafe.Line(r.Email))
	}
	b.WriteString("\n")
	now := time.Now()
	fmt.Fprintf(&b, "  id token      expires %s\n", loginWhen(r.IDTokenExpiry, now))
	fmt.Fprintf(&b, "  access token  expires %s\n", loginWhen(r.AccessExpiry, now))
	if r.IdentityID != "" {
		fmt.Fprintf(&b, "Identity pool %s: identity %s\n", termsafe.Line(r.IdentityPoolID), termsafe.Line(r.IdentityID))
		fmt.Fprintf(&b, "  AWS credentials %s expire %s\n", termsafe.Line(r.AccessKeyID), loginWhen(r.CredsExpiry, now))
	}
	b.WriteString("Tokens cached; they are refreshed when they expire. 'sigscope logout' forgets them.\n")
	if f.showTokens {
		fmt.Fprintf(&b, "id_token: %s\naccess_token: %s\nrefresh_token: %s\n", termsafe.Line(r.IDToken), termsafe.Line(r.AccessToken), termsafe.Line(r.RefreshToken))
	}
	_, err = io.WriteString(w, b.String())
	return err
}

func loginWhen(t, now time.Time) string {
	if t.IsZero() {
		return "(unknown)"
	}
	return fmt.Sprintf("%s (in %s)", t.Local().Format("2006-01-02 15:04:05 MST"), t.Sub(now).Round(time.Second))
}
