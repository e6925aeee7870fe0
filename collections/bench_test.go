package collections

import (
	"fmt"
	"strings"
	"testing"
)

// bigCollection writes a collection of folders*perFolder requests, shaped
// like real ones: templates, query, headers, some bodies and auth blocks.
func bigCollection(folders, perFolder int) []byte {
	var b strings.Builder
	b.WriteString("# generated for BenchmarkLoad5000\nname: Big\ndefault_environment: dev\n")
	b.WriteString("environments:\n  dev: {base_url: 'https://x.test/dev', region: us-east-1}\n")
	b.WriteString("  prod: {base_url: 'https://x.test/prod', region: eu-west-1}\n")
	b.WriteString("auth:\n  ops: {type: aws}\n  pool:\n    type: cognito\n    user_pool_id: us-east-1_Big\n    client_id: abc\n    identity_pool_id: 'us-east-1:0000'\n")
	b.WriteString("defaults:\n  auth: {mode: iam, profile: ops, service: execute-api}\n  headers: {Accept: application/json}\n")
	b.WriteString("requests:\n")
	for f := 0; f < folders; f++ {
		fmt.Fprintf(&b, "  - folder: group %d\n    defaults:\n      headers: {X-Group: '%d'}\n    requests:\n", f, f)
		for r := 0; r < perFolder; r++ {
			fmt.Fprintf(&b, "      # request %d of group %d\n", r, f)
			fmt.Fprintf(&b, "      - name: Request %d\n", r)
			fmt.Fprintf(&b, "        method: %s\n", []string{"GET", "POST", "PUT", "DELETE"}[r%4])
			fmt.Fprintf(&b, "        url: \"{{base_url}}/items/%d/{{$uuid}}\"\n", r)
			fmt.Fprintf(&b, "        query: {limit: '10', tag: [a, b]}\n")
			fmt.Fprintf(&b, "        headers:\n          X-Request: \"%d\"\n          X-Trace: \"{{$timestamp}}\"\n", r)
			if r%5 == 0 {
				fmt.Fprintf(&b, "        body:\n          json: {id: %d, name: \"item {{$uuid}}\", tags: [x, y], nested: {ok: true}}\n", r)
			}
			if r%7 == 0 {
				b.WriteString("        auth: {mode: id_token, profile: pool}\n")
			}
		}
	}
	return []byte(b.String())
}

func TestBigCollectionLoads(t *testing.T) {
	c := mustLoad(t, bigCollection(50, 100))
	if n := len(c.Requests()); n != 5000 {
		t.Fatalf("%d requests, want 5000", n)
	}
	r, err := c.Resolve("group 49/Request 35", "", nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	if r.Auth.Mode != ModeIDToken || r.Body == nil || !equalKV(r.Headers[:2], []KV{{"Accept", "application/json"}, {"X-Group", "49"}}) {
		t.Errorf("resolved: %+v", r)
	}
}

// BenchmarkLoad5000 loads a generated 5,000-request collection; the target
// is under 100 ms per load.
func BenchmarkLoad5000(b *testing.B) {
	data := bigCollection(50, 100)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := LoadBytes("big.yaml", data); err != nil {
			b.Fatal(err)
		}
	}
}
