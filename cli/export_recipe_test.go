package cli

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// tokenRecipe is the login line an export of a token request prints in
// its comment.
var tokenRecipe = regexp.MustCompile(`export SIGSCOPE_ID_TOKEN="\$\(sigscope login [^\n]*\)"`)

// TestExportTokenRecipeRunsAsPrinted: the export of a Cognito token
// request says how to get the token; that line, run as printed in bash
// (with sigscope, jq and the password the profile reads), logs in, and
// the exported command then gets 200, with curl and with stock HTTPie.
// The recipe once lacked the --var the export was given, and failed with
// unknown variable "emulator".
func TestExportTokenRecipeRunsAsPrinted(t *testing.T) {
	if filepath.Base(binary) != "sigscope" {
		t.Fatalf("TestMain built %q: the recipe runs sigscope by that name", binary)
	}
	jq := peer.Command(t, "jq")
	e := newExportEnv(t)
	password := e.srv.Config.Cognito.UserPools[0].Users[0].Password
	env := map[string]string{
		"PATH":                   filepath.Dir(binary) + ":" + filepath.Dir(jq) + ":/usr/bin:/bin",
		"HOME":                   e.env["HOME"],
		"XDG_CACHE_HOME":         e.env["XDG_CACHE_HOME"], // where the trust given below is kept
		"SIGSCOPE_DEMO_PASSWORD": password,
	}
	for _, as := range []string{"curl", "httpie"} {
		t.Run(as, func(t *testing.T) {
			out, stderr, code := e.export(t, demoCollection, "Who am I", "--as", as, "--var", "emulator="+e.srv.URL, "--yes")
			if code != ExitOK {
				t.Fatalf("export: exit %d %s", code, stderr)
			}
			recipe := tokenRecipe.FindString(out)
			if recipe == "" {
				t.Fatalf("no login recipe in the export:\n%s", out)
			}
			script := recipe + "\n" + out
			if as == "curl" {
				if got, body := curlStatus(t, script, env); got != 200 {
					t.Fatalf("the recipe and the command got %d %s\n%s", got, body, script)
				}
				return
			}
			http := peer.Command(t, "http")
			conf := t.TempDir()
			if err := os.WriteFile(filepath.Join(conf, "config.json"), []byte(`{"default_options": ["--print=h", "--timeout=20"]}`), 0o600); err != nil {
				t.Fatal(err)
			}
			c := exec.Command(peer.Command(t, "bash"), "-c", script)
			c.Env = []string{"HTTPIE_CONFIG_DIR=" + conf}
			for k, v := range env {
				c.Env = append(c.Env, k+"="+v)
			}
			c.Env = append(c.Env, "PATH="+env["PATH"]+":"+filepath.Dir(http))
			res, err := c.Output()
			if err != nil || !strings.HasPrefix(string(res), "HTTP/1.1 200") {
				t.Fatalf("the recipe and the command: %v\n%s\n%s", err, res, script)
			}
		})
	}
}
