package differential

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/sigscope/sigscope/cli"
)

// Judges, in the table's order.
const (
	judgeEmulator = "emulator"
	judgeVerify   = "verify"
	judgeCompare  = "compare"
	judgeExplain  = "explain"
)

var judgeNames = []string{judgeEmulator, judgeVerify, judgeCompare, judgeExplain}

// genericRefusal is how sigscope says "no idea why": a refusal must name
// something more specific.
const genericRefusal = "the secret key is wrong, or the request changed after signing"

// opinion is what one judge said about one captured request.
type opinion struct {
	Ran    bool   // false: the judge had nothing to judge (explain after a 200)
	Accept bool   // the judge's verdict
	Cause  string // a refusal's cause as the judge names it (short, stable)
	// Canonical is the canonical request the judge says the server
	// computes from these bytes ("" when it does not say).
	Canonical string
	// Said is what it said, in its words, when that says more than Cause.
	Said string
	// Wrong says why the judge disagrees with the truth ("" when it agrees).
	Wrong string
}

// parts of a canonical request, by line (the names verify and explain use).
const (
	partMethod        = "HTTP method"
	partURI           = "canonical URI"
	partQuery         = "canonical query string"
	partHeaders       = "canonical headers"
	partSignedHeaders = "signed headers"
	partPayload       = "payload hash"
)

// diffPart names the first part where two canonical requests differ ("" when equal).
func diffPart(a, b string) (part string, line int) {
	if a == b {
		return "", 0
	}
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	blank := slices.Index(la[min(3, len(la)):], "")
	if blank >= 0 {
		blank += 3
	}
	for i := 0; ; i++ {
		if i < len(la) && i < len(lb) && la[i] == lb[i] {
			continue
		}
		switch {
		case i == 0:
			return partMethod, 1
		case i == 1:
			return partURI, 2
		case i == 2:
			return partQuery, 3
		case blank < 0 || i < blank:
			return partHeaders, i + 1
		case i <= blank+1:
			return partSignedHeaders, i + 1
		}
		return partPayload, i + 1
	}
}

// explainCauses are the explain causes that name each part.
var explainCauses = map[string][]string{
	partMethod:        {"method-changed"},
	partURI:           {"path-encoding"},
	partQuery:         {"query-encoding", "plus-space"},
	partHeaders:       {"header-changed", "host-port"},
	partSignedHeaders: {"header-changed"},
	partPayload:       {"payload-hash"},
}

// sigscopeRun runs a sigscope command in this process (cli.Main, what the
// binary's main calls).
func sigscopeRun(stdin []byte, args ...string) (stdout, stderr string, code int) {
	var out, errb bytes.Buffer
	code = cli.Main(args, bytes.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

// emulatorOpinion reads the emulator's answer: 200 accepts, 403 refuses
// (a mismatch shows the canonical request it computed).
func emulatorOpinion(ex exchange) opinion {
	op := opinion{Ran: true}
	switch {
	case ex.Err != nil:
		op.Wrong = "no answer: " + ex.Err.Error()
		return op
	case ex.Status == 200:
		op.Accept = true
		return op
	case s3Code(ex.Body) == "NoSuchKey":
		op.Accept = true // S3 accepted the signature; the key is not there
		return op
	case s3Code(ex.Body) != "":
		op.Cause = s3Code(ex.Body)
		op.Said = firstWords(string(ex.Body), 30)
		if op.Cause == "SignatureDoesNotMatch" {
			op.Cause = "mismatch"
			var e struct{ CanonicalRequest string }
			_ = xml.Unmarshal(ex.Body, &e)
			op.Canonical = e.CanonicalRequest
		}
		return op
	case ex.Status != 403:
		op.Cause = fmt.Sprintf("HTTP %d", ex.Status)
		op.Wrong = fmt.Sprintf("answered %d, neither an acceptance (200) nor a signature refusal (403): %.200s", ex.Status, ex.Body)
		return op
	}
	var msg struct {
		Message string `json:"message"`
	}
	_ = json.Unmarshal(ex.Body, &msg)
	const head, tail = "The Canonical String for this request should have been\n'", "'\n\nThe String-to-Sign should have been"
	if i := strings.Index(msg.Message, head); i >= 0 {
		rest := msg.Message[i+len(head):]
		if j := strings.Index(rest, tail); j >= 0 {
			op.Canonical = rest[:j]
		}
		op.Cause = "mismatch"
	} else {
		op.Cause = firstWords(msg.Message, 4)
		op.Said = firstWords(msg.Message, 30)
	}
	return op
}

// verifyOpinion runs `sigscope verify -o json` on the captured request with
// the secret key, at the request's own time.
func verifyOpinion(raw []byte, secret, amzDate, expectPart string) opinion {
	op := opinion{Ran: true}
	out, errs, code := sigscopeRun(raw, "verify", "-", "--secret-key", secret, "--now", amzDate, "-o", "json")
	var v struct {
		Valid    bool `json:"valid"`
		Problems []struct {
			Step   string `json:"step"`
			Detail string `json:"detail"`
			Part   string `json:"part"`
		} `json:"problems"`
		Cause            string `json:"cause"`
		CanonicalRequest string `json:"canonical_request"`
	}
	if err := json.Unmarshal([]byte(out), &v); err != nil {
		op.Wrong = fmt.Sprintf("exit %d, no JSON: %s", code, firstWords(errs, 30))
		return op
	}
	op.Accept, op.Canonical = v.Valid, v.CanonicalRequest
	if v.Valid {
		return op
	}
	op.Cause = v.Cause
	var part string
	for _, p := range v.Problems {
		if p.Step != "signature" && op.Cause == "" {
			op.Cause = p.Step + ": " + firstWords(p.Detail, 10)
		}
		if p.Part != "" && part == "" {
			part = p.Part
		}
	}
	switch {
	case op.Cause == "":
		op.Cause = "generic"
		op.Wrong = "refused without a cause (" + genericRefusal + ")"
	case v.Cause != "" && expectPart != "" && part != "" && part != expectPart:
		op.Wrong = fmt.Sprintf("names %s at the %s; the signer's canonical request differs first at the %s", v.Cause, part, expectPart)
	}
	return op
}

// compareDialect is one signer in `sigscope compare -o json`.
type compareDialect struct {
	Signer     string `json:"signer"`
	Verdict    string `json:"verdict"`
	Reason     string `json:"reason"`
	OwnRequest *struct {
		Target   string `json:"target"`
		Accepted bool   `json:"accepted"`
		Note     string `json:"note"`
	} `json:"own_request"`
	Lines []struct {
		Part  string            `json:"part"`
		Rules []json.RawMessage `json:"rules"`
	} `json:"lines"`
}

// compareOpinion runs `sigscope compare -o json` on the captured request
// and reads its verdict for the signer that made it. sigscope is not one
// of compare's signers: it signs AWS's rule, so compare's AWS canonical
// request, signed with the secret, must give the request's signature.
//
// compare predicts what a signer does with a request as its user writes it,
// its own HTTP stack included, so it is given the captured request with the
// target as written (the signer's headers and signature kept: they say the
// service and the mode); where the signer's stack sent another target,
// compare must say which.
func compareOpinion(captured []byte, written, sentTarget, signer string, sign func(canonical string) bool) opinion {
	op := opinion{Ran: true}
	raw := withTarget(captured, written)
	out, errs, code := sigscopeRun(raw, "compare", "--request-file", "-", "--scheme", "http", "-o", "json")
	var c struct {
		CanonicalRequest string           `json:"canonical_request"`
		Dialects         []compareDialect `json:"dialects"`
	}
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		op.Wrong = fmt.Sprintf("exit %d, no JSON: %s", code, firstWords(errs, 30))
		return op
	}
	op.Canonical = c.CanonicalRequest
	if signer == signerSigscope {
		op.Accept = sign(c.CanonicalRequest)
		if !op.Accept {
			op.Cause = "AWS's rule gives another signature"
		}
		return op
	}
	i := slices.IndexFunc(c.Dialects, func(d compareDialect) bool { return d.Signer == signer })
	if i < 0 {
		op.Wrong = "has no model of " + signer
		return op
	}
	d := c.Dialects[i]
	if d.OwnRequest != nil {
		// compare says the signer's own stack sends other bytes than
		// those it was given: its verdict is on the bytes given, its
		// prediction on those the signer sends.
		// JSON carries text: a byte that is not UTF-8 reads as U+FFFD.
		if d.OwnRequest.Target != strings.ToValidUTF8(sentTarget, "\uFFFD") {
			op.Wrong = fmt.Sprintf("predicts %s sends %q for %q; it sent %q", signer, d.OwnRequest.Target, written, sentTarget)
			return op
		}
		op.Canonical = ""
		op.Accept = d.OwnRequest.Accepted
		if !op.Accept {
			op.Cause = "own stack: " + firstWords(d.OwnRequest.Note, 6)
		}
		return op
	}
	if written != sentTarget {
		// The signer sent other bytes than it was given and compare does
		// not say so: its verdict is for the bytes given, which were
		// not sent; only the verdict is checked.
		op.Canonical = ""
	}
	switch d.Verdict {
	case "accepted":
		op.Accept = true
		return op
	case "rejected":
	default:
		op.Cause = d.Verdict
		op.Wrong = fmt.Sprintf("verdict %q: %s", d.Verdict, firstWords(d.Reason, 20))
		return op
	}
	var named []string
	for _, l := range d.Lines {
		if len(l.Rules) > 0 {
			named = append(named, l.Part)
		}
	}
	if len(named) == 0 {
		op.Cause = "no rule"
		op.Wrong = "rejected with no documented rule: " + firstWords(d.Reason, 20)
		return op
	}
	op.Cause = strings.Join(slices.Compact(named), "+")
	return op
}

// explainOpinion runs `sigscope explain -o json` on the emulator's answer
// (status line, headers and body, as received) with the captured request.
// explain only ever refuses: it names why.
func explainOpinion(dir string, ex exchange, expectPart string) opinion {
	op := opinion{Ran: true}
	reqFile := filepath.Join(dir, "request.txt")
	if err := os.WriteFile(reqFile, ex.Request, 0o600); err != nil {
		op.Wrong = err.Error()
		return op
	}
	out, errs, code := sigscopeRun(ex.Response, "explain", "-", "--request-file", reqFile, "--scheme", "http", "-o", "json")
	var e struct {
		Recognized  bool `json:"recognized"`
		Explanation struct {
			Causes []struct {
				ID      string `json:"id"`
				Certain bool   `json:"certain"`
			} `json:"Causes"`
		} `json:"explanation"`
		Signed *struct {
			CanonicalRequest string `json:"canonical_request"`
		} `json:"signed"`
	}
	if err := json.Unmarshal([]byte(out), &e); err != nil {
		op.Wrong = fmt.Sprintf("exit %d, no JSON: %s", code, firstWords(errs, 30))
		return op
	}
	if e.Signed != nil {
		op.Canonical = e.Signed.CanonicalRequest
	}
	if !e.Recognized {
		op.Cause = "not recognized"
		op.Wrong = "does not recognize the emulator's answer"
		return op
	}
	if len(e.Explanation.Causes) == 0 {
		op.Cause = "no cause"
		op.Wrong = "names no cause"
		return op
	}
	top := e.Explanation.Causes[0].ID
	op.Cause = top
	switch want := explainCauses[expectPart]; {
	case top == "secret-key":
		op.Wrong = "blames the secret key (the generic cause): the key is right"
	case len(want) > 0 && !slices.Contains(want, top):
		op.Wrong = fmt.Sprintf("names %s first; the signer's canonical request differs first at the %s (%s)", top, expectPart, strings.Join(want, " or "))
	}
	return op
}

// withTarget is a captured request with another request target.
func withTarget(raw []byte, target string) []byte {
	line, rest, _ := bytes.Cut(raw, []byte("\r\n"))
	f := strings.SplitN(string(line), " ", 3)
	if len(f) != 3 || f[1] == target {
		return raw
	}
	return append([]byte(f[0]+" "+target+" "+f[2]+"\r\n"), rest...)
}

func firstWords(s string, n int) string {
	f := strings.Fields(s)
	if len(f) > n {
		f = append(f[:n], "…")
	}
	return strings.Join(f, " ")
}

func s3Code(body []byte) string {
	var e struct {
		XMLName xml.Name `xml:"Error"`
		Code    string
	}
	if xml.Unmarshal(body, &e) != nil {
		return ""
	}
	return e.Code
}
