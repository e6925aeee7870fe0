// The interactive half of sigscope login: answering each Cognito challenge
// from flags, piped standard input or prompts on the terminal.

package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

func passwordLogin(ctx context.Context, in *answers, p auth.CognitoProfile, cp *collections.Profile, key auth.CacheKey, f *loginFlags) (*auth.Session, error) {
	user := f.username
	if user == "" {
		user = p.Username
	}
	if user == "" {
		if f.passwordStdin { // the first line of stdin is the password
			return nil, withCode(ExitUsage, errors.New("no username: pass --username or set username in the auth profile"))
		}
		var err error
		if user, err = in.line("Username", "no username: pass --username or set username in the auth profile"); err != nil {
			return nil, err
		}
	}
	l, err := auth.NewLogin(p, user, f.authOptions()...)
	if err != nil {
		return nil, err
	}
	attrs := map[string]string{}
	for _, a := range f.attributes {
		k, v, ok := strings.Cut(a, "=")
		if !ok || k == "" {
			return nil, withCode(ExitUsage, fmt.Errorf("--attribute %q: want name=value", a))
		}
		attrs[k] = v
	}
	mfaCode := f.mfaCode
	for tries := 0; ; tries++ {
		st := l.Next()
		var a auth.Answer
		var err error
		switch st.Kind {
		case auth.StepDone:
			return l.Session(key)
		case auth.StepPassword:
			switch {
			case f.passwordStdin && tries == 0:
				a.Password, err = in.stdinLine("--password-stdin: no password on standard input")
			case tries == 0 && cp.PasswordEnv != "" && os.Getenv(cp.PasswordEnv) != "":
				a.Password = os.Getenv(cp.PasswordEnv)
			default:
				a.Password, err = in.secret(st.Prompt, "no password: pass --password-stdin, set "+orDefault(cp.PasswordEnv, "password_env")+", or run in a terminal")
			}
		case auth.StepNewPassword:
			in.say("%s.", st.Prompt)
			a.NewPassword, err = in.secret("New password", "Cognito requires a new password: give it on the line after the password (with --password-stdin)")
			if err == nil && in.tty {
				// Typed blind: a typo would set a password nobody knows.
				again, rerr := in.secret("New password again", "")
				if err = rerr; err == nil && again != a.NewPassword {
					in.say("The two passwords differ; again, please.")
					continue
				}
			}
			if err == nil {
				a.Attributes = map[string]string{}
				for _, name := range st.RequiredAttributes {
					if v, ok := attrs[name]; ok {
						a.Attributes[name] = v
					} else if a.Attributes[name], err = in.line(name, "Cognito requires the attribute "+name+": pass --attribute "+name+"=VALUE"); err != nil {
						break
					}
				}
			}
		case auth.StepMFACode, auth.StepTOTPSetup:
			if st.Kind == auth.StepTOTPSetup {
				in.showTOTPSetup(st)
			}
			if mfaCode != "" {
				a.Code, mfaCode = mfaCode, ""
			} else {
				a.Code, err = readCode(in, st.Prompt, "Cognito asks for "+st.Challenge+": pass --mfa-code, or run in a terminal")
			}
		case auth.StepSelectMFA:
			a.MFAType, err = chooseMFA(in, f.mfaType, st.MFAChoices)
		}
		if err != nil {
			return nil, err
		}
		next, err := l.Answer(ctx, a)
		if err == nil {
			tries = -1
			continue
		}
		// A person at a terminal may try again, a few times; a script
		// gets the error at once.
		if !in.tty || next.Kind == auth.StepPassword && st.Kind != auth.StepPassword {
			return nil, err
		}
		if tries >= 2 {
			return nil, fmt.Errorf("%w (3 tries used: run the login again)", err)
		}
		in.say("%v", err)
	}
}

func orDefault(s, d string) string {
	if s == "" {
		return d
	}
	return s
}

var mfaNames = map[string]string{"totp": auth.MFATOTP, "sms": auth.MFASMS, "email": auth.MFAEmail}

func chooseMFA(in *answers, flag string, choices []string) (string, error) {
	if flag != "" {
		if v, ok := mfaNames[strings.ToLower(flag)]; ok {
			return v, nil
		}
		return strings.ToUpper(flag), nil
	}
	labels := map[string]string{auth.MFATOTP: "authenticator app (totp)", auth.MFASMS: "SMS (sms)", auth.MFAEmail: "email (email)"}
	for i, c := range choices {
		in.say("  %d) %s", i+1, orDefault(labels[c], c))
	}
	var words []string
	for i, c := range choices {
		label := orDefault(labels[c], c)
		if _, short, ok := strings.Cut(label, "("); ok {
			label = strings.TrimSuffix(short, ")")
		}
		words = append(words, fmt.Sprintf("%d or %s", i+1, label))
	}
	for try := 1; ; try++ {
		ans, err := in.line("MFA type", "Cognito asks to choose an MFA type: pass --mfa-type totp, sms or email")
		if err != nil {
			return "", err
		}
		for i, c := range choices {
			if ans == fmt.Sprint(i+1) || strings.EqualFold(ans, c) || mfaNames[strings.ToLower(ans)] == c {
				return c, nil
			}
		}
		// Told in the menu's own words, before anything is sent.
		msg := fmt.Sprintf("%q is not one of the choices: answer %s", ans, strings.Join(words, ", "))
		if !in.tty || try == 3 {
			return "", errors.New("MFA type " + msg)
		}
		in.say("%s.", msg)
	}
}

// readCode asks for an MFA code until it has 6 digits (a person at a
// terminal gets three tries; a script's wrong code is an error at once),
// so that a typo does not spend one of Cognito's tries.
func readCode(in *answers, prompt, missing string) (string, error) {
	for try := 1; ; try++ {
		code, err := in.line(prompt, missing)
		if err != nil {
			return "", err
		}
		code = strings.ReplaceAll(code, " ", "")
		if len(code) == 6 && strings.Trim(code, "0123456789") == "" {
			return code, nil
		}
		msg := fmt.Sprintf("the code %q is not 6 digits", code)
		if !in.tty || try == 3 {
			return "", errors.New(msg)
		}
		in.say("%s: again, please.", msg)
	}
}

func hostedLogin(ctx context.Context, errw io.Writer, p auth.CognitoProfile, key auth.CacheKey, f *loginFlags) (*auth.Session, error) {
	h, err := auth.StartHostedLogin(ctx, p, f.authOptions()...)
	if err != nil {
		return nil, err
	}
	defer h.Close()
	opened := false
	if !f.noBrowser {
		opened = auth.OpenBrowser(h.URL()) == nil
	}
	// The URL is built from the collection's domain: shown, never obeyed.
	authURL := termsafe.Line(h.URL())
	if opened {
		fmt.Fprintf(errw, "Opened the browser to sign in. If nothing shows up, open this URL:\n  %s\n", authURL)
	} else {
		fmt.Fprintf(errw, "Open this URL in a browser to sign in:\n  %s\n", authURL)
	}
	fmt.Fprintf(errw, "Waiting for the browser to come back to %s (Ctrl-C to give up)...\n", termsafe.Line(h.RedirectURI()))
	wctx, cancel := context.WithTimeout(ctx, 10*time.Minute)
	defer cancel()
	if _, err := h.Wait(wctx); err != nil {
		return nil, err
	}
	return h.Session(key)
}

// answers asks a person for what a login needs: prompts on errw, answers
// from stdin, hidden when stdin is a terminal. Without a terminal, each
// answer is the next line of stdin.
type answers struct {
	tty    bool
	fd     int
	r      *bufio.Reader
	errw   io.Writer
	closed bool
	// ctx ends with Ctrl-C (login's signal context): a prompt waiting for
	// a line gives up at once instead of taking the next line typed.
	ctx context.Context
}

// errInterrupted is Ctrl-C at a prompt; login exits 130 with it.
var errInterrupted = errors.New("interrupted")

// wait runs a blocking read, giving up when ctx ends. The read itself
// cannot be stopped; the process exits right after, so it is left.
func (a *answers) wait(read func() (string, error)) (string, error) {
	if a.ctx == nil {
		return read()
	}
	type result struct {
		s   string
		err error
	}
	ch := make(chan result, 1)
	go func() {
		s, err := read()
		ch <- result{s, err}
	}()
	select {
	case r := <-ch:
		return r.s, r.err
	case <-a.ctx.Done():
		fmt.Fprintln(a.errw)
		return "", errInterrupted
	}
}

func newAnswers(stdin io.Reader, errw io.Writer) *answers {
	a := &answers{r: bufio.NewReader(stdin), errw: errw}
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		a.tty, a.fd = true, int(f.Fd())
	}
	return a
}

// say tells the person something; what it quotes comes from Cognito (its
// messages, the user's name, the MFA choices) or from the collection, so
// it is shown escaped, never obeyed.
func (a *answers) say(format string, args ...any) {
	fmt.Fprintln(a.errw, termsafe.Text(fmt.Sprintf(format, args...)))
}

// ask writes a prompt, which may name a user attribute Cognito requires.
func (a *answers) ask(prompt string) { fmt.Fprintf(a.errw, "%s: ", termsafe.Line(prompt)) }

// stdinLine reads the next line without a prompt.
func (a *answers) stdinLine(missing string) (string, error) {
	s, err := a.wait(func() (string, error) { return a.r.ReadString('\n') })
	if errors.Is(err, errInterrupted) {
		return "", err
	}
	s = strings.TrimRight(s, "\r\n")
	if s == "" && err != nil {
		a.closed = true
		return "", errors.New(missing)
	}
	return s, nil
}

func (a *answers) line(prompt, missing string) (string, error) {
	if !a.tty && a.closed {
		return "", errors.New(missing)
	}
	a.ask(prompt)
	s, err := a.stdinLine(missing)
	if !a.tty {
		fmt.Fprintln(a.errw)
	}
	return strings.TrimSpace(s), err
}

func (a *answers) secret(prompt, missing string) (string, error) {
	if !a.tty {
		return a.line(prompt, missing)
	}
	a.ask(prompt)
	// ReadPassword turns echo off; a Ctrl-C that abandons it must turn it
	// back on.
	state, _ := term.GetState(a.fd)
	b, err := a.wait(func() (string, error) {
		b, err := term.ReadPassword(a.fd)
		return string(b), err
	})
	if errors.Is(err, errInterrupted) {
		if state != nil {
			term.Restore(a.fd, state)
		}
		return "", err
	}
	fmt.Fprintln(a.errw)
	if err != nil {
		return "", fmt.Errorf("read %s: %w", strings.ToLower(prompt), err)
	}
	return b, nil
}

// showTOTPSetup prints what a person needs to add the authenticator: the
// QR code, and the key to type in by hand. They go to the person (stderr),
// never to a log.
func (a *answers) showTOTPSetup(st auth.Step) {
	a.say("Cognito asks you to set up an authenticator app (TOTP) for %s.", st.Username)
	if qr, err := auth.QRText(st.TOTPURI, true); err == nil {
		a.say("Scan this QR code with the app:\n%s", qr)
	}
	a.say("Or add this key by hand (time-based, 6 digits, 30 s): %s", st.TOTPSecret)
	a.say("URI: %s", st.TOTPURI)
}

// confirmTrust makes sure a person accepted the collection before it is
// used: the environment variables it reads and the hosts it sends them
// to. --yes accepts for scripts; in a terminal the person is asked
// (y/N); otherwise the command stops and says what it would have used.
// The answer is remembered until the variables, hosts or use of
// credentials change.
func confirmTrust(in *answers, wb *workbench.Workbench, yes bool) error {
	ue, untrusted := workbench.IsUntrusted(wb.CheckTrust())
	if !untrusted {
		return nil
	}
	if !yes {
		summary := fmt.Sprintf("The collection %q (%s) is not trusted yet: it comes from a file, and it could be anyone's.\n%s", ue.Collection, wb.Coll.Path, ue.List())
		if err := askYes(in, summary, "Trust it and go on?",
			"Pass --yes to trust it (remembered until its variables, hosts or use of credentials change), or run in a terminal to be asked",
			"not confirmed: nothing was sent (pass --yes to trust the collection without being asked)"); err != nil {
			return err
		}
	}
	if err := wb.Trust(); err != nil {
		// Confirmed all the same, for this run.
		fmt.Fprintf(in.errw, "warning: %s; the collection is trusted for this run only\n", termsafe.Text(err.Error()))
	}
	return nil
}

// askYes shows summary and asks question (y/N) in a terminal. Without a
// terminal it stops with summary and notTTY (how to say yes by flag);
// any answer but yes stops with refused. Nothing is sent either way.
func askYes(in *answers, summary, question, notTTY, refused string) error {
	if !in.tty {
		return withCode(ExitError, fmt.Errorf("%s\nNothing was sent. %s", summary, notTTY))
	}
	in.say("%s", summary)
	ans, err := in.line(question+" [y/N]", "not confirmed: nothing was sent")
	if err != nil {
		return withCode(ExitError, err)
	}
	if a := strings.ToLower(ans); a != "y" && a != "yes" {
		return withCode(ExitError, errors.New(refused))
	}
	return nil
}
