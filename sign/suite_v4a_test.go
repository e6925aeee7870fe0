package sign

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

const suiteV4aDir = "testdata/sigv4-suite/v4a"

func loadSuiteV4a(t testing.TB) []suiteCase {
	t.Helper()
	dirs, err := filepath.Glob(filepath.Join(suiteV4aDir, "*"))
	if err != nil || len(dirs) == 0 {
		t.Fatalf("no suite cases under %s: %v", suiteV4aDir, err)
	}
	var cases []suiteCase
	for _, d := range dirs {
		if fi, err := os.Stat(d); err != nil || !fi.IsDir() {
			continue
		}
		c := suiteCase{Name: filepath.Base(d), Dir: d}
		data, err := os.ReadFile(filepath.Join(d, "context.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &c.Context); err != nil {
			t.Fatalf("%s: %v", d, err)
		}
		cases = append(cases, c)
	}
	return cases
}

func (c *suiteCase) has(name string) bool {
	_, err := os.Stat(filepath.Join(c.Dir, name))
	return err == nil
}

// publicKey reads the case's public-key.json; a case without one takes
// that of a case with the same credentials (the key depends on nothing else).
func (c *suiteCase) publicKey(t testing.TB, all []suiteCase) PublicKey {
	t.Helper()
	from := c
	for i := range all {
		if from.has("public-key.json") {
			break
		}
		if all[i].Context.Credentials == c.Context.Credentials {
			from = &all[i]
		}
	}
	var k PublicKey
	if err := json.Unmarshal([]byte(from.file(t, "public-key.json")), &k); err != nil {
		t.Fatalf("%s: public-key.json: %v", from.Name, err)
	}
	return k
}

func (c *suiteCase) optionsV4a(t testing.TB, presign bool) Options {
	o := c.options(t, presign)
	o.Algorithm = SigV4a
	return o
}

var (
	authSignature  = regexp.MustCompile(`Signature=[0-9a-f]+`)
	querySignature = regexp.MustCompile(`X-Amz-Signature=[0-9a-f]+`)
)

// signatureOf reads the signature out of a suite signed request.
func signatureOf(signed string) string {
	m := authSignature.FindString(signed)
	if m == "" {
		m = querySignature.FindString(signed)
	}
	_, sig, _ := strings.Cut(m, "=")
	return sig
}

func withoutSignature(signed string) string {
	return querySignature.ReplaceAllString(authSignature.ReplaceAllString(signed, "Signature=…"), "X-Amz-Signature=…")
}

// TestSuiteV4a checks every v4a case of the AWS test suite in header and
// query mode: canonical request and string-to-sign byte for byte; the
// derived public key equal to the case's; the case's signatures and ours
// verified with the case's public key (ECDSA signatures are randomized,
// so bytes cannot be compared); the signed request equal but for the
// signature; and Verify accepting both our signed request and the suite's.
func TestSuiteV4a(t *testing.T) {
	cases := loadSuiteV4a(t)
	if len(cases) != 40 {
		t.Errorf("suite has %d v4a cases, want 40", len(cases))
	}
	passed, inputOnly := 0, 0
	for _, c := range cases {
		ok := true
		for _, mode := range []string{"header", "query"} {
			ok = t.Run(c.Name+"/"+mode, func(t *testing.T) { checkV4aCase(t, c, mode, cases) }) && ok
		}
		if ok {
			passed++
		}
		if !c.has("header-canonical-request.txt") {
			inputOnly++
		}
	}
	t.Logf("v4a suite: %d/%d cases pass in header and query mode (%d of them come with no expected output: checked by public key, Verify and the SDK's canonical request)", passed, len(cases), inputOnly)
}

func checkV4aCase(t *testing.T, c suiteCase, mode string, all []suiteCase) {
	opts := c.optionsV4a(t, mode == "query")
	tr, err := SignFor(c.request(t), opts)
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	key := c.publicKey(t, all)
	if tr.PublicKey == nil || !strings.EqualFold(tr.PublicKey.X, key.X) || !strings.EqualFold(tr.PublicKey.Y, key.Y) {
		t.Errorf("derived public key = %+v, want %+v", tr.PublicKey, key)
	}
	pub, err := key.ECDSA()
	if err != nil {
		t.Fatal(err)
	}
	if !VerifyECDSA(pub, tr.StringToSign, tr.Signature) {
		t.Errorf("our signature %s does not verify with the case's public key", tr.Signature)
	}
	if !c.has(mode + "-canonical-request.txt") {
		// Two cases of the suite (repeated query keys) give the request
		// alone. SignV4a has already checked the canonical request against
		// aws-sdk-go-v2's; Verify must accept the result.
		v, err := Verify(c.verifyInput(t, tr.Signed))
		if err != nil || !v.Valid() {
			t.Errorf("Verify our signed request: %v %+v", err, v)
		}
		return
	}
	want := func(file string) string { return c.file(t, mode+"-"+file) }
	if got, w := tr.CanonicalRequest, want("canonical-request.txt"); got != w {
		t.Errorf("canonical request:\ngot:\n%s\nwant:\n%s", got, w)
	}
	if got, w := tr.StringToSign, want("string-to-sign.txt"); got != w {
		t.Errorf("string to sign:\ngot:\n%s\nwant:\n%s", got, w)
	}
	sts := want("string-to-sign.txt")
	if sig := strings.TrimSpace(want("signature.txt")); !VerifyECDSA(pub, sts, sig) {
		t.Errorf("the case's signature %s does not verify with its public key over our string-to-sign", sig)
	}
	suiteSigned := want("signed-request.txt")
	if sig := signatureOf(suiteSigned); !VerifyECDSA(pub, sts, sig) {
		t.Errorf("the case's signed request's signature %q does not verify with its public key", sig)
	}
	if tr.Signature == strings.TrimSpace(want("signature.txt")) {
		t.Errorf("our signature repeats the case's byte for byte: ECDSA signing is not randomized")
	}

	// The signed request, but for the randomized signature.
	gotHead, _, _ := strings.Cut(withoutSignature(tr.Signed.Display()), "\n\n")
	wantHead, _, _ := strings.Cut(withoutSignature(suiteSigned), "\n\n")
	if g, w := semanticHead(t, gotHead), semanticHead(t, wantHead); g != w {
		t.Errorf("signed request:\ngot:\n%s\nwant:\n%s", g, w)
	}

	// Verify accepts both ours and the suite's signed request.
	for name, r := range map[string]*Request{"ours": tr.Signed, "suite's": c.parsed(t, suiteSigned)} {
		v, err := Verify(c.verifyInput(t, r))
		if err != nil {
			t.Fatalf("Verify %s: %v", name, err)
		}
		if !v.Valid() {
			t.Errorf("Verify %s signed request: problems %+v", name, v.Problems)
		}
		if v.Trace == nil || v.Trace.CanonicalRequest != want("canonical-request.txt") {
			t.Errorf("Verify %s: recomputed canonical request differs from the case's", name)
		}
	}
}

func (c *suiteCase) parsed(t testing.TB, raw string) *Request {
	t.Helper()
	r, err := ParseRaw([]byte(raw), "https")
	if err != nil {
		t.Fatalf("%s: parse signed request: %v", c.Name, err)
	}
	return r
}
