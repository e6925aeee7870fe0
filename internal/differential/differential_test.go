package differential

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"text/tabwriter"

	"github.com/sigscope/sigscope/emulator"
)

var (
	update = flag.Bool("update", false, "write the differential table to testdata/table.txt")
	dump   = flag.String("dump", "", "write each captured request and the emulator's answer to this folder (SIGNER_REQUEST.request.txt, .answer.txt), to rerun a judge by hand")
)

// row is one request of the corpus as one signer signed and sent it.
type row struct {
	Entry    corpusEntry
	Signer   string
	Sent     sent
	Exchange *exchange // nil when nothing reached the relay
	Wire     *wireRequest
	Truth    truth
	Part     string // where the signer's canonical request first differs from the truth's
	Opinions map[string]opinion
}

// TestDifferential: every signer signs every request of the corpus and
// sends it through the capturing relay to the emulator; the truth is
// computed from the bytes sent; the emulator, verify, compare and explain
// must each agree with it, and name every refusal by a specific cause.
func TestDifferential(t *testing.T) {
	t.Setenv("SIGSCOPE_HISTORY", "off")
	t.Setenv("XDG_CACHE_HOME", t.TempDir())
	t.Setenv("XDG_DATA_HOME", t.TempDir())
	corpus := loadCorpus(t)

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	emu, err := emulator.Start(ctx, emulator.Options{Addr: "127.0.0.1:0"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = emu.Close() })
	if len(emu.Config.Credentials) == 0 {
		t.Fatal("the emulator's demo configuration has no static keys")
	}
	k := keys{emu.Config.Credentials[0].AccessKeyID, emu.Config.Credentials[0].SecretAccessKey}
	upstream := strings.TrimPrefix(emu.URL, "http://")

	// One relay per signer and request: what reaches it is that request only.
	relays := map[string]map[string]*relay{}
	for _, s := range signers {
		relays[s] = map[string]*relay{}
		for _, e := range corpus {
			relays[s][e.Name] = startRelay(t, upstream)
		}
	}

	var mu sync.Mutex
	sends := map[string]sent{}
	ran := map[string]bool{}
	record := func(got map[string]sent, names ...string) {
		mu.Lock()
		defer mu.Unlock()
		for k, v := range got {
			sends[k] = v
		}
		for _, n := range names {
			ran[n] = true
		}
	}
	// Each signer in a subtest: a missing peer skips (or, in CI, fails) that
	// signer alone.
	t.Run("sign", func(t *testing.T) {
		t.Run("node", func(t *testing.T) {
			record(nodeSigners(t, corpus, relays, k), signerAWS4, signerSmithy)
		})
		t.Run("botocore", func(t *testing.T) {
			record(botocoreSigner(t, corpus, relays[signerBotocore], k), signerBotocore)
		})
		t.Run("curl", func(t *testing.T) {
			got := map[string]sent{}
			for _, e := range corpus {
				got[signerCurl+" "+e.Name] = curlSigner(t, e, relays[signerCurl][e.Name], k)
			}
			record(got, signerCurl)
		})
		t.Run("in-process", func(t *testing.T) {
			got := map[string]sent{}
			for _, e := range corpus {
				got[signerGo+" "+e.Name] = goSigner(e, relays[signerGo][e.Name], k)
				got[signerSigscope+" "+e.Name] = sigscopeSigner(e, relays[signerSigscope][e.Name], k)
			}
			record(got, signerGo, signerSigscope)
		})
	})

	dir := t.TempDir()
	var rows []*row
	for _, e := range corpus {
		for _, s := range signers {
			if !ran[s] {
				continue
			}
			r := &row{Entry: e, Signer: s, Sent: sends[s+" "+e.Name], Opinions: map[string]opinion{}}
			rows = append(rows, r)
			got := relays[s][e.Name].exchanges()
			if len(got) == 0 {
				continue
			}
			if len(got) > 1 {
				t.Errorf("%s %s: %d requests reached the relay, want one", s, e.Name, len(got))
			}
			r.Exchange = &got[0]
			if *dump != "" {
				dumpExchange(t, *dump, r)
			}
			judgeRow(t, r, k, dir)
		}
	}

	table := renderTable(rows, corpus, ran)
	t.Log("\n" + table)
	if *update {
		if len(ran) != len(signers) {
			t.Fatalf("-update needs every signer; ran %d of %d", len(ran), len(signers))
		}
		if err := os.WriteFile(filepath.Join("testdata", "table.txt"), []byte(table), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	open := loadOpen(t)
	seen := map[string]bool{}
	for _, r := range rows {
		for _, j := range judgeNames {
			op := r.Opinions[j]
			if op.Wrong == "" {
				continue
			}
			key := openKey(r.Signer, r.Entry.Name, j)
			seen[key] = true
			if !open[key] {
				t.Errorf("%s signed %s (%s): %s %s; truth: %s", r.Signer, r.Entry.Name, r.Entry.Target, j, op.Wrong, truthWord(r))
			}
		}
		if r.Exchange == nil && r.Sent.Err == "" {
			t.Errorf("%s signed %s: nothing reached the relay and the signer reported no error", r.Signer, r.Entry.Name)
		}
	}
	checkOpen(t, open, seen, len(ran) == len(signers))
}

// The goal is zero disagreements. Those not fixed yet are listed, one
// "signer | request | judge" a line, in testdata/open.txt: the list may
// only shrink. A disagreement not on it fails the test (a judge got worse),
// and so does a line of it that no longer disagrees (remove it: the judge
// got better). -update rewrites it with the disagreements of this run.
func loadOpen(t *testing.T) map[string]bool {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", "open.txt"))
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	open := map[string]bool{}
	for _, l := range strings.Split(string(data), "\n") {
		if l = strings.TrimSpace(l); l != "" && !strings.HasPrefix(l, "#") {
			open[l] = true
		}
	}
	return open
}

func openKey(signer, request, judge string) string {
	return signer + " | " + request + " | " + judge
}

// checkOpen fails for each listed disagreement that did not happen, once
// every signer ran (a missing peer leaves its rows unjudged), and rewrites
// the list with -update.
func checkOpen(t *testing.T, open, seen map[string]bool, allRan bool) {
	t.Helper()
	if *update && allRan {
		var keys []string
		for k := range seen {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		head := "# Disagreements with the truth not fixed yet: signer | request | judge.\n# The differential test fails on any other, and on a line here that no longer disagrees.\n"
		if err := os.WriteFile(filepath.Join("testdata", "open.txt"), []byte(head+strings.Join(keys, "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	if !allRan {
		return
	}
	for k := range open {
		if !seen[k] {
			t.Errorf("%s no longer disagrees with the truth: remove it from testdata/open.txt (or run with -update)", k)
		}
	}
	if len(open) > 0 {
		t.Logf("%d disagreements are still open (testdata/open.txt)", len(open))
	}
}

func dumpExchange(t *testing.T, dir string, r *row) {
	name := strings.NewReplacer("@", "", "/", "-").Replace(r.Signer) + "_" + r.Entry.Name
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	for ext, data := range map[string][]byte{".request.txt": r.Exchange.Request, ".answer.txt": r.Exchange.Response} {
		if err := os.WriteFile(filepath.Join(dir, name+ext), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// judgeRow computes the truth from the captured bytes and asks each judge.
func judgeRow(t *testing.T, r *row, k keys, dir string) {
	ex := r.Exchange
	if ex.Err != nil && len(ex.Request) == 0 {
		return
	}
	w, err := parseWire(ex.Request)
	if err != nil {
		t.Errorf("%s %s: the captured request does not parse: %v\n%q", r.Signer, r.Entry.Name, err, ex.Request)
		return
	}
	r.Wire = w
	r.Truth = judge(w, referenceOptions{Family: familyOf(r.Entry.Service), Secret: k.Secret, Region: region, Service: r.Entry.Service})
	// Where the signer's canonical request differs from the truth's: as
	// the signer reported it, else as a reproduced signature proves it.
	signed := strings.ReplaceAll(r.Sent.Canonical, "\r\n", "\n")
	if signed == "" {
		signed = provenCanonical(w, r.Truth, k.Secret)
	}
	if !r.Truth.Accept && signed != "" && r.Truth.CanonicalRequest != "" {
		r.Part, _ = diffPart(signed, r.Truth.CanonicalRequest)
	}
	// explain reads the server's answer: an S3 request without
	// x-amz-content-sha256 is refused for that before the signature is
	// looked at, so the payload line is what it must name, whatever else
	// the signer got wrong (verify, which recomputes, names the rest).
	answerPart := r.Part
	if r.Truth.Reason == reasonNoContentSHA256 {
		answerPart = partPayload
	}
	amzDate := w.get("X-Amz-Date")

	r.Opinions[judgeEmulator] = emulatorOpinion(*ex)
	r.Opinions[judgeVerify] = verifyOpinion(ex.Request, k.Secret, amzDate, r.Part)
	r.Opinions[judgeCompare] = compareOpinion(ex.Request, r.Entry.Target, w.Target, r.Signer, func(canonical string) bool {
		return signatureOf(canonical, r.Truth.Auth, amzDate, k.Secret) == r.Truth.Auth.Signature
	})
	if emu := r.Opinions[judgeEmulator]; !emu.Accept && ex.Status >= 400 {
		r.Opinions[judgeExplain] = explainOpinion(dir, *ex, answerPart)
	}
	for _, j := range judgeNames {
		op := r.Opinions[j]
		if !op.Ran || op.Wrong != "" {
			continue
		}
		switch {
		case op.Accept != r.Truth.Accept && j == judgeExplain:
			op.Wrong = "fed the emulator's refusal of a request the truth accepts, it names " + op.Cause
		case op.Accept != r.Truth.Accept && !op.Accept:
			op.Wrong = "says refuse (" + op.Cause + ")"
			if op.Said != "" {
				op.Wrong += ": " + op.Said
			}
		case op.Accept != r.Truth.Accept:
			op.Wrong = "says accept"
		case j == judgeEmulator && !op.Accept && r.Truth.Reason == reasonMismatch && op.Cause != "mismatch":
			// AWS answers a wrong signature with the mismatch and its
			// canonical request; another refusal misleads whoever reads it.
			op.Wrong = "refuses for another reason (" + op.Said + "); the truth refuses the signature"
		case op.Canonical != "" && r.Truth.CanonicalRequest != "" && !sameCanonical(j, op.Canonical, r.Truth.CanonicalRequest):
			part, line := diffPart(op.Canonical, r.Truth.CanonicalRequest)
			op.Wrong = fmt.Sprintf("says %s, but its canonical request differs from the truth's at line %d (%s): %q vs %q",
				verdictWord(op.Accept), line, part, lineOf(op.Canonical, line), lineOf(r.Truth.CanonicalRequest, line))
		}
		r.Opinions[j] = op
	}
	if emu, exp := r.Opinions[judgeEmulator], r.Opinions[judgeExplain]; emu.Wrong != "" && exp.Wrong != "" {
		exp.Wrong += " (it read the emulator's answer, itself wrong)"
		r.Opinions[judgeExplain] = exp
	}
}

// sameCanonical compares a judge's canonical request with the truth's.
// compare's is the one sigscope would sign for these bytes, every header
// present signed: only its method, path and query lines are the server's.
func sameCanonical(judge, theirs, truth string) bool {
	theirs = strings.ReplaceAll(theirs, "\r\n", "\n")
	if judge == judgeCompare {
		a, b := strings.SplitN(theirs, "\n", 4), strings.SplitN(truth, "\n", 4)
		return len(a) == 4 && len(b) == 4 && a[0] == b[0] && a[1] == b[1] && a[2] == b[2]
	}
	return theirs == truth
}

func lineOf(s string, n int) string {
	lines := strings.Split(s, "\n")
	if n < 1 || n > len(lines) {
		return ""
	}
	return lines[n-1]
}

func verdictWord(accept bool) string {
	if accept {
		return "accept"
	}
	return "refuse"
}

func truthWord(r *row) string {
	if r.Truth.Accept {
		return "accept"
	}
	if r.Part != "" {
		return "refuse (" + r.Part + ")"
	}
	return "refuse (" + r.Truth.Reason + ")"
}

// renderTable prints signers × requests × judges: one line per request and
// signer, with the request target as it was on the wire, the truth, and
// each judge's verdict; ✗ marks a disagreement.
func renderTable(rows []*row, corpus []corpusEntry, ran map[string]bool) string {
	var b strings.Builder
	var names []string
	for _, s := range signers {
		if ran[s] {
			names = append(names, s)
		}
	}
	fmt.Fprintf(&b, "Differential table: %d requests × %d signers (%s) × %d judges (%s)\n",
		len(corpus), len(names), strings.Join(names, ", "), len(judgeNames), strings.Join(judgeNames, ", "))
	b.WriteString("sent: the request target as it reached the relay; truth: the reference's verdict on those bytes (where the signer's own canonical request first differs);\n")
	b.WriteString("judges: accept, or refuse with the cause they name; ✗ marks a disagreement with the truth; - the judge had nothing to judge (explain reads refusals only).\n\n")
	tw := tabwriter.NewWriter(&b, 0, 0, 2, ' ', 0)
	fmt.Fprintf(tw, "request\tsigner\tsent\ttruth\t%s\n", strings.Join(judgeNames, "\t"))
	disagreements, sends := 0, 0
	last := ""
	for _, r := range rows {
		name := r.Entry.Name
		if name == last {
			name = ""
		}
		last = r.Entry.Name
		if r.Exchange == nil || r.Wire == nil {
			why := "nothing arrived"
			if r.Sent.Err != "" {
				why = "not sent: " + firstWords(r.Sent.Err, 12)
			}
			fmt.Fprintln(tw, strings.Join(append([]string{name, r.Signer, "(" + why + ")", ""}, make([]string, len(judgeNames))...), "\t"))
			continue
		}
		sends++
		truthCell := "accept"
		if !r.Truth.Accept {
			truthCell = "refuse"
			switch {
			case r.Part != "":
				truthCell += " (" + shortPart(r.Part) + ")"
			case r.Truth.Reason != reasonMismatch:
				truthCell += " (" + firstWords(r.Truth.Reason, 4) + ")"
			}
		}
		cells := []string{name, r.Signer, printable(r.Wire.Method + " " + r.Wire.Target), truthCell}
		for _, j := range judgeNames {
			op := r.Opinions[j]
			cell := "-"
			if op.Ran {
				cell = verdictWord(op.Accept)
				if !op.Accept && op.Cause != "" {
					cell += " (" + op.Cause + ")"
				}
				if op.Wrong != "" {
					cell = "✗ " + cell
					disagreements++
				}
			}
			cells = append(cells, cell)
		}
		fmt.Fprintln(tw, strings.Join(cells, "\t"))
	}
	tw.Flush()
	fmt.Fprintf(&b, "\n%d sends judged, %d disagreements.\n", sends, disagreements)
	if disagreements > 0 {
		b.WriteString("\nDisagreements:\n")
		for _, r := range rows {
			for _, j := range judgeNames {
				if op := r.Opinions[j]; op.Wrong != "" {
					fmt.Fprintf(&b, "  %s, %s (%s), %s: %s; truth: %s\n", r.Signer, r.Entry.Name, printable(r.Wire.Target), j, op.Wrong, truthWord(r))
				}
			}
		}
	}
	return b.String()
}

func shortPart(p string) string {
	return map[string]string{partMethod: "method", partURI: "path", partQuery: "query", partHeaders: "headers",
		partSignedHeaders: "signed headers", partPayload: "payload"}[p]
}

// printable shows bytes outside printable ASCII as \xNN.
func printable(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x21 && c != ' ' || c >= 0x7f {
			fmt.Fprintf(&b, `\x%02x`, c)
		} else {
			b.WriteByte(c)
		}
	}
	return b.String()
}
