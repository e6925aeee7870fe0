package explain

import (
	"strings"
	"testing"

	"github.com/sigscope/sigscope/sign"
)

// TestHostPortOnlyWhenHostsDisagree: a port in the server's host line is
// evidence only when the Host signed or sent is another; every request to
// a local endpoint (the emulator) carries a port, signed as sent.
func TestHostPortOnlyWhenHostsDisagree(t *testing.T) {
	const withPort = "abc123.execute-api.us-east-1.amazonaws.com:8443"
	body := serverOnly(t, map[string]string{
		"host:abc123.execute-api.us-east-1.amazonaws.com": "host:" + withPort,
		"limit=10": "limit=10&after=5", // the real difference: the query's order
	})
	sent := func(host string) *sign.Request {
		return &sign.Request{Method: "GET", Scheme: "https", Host: host, Path: "/prod/pets", RawQuery: "limit=10&after=5"}
	}

	d, _ := Explain(Input{Body: body, Request: sent(withPort)})
	if d.Causes[0].ID == CauseHost {
		t.Errorf("the same port signed and received named first: %q", d.Causes[0].Evidence)
	}
	for _, c := range d.Causes {
		if c.ID == CauseHost && c.Evidence != "" {
			t.Errorf("a port both sides agree on is evidence: %q", c.Evidence)
		}
	}

	d, _ = Explain(Input{Body: body, Request: sent("abc123.execute-api.us-east-1.amazonaws.com")})
	var host *Cause
	for i := range d.Causes {
		if d.Causes[i].ID == CauseHost {
			host = &d.Causes[i]
		}
	}
	if host == nil || !strings.Contains(host.Evidence, "differ in the port only") || host.Quotes[0].Text != "host:"+withPort {
		t.Errorf("the server's port the Host sent lacks: %+v", host)
	}
}
