package differential

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"

	"github.com/sigscope/sigscope/cli"
	"github.com/sigscope/sigscope/internal/peer"
)

// Signers, named as compare names them (sigscope is not among compare's).
const (
	signerGo       = "aws-sdk-go-v2"
	signerBotocore = "botocore"
	signerSmithy   = "@smithy/signature-v4"
	signerAWS4     = "aws4"
	signerCurl     = "curl"
	signerSigscope = "sigscope"
)

var signers = []string{signerCurl, signerBotocore, signerAWS4, signerSmithy, signerGo, signerSigscope}

const region = "us-east-1"

// peerTimeout bounds one peer process over the whole corpus (about a second here).
const peerTimeout = 2 * time.Minute

// corpusEntry is one request of testdata/corpus.json.
type corpusEntry struct {
	Name        string `json:"name"`
	Service     string `json:"service"`
	Method      string `json:"method"`
	Target      string `json:"target"`
	ContentType string `json:"content_type"`
	Body        string `json:"body"`
	Probes      string `json:"probes"`
}

func loadCorpus(t *testing.T) []corpusEntry {
	t.Helper()
	var c struct {
		Requests []corpusEntry `json:"requests"`
	}
	data, err := os.ReadFile(filepath.Join("testdata", "corpus.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(data, &c); err != nil {
		t.Fatalf("corpus.json: %v", err)
	}
	seen := map[string]bool{}
	for _, e := range c.Requests {
		if e.Name == "" || seen[e.Name] || e.Probes == "" || (e.Service != "execute-api" && e.Service != "s3") || !strings.HasPrefix(e.Target, "/") {
			t.Fatalf("corpus.json: entry %+v needs a unique name, a probes comment, a service (execute-api or s3) and a target starting with /", e)
		}
		seen[e.Name] = true
	}
	return c.Requests
}

func (e corpusEntry) headers() map[string]string {
	h := map[string]string{}
	if e.ContentType != "" {
		h["Content-Type"] = e.ContentType
	}
	return h
}

// sent is what a signer reported about one request it signed and sent.
type sent struct {
	Canonical string // the canonical request the signer computed ("" when it does not tell)
	Err       string // the signer or its HTTP stack failed
}

// keys are the emulator's demo keys every signer signs with.
type keys struct{ AccessKeyID, Secret string }

// peerSpec is one request handed to a node or python signer.
type peerSpec struct {
	Signer          string            `json:"signer"`
	ID              string            `json:"id"`
	Method          string            `json:"method"`
	Host            string            `json:"host"`
	Port            int               `json:"port"`
	Target          string            `json:"target"`
	Headers         map[string]string `json:"headers"`
	Body            string            `json:"body"`
	Service         string            `json:"service"`
	Region          string            `json:"region"`
	AccessKeyID     string            `json:"accessKeyId"`
	SecretAccessKey string            `json:"secretAccessKey"`
}

type peerResult struct {
	Signer    string `json:"signer"`
	ID        string `json:"id"`
	Canonical string `json:"canonical"`
	Status    int    `json:"status"`
	Error     string `json:"error"`
}

func specFor(signer string, e corpusEntry, r *relay, k keys) peerSpec {
	return peerSpec{Signer: signer, ID: e.Name, Method: e.Method, Host: "127.0.0.1", Port: r.port(), Target: e.Target,
		Headers: e.headers(), Body: e.Body, Service: e.Service, Region: region, AccessKeyID: k.AccessKeyID, SecretAccessKey: k.Secret}
}

// runPeerScript runs one peer process over the whole corpus.
func runPeerScript(cmd *exec.Cmd, specs []peerSpec) (map[string]sent, error) {
	in, err := json.Marshal(specs)
	if err != nil {
		return nil, err
	}
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%v: %s", err, stderr.String())
	}
	var res []peerResult
	if err := json.Unmarshal(out, &res); err != nil {
		return nil, fmt.Errorf("output %q: %v", out, err)
	}
	got := map[string]sent{}
	for _, r := range res {
		got[r.Signer+" "+r.ID] = sent{Canonical: r.Canonical, Err: r.Error}
	}
	return got, nil
}

// nodeSigners signs and sends the corpus with aws4 and @smithy/signature-v4.
func nodeSigners(t *testing.T, corpus []corpusEntry, relays map[string]map[string]*relay, k keys) map[string]sent {
	node := peer.Command(t, "node")
	dir := filepath.Join("testdata", "node")
	for _, m := range []string{"aws4", "@smithy/signature-v4", "@smithy/node-http-handler", "@aws-crypto/sha256-js", "@smithy/core"} {
		if _, err := os.Stat(filepath.Join(dir, "node_modules", m, "package.json")); err != nil {
			peer.Missing(t, "%s is not installed in %s (bash .ci/run runs npm ci there)", m, dir)
		}
	}
	var specs []peerSpec
	for _, e := range corpus {
		specs = append(specs, specFor("aws4", e, relays[signerAWS4][e.Name], k), specFor("smithy", e, relays[signerSmithy][e.Name], k))
	}
	ctx, cancel := context.WithTimeout(context.Background(), peerTimeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "sign.js")
	cmd.Dir = dir
	got, err := runPeerScript(cmd, specs)
	if err != nil {
		t.Fatalf("node sign.js: %v", err)
	}
	out := map[string]sent{}
	for _, e := range corpus {
		out[signerAWS4+" "+e.Name] = got["aws4 "+e.Name]
		out[signerSmithy+" "+e.Name] = got["smithy "+e.Name]
	}
	return out
}

// botocoreSigner signs and sends the corpus with botocore.
func botocoreSigner(t *testing.T, corpus []corpusEntry, relays map[string]*relay, k keys) map[string]sent {
	python := peer.Python(t, "botocore", "python3-botocore")
	var specs []peerSpec
	for _, e := range corpus {
		specs = append(specs, specFor(signerBotocore, e, relays[e.Name], k))
	}
	ctx, cancel := context.WithTimeout(context.Background(), peerTimeout)
	defer cancel()
	got, err := runPeerScript(exec.CommandContext(ctx, python, filepath.Join("testdata", "python", "sign.py")), specs)
	if err != nil {
		t.Fatalf("botocore sign.py: %v", err)
	}
	out := map[string]sent{}
	for _, e := range corpus {
		out[signerBotocore+" "+e.Name] = got[signerBotocore+" "+e.Name]
	}
	return out
}

// curlSigner runs curl --aws-sigv4 once per request, as written (curl
// resolves dot segments itself unless told --path-as-is, as users run it).
func curlSigner(t *testing.T, e corpusEntry, r *relay, k keys) sent {
	curl := peer.Command(t, "curl")
	args := []string{"-sS", "-o", "/dev/null", "--globoff", "--max-time", "20",
		"--aws-sigv4", "aws:amz:" + region + ":" + e.Service, "--user", k.AccessKeyID + ":" + k.Secret}
	if e.ContentType != "" {
		args = append(args, "-H", "Content-Type: "+e.ContentType)
	}
	if e.Body != "" {
		args = append(args, "--data-binary", e.Body)
	}
	if e.Method != "GET" || e.Body != "" {
		args = append(args, "-X", e.Method)
	}
	args = append(args, "http://"+r.host()+e.Target)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := exec.CommandContext(ctx, curl, args...).CombinedOutput()
	if err != nil {
		return sent{Err: fmt.Sprintf("%v: %s", err, strings.TrimSpace(string(out)))}
	}
	return sent{}
}

// goSigner signs with aws-sdk-go-v2's v4 signer in this process and sends
// with net/http, as an SDK client does: the SDK rewrites the query it
// signed into the URL; S3 mode does not escape the path again and sends
// x-amz-content-sha256.
func goSigner(e corpusEntry, r *relay, k keys) sent {
	var body io.Reader
	if e.Body != "" {
		body = strings.NewReader(e.Body)
	}
	req, err := http.NewRequest(e.Method, "http://"+r.host()+e.Target, body)
	if err != nil {
		return sent{Err: err.Error()}
	}
	for name, v := range e.headers() {
		req.Header.Set(name, v)
	}
	sum := sha256.Sum256([]byte(e.Body))
	hash := hex.EncodeToString(sum[:])
	if e.Service == "s3" {
		req.Header.Set("X-Amz-Content-Sha256", hash)
	}
	var canonical string
	logger := logging.LoggerFunc(func(_ logging.Classification, _ string, v ...any) {
		if len(v) >= 1 {
			canonical, _ = v[0].(string)
		}
	})
	err = v4.NewSigner().SignHTTP(context.Background(), aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.Secret},
		req, hash, e.Service, region, time.Now(), func(o *v4.SignerOptions) {
			o.DisableURIPathEscaping = e.Service == "s3"
			o.LogSigning, o.Logger = true, logger
		})
	if err != nil {
		return sent{Err: err.Error()}
	}
	client := &http.Client{Transport: &http.Transport{DisableKeepAlives: true}, Timeout: 20 * time.Second}
	resp, err := client.Do(req)
	if err != nil {
		return sent{Canonical: canonical, Err: err.Error()}
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	return sent{Canonical: canonical}
}

// sigscopeSigner signs the raw request with `sigscope sign -o json` and
// writes the signed request it prints, byte for byte, to the relay.
func sigscopeSigner(e corpusEntry, r *relay, k keys) sent {
	var raw strings.Builder
	fmt.Fprintf(&raw, "%s %s HTTP/1.1\r\nHost: %s\r\n", e.Method, e.Target, r.host())
	if e.ContentType != "" {
		fmt.Fprintf(&raw, "Content-Type: %s\r\n", e.ContentType)
	}
	if e.Body != "" {
		fmt.Fprintf(&raw, "Content-Length: %d\r\n", len(e.Body))
	}
	raw.WriteString("\r\n" + e.Body)
	var out, errb bytes.Buffer
	code := cli.Main([]string{"sign", "--request-file", "-", "--region", region, "--service", e.Service,
		"--access-key", k.AccessKeyID, "--secret-key", k.Secret, "-o", "json"}, strings.NewReader(raw.String()), &out, &errb)
	if code != 0 {
		return sent{Err: fmt.Sprintf("sigscope sign exit %d: %s", code, strings.TrimSpace(errb.String()))}
	}
	var signed struct {
		CanonicalRequest string `json:"canonical_request"`
		SignedRequest    string `json:"signed_request"`
	}
	if err := json.Unmarshal(out.Bytes(), &signed); err != nil || signed.SignedRequest == "" {
		return sent{Err: fmt.Sprintf("sigscope sign -o json: %v: %.200s", err, out.String())}
	}
	conn, err := net.DialTimeout("tcp", r.host(), 5*time.Second)
	if err != nil {
		return sent{Canonical: signed.CanonicalRequest, Err: err.Error()}
	}
	defer conn.Close()
	_ = conn.SetDeadline(time.Now().Add(20 * time.Second))
	if _, err := io.WriteString(conn, signed.SignedRequest); err != nil {
		return sent{Canonical: signed.CanonicalRequest, Err: err.Error()}
	}
	_, _ = io.Copy(io.Discard, conn) // the relay closes after its answer
	return sent{Canonical: signed.CanonicalRequest}
}
