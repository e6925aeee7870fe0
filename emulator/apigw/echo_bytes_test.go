package apigw

import (
	"bytes"
	"encoding/json"
	"strconv"
	"testing"
)

// The echo is encoded from structs (for speed); its bytes are those a
// map of the same keys gives (keys sorted, the authorizer only when there
// is one, HTML characters and a body that is not UTF-8 as before).
func TestEchoBytesAsFromMaps(t *testing.T) {
	_, srv := newTestServer(t, testNow)
	for i, body := range []string{"", `{"name":"<Rex> & \u2028 co"}`, "\xff\xfe binary", "tab\there\nnewline \"quoted\" \\"} {
		method := "GET"
		if body != "" {
			method = "POST"
		}
		req := signed(t, method, srv.URL+"/prod/pets/a%20b/c?limit=10&type=dog&type=cat", body, staticCreds(), testRegion, "execute-api", testNow,
			map[string]string{"X-Note": "<b>&amp;</b> caf\u00e9 " + strconv.Itoa(i)})
		if m := echoAsFromMaps(t, do(t, nil, req)); m["requestContext"].(map[string]any)["authorizer"] != nil {
			t.Errorf("an IAM echo has an authorizer: %v", m)
		}
	}
	m := echoAsFromMaps(t, get(t, srv.URL+"/prod/me", map[string]string{"Authorization": goodIDToken}))
	if m["requestContext"].(map[string]any)["authorizer"] == nil {
		t.Errorf("a user-pool echo has no authorizer: %v", m)
	}
}

// echoAsFromMaps checks an echo's bytes against its keys sorted and its
// Content-Length, and returns it decoded.
func echoAsFromMaps(t *testing.T, res result) map[string]any {
	t.Helper()
	if res.status != 200 {
		t.Fatalf("%d %s", res.status, res.body)
	}
	var m map[string]any
	dec := json.NewDecoder(bytes.NewReader(res.body))
	dec.UseNumber()
	if err := dec.Decode(&m); err != nil {
		t.Fatal(err)
	}
	var want bytes.Buffer
	enc := json.NewEncoder(&want)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		t.Fatal(err)
	}
	if got := string(res.body); got != string(bytes.TrimRight(want.Bytes(), "\n")) {
		t.Errorf("the echo differs from its keys sorted:\n got %s\nwant %s", got, want.Bytes())
	}
	if n, err := strconv.Atoi(res.header.Get("Content-Length")); err != nil || n != len(res.body) {
		t.Errorf("Content-Length %q for %d bytes", res.header.Get("Content-Length"), len(res.body))
	}
	return m
}
