package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/sigscope/sigscope/emulator"
)

// TestExplainWithTheCollectionRequest: the answer to "Through a proxy"
// (the emulator's proxy appends a charset after signing), explained
// against the collection's request signed again at the answer's time:
// the only difference found is the header the proxy changed.
func TestExplainWithTheCollectionRequest(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	srv, err := emulator.Start(ctx, emulator.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	t.Setenv("HOME", t.TempDir())
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("SIGSCOPE_DEMO_ACCESS_KEY_ID", srv.Config.Credentials[0].AccessKeyID)
	t.Setenv("SIGSCOPE_DEMO_SECRET_ACCESS_KEY", srv.Config.Credentials[0].SecretAccessKey)
	vars := []string{"--var", "emulator=" + srv.URL}
	var out, errb lockedBuf
	code := Main(append([]string{"send", demoCollection, "teaching/Through a proxy (deliberate mismatch)", "--yes"}, vars...), strings.NewReader(""), &out, &errb)
	if code != ExitHTTPError {
		t.Fatalf("send: exit %d: %s", code, errb.String())
	}
	answer := filepath.Join(t.TempDir(), "answer.json")
	os.WriteFile(answer, []byte(out.String()), 0o600)
	time.Sleep(1100 * time.Millisecond) // signed again later: the date must come from the answer

	out, errb = lockedBuf{}, lockedBuf{}
	code = Main(append([]string{"explain", answer, "--collection", demoCollection, "--request", "teaching/Through a proxy (deliberate mismatch)"}, vars...), strings.NewReader(""), &out, &errb)
	text := out.String()
	if code != ExitOK || !strings.Contains(text, "content-type:application/json; charset=utf-8") {
		t.Fatalf("explain: exit %d\n%s\n%s", code, text, errb.String())
	}
	if strings.Contains(text, "x-amz-date") && strings.Contains(text, "request date") {
		t.Fatalf("the dates differ: the request was not signed at the answer's time:\n%s", text)
	}
}
