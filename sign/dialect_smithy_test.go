package sign

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/sigscope/sigscope/internal/peer"
)

// smithyScript prints @smithy/signature-v4's canonical request for each
// request it reads as JSON on standard input, its query parsed by
// @smithy/core's parseQueryString as the SDK's URL parser does (the
// differential test's node peer signs so too), and the target
// NodeHttpHandler sends (buildQueryString).
const smithyScript = `
const { SignatureV4 } = require('@smithy/signature-v4')
const { HttpRequest, parseQueryString, buildQueryString } = require('@smithy/core/protocols')
const { Sha256 } = require('@aws-crypto/sha256-js')
;(async () => {
  const chunks = []
  for await (const c of process.stdin) chunks.push(c)
  const out = []
  for (const c of JSON.parse(Buffer.concat(chunks).toString('utf8'))) {
    const seen = []
    class Hash extends Sha256 {
      constructor(secret) { super(secret); this.parts = secret === undefined ? [] : null; if (this.parts) seen.push(this.parts) }
      update(d) { if (this.parts) this.parts.push(Buffer.from(d)); return super.update(d) }
    }
    const i = c.target.indexOf('?')
    const path = i < 0 ? c.target : c.target.slice(0, i)
    const query = i < 0 ? {} : parseQueryString(c.target.slice(i + 1))
    const req = new HttpRequest({ method: 'GET', protocol: 'https:', hostname: c.host, path, query, headers: { host: c.host, ...c.headers } })
    const s = new SignatureV4({ credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' }, region: 'us-east-1',
      service: c.service, sha256: Hash, uriEscapePath: c.service !== 's3', applyChecksum: false })
    const signingDate = new Date('2015-08-30T12:36:00Z')
    if (c.presign) await s.presign(req, { signingDate, expiresIn: 3600 })
    else await s.sign(req, { signingDate })
    const texts = seen.map((p) => Buffer.concat(p).toString('utf8')).filter((t) => t.startsWith('GET\n'))
    const qs = buildQueryString(query) // what NodeHttpHandler writes
    out.push({ canonical: texts[texts.length - 1] || '', sent: path + (qs ? '?' + qs : '') })
  }
  process.stdout.write(JSON.stringify(out))
})().catch((e) => { console.error(e); process.exit(1) })
`

// TestSmithyDialectMatchesSmithy checks, on the cases measured for
// dialect_measured.go and on every case of TestDialectRules where compare
// documents smithy (presigned ones included), that the @smithy/signature-v4 dialect's canonical
// request is the one the library computes. The library is the
// differential test's node peer (npm ci --prefix
// internal/differential/testdata/node).
func TestSmithyDialectMatchesSmithy(t *testing.T) {
	node := peer.Command(t, "node")
	dir := filepath.Join("..", "internal", "differential", "testdata", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "@smithy", "signature-v4", "package.json")); err != nil {
		peer.Missing(t, "%s/node_modules not installed (run: npm ci --prefix internal/differential/testdata/node)", dir)
	}
	cases := measuredCases([][2]string{
		{"/prod/pets", "limit=10"}, {"/p", "q=a+b&b=c%2Bd"}, {"/p", "e"}, {"/p", "e=&f"}, {"/p", "&&a=1"}, {"/p", "&a=1"},
		{"/p", "=v&a"}, {"/p", "a=2&a=10&a=1"}, {"/p", "e&e=1"}, {"/p", "t=%7e&u=~"}, {"/p", "k=%c3%a9"},
		{"/p", "x=a;b,c!$'()*"}, {"/p", "a=b=c"}, {"/p/%c3%b1and%c3%ba", ""}, {"/p/caf%C3%A9", ""}, {"/p/café", ""},
		{"/p/a+b", ""}, {"/p/a;b=c(1)!*'", ""}, {"/p/a%20b", ""}, {"/p/%7euser", ""}, {"/p/x/../y", ""},
		{"/p/./z", ""}, {"/p//d", ""}, {"/p/a%2Fb", ""},
	})
	// And every rule of TestDialectRules where compare documents smithy.
	cases = append(cases, ruleCasesFor(t, dialectSmithy)...)
	var in []map[string]any
	for _, c := range cases {
		service, h := "execute-api", map[string]string{}
		if c.opts.S3 {
			service = "s3"
		}
		for _, x := range c.r.Headers {
			h[x.Name] = x.Value // as written: a presigned header is hoisted under its name
		}
		in = append(in, map[string]any{"host": c.r.Host, "target": c.r.Target(), "service": service, "headers": h, "presign": c.opts.Presign})
	}
	var got []struct{ Canonical, Sent string }
	runNode(t, node, dir, []string{"-e", smithyScript}, in, len(cases), &got)
	for i, c := range cases {
		d := result(t, compareOrFail(t, c.r, c.opts), dialectSmithy)
		if len(d.NotDocumented) > 0 {
			t.Fatalf("%s: not a documented smithy case: %+v", c, d.NotDocumented)
		}
		if d.CanonicalRequest != got[i].Canonical {
			t.Errorf("%s:\nsmithy dialect:\n%q\nsmithy:\n%q", c, d.CanonicalRequest, got[i].Canonical)
		}
		// node's http writes a non-ASCII path as latin-1 (the differential
		// test checks that); a presigned target carries the signature.
		if !hasNonASCII(c.r.Path) && !c.opts.Presign {
			checkOwnTarget(t, c, d, got[i].Sent)
		}
	}
}
