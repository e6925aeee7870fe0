package sign

import (
	"fmt"
	"net/url"
	"testing"

	"github.com/aws/smithy-go/encoding/httpbinding"

	"github.com/sigscope/sigscope/internal/sigv4ref"
)

// checkOracles checks the canonical URI (and query) of tr, which Sign made from
// req and opts, against two oracles that share no code with this package's
// path handling. Sign's own cross-check cannot see it: it hands
// aws-sdk-go-v2 the path already normalized (and in S3 mode already
// encoded, with the SDK's escaping off).
//
//   - aws-sdk-go-v2 signs again with the path as the caller wrote it and
//     computes the canonical URI itself: outside S3 it escapes the raw path
//     (so %XX signs as %25XX); in S3 mode it gets the object key Go's
//     url.PathUnescape reads from the path and escapes it with
//     httpbinding.EscapePath, as the SDK's S3 client does. The SDK does
//     not remove dot segments, so when normalizing it gets the path
//     normalized by internal/sigv4ref, not by sigscope.
//   - internal/sigv4ref computes the canonical URI from the raw path, and
//     in header mode the canonical query from the raw query.
func checkOracles(req *Request, opts Options, tr *Trace) error {
	if err := referenceDisagrees(req, opts, tr); err != nil {
		return err
	}
	return sdkOnRawPathDisagrees(req, opts, tr)
}

// oracleInput is the request and options as Sign sees them, and the SDK's
// input for it.
func oracleInput(req *Request, opts Options) (o Options, in *sdkInput, r *Request, raw string, err error) {
	o = opts
	if err := checkOptions(&o); err != nil {
		return o, nil, nil, "", err
	}
	if _, in, r, err = trace(req, o); err != nil {
		return o, nil, nil, "", err
	}
	raw = r.Path
	if raw == "" {
		raw = "/"
	}
	return o, in, r, raw, nil
}

// referenceDisagrees is the internal/sigv4ref half of checkOracles.
func referenceDisagrees(req *Request, opts Options, tr *Trace) error {
	o, _, r, raw, err := oracleInput(req, opts)
	if err != nil {
		return err
	}
	if want := sigv4ref.Path(raw, o.S3, o.normalize()); tr.URI.Output != want {
		return fmt.Errorf("canonical URI of %q (S3 %v, normalize %v) = %q, internal/sigv4ref says %q", raw, o.S3, o.normalize(), tr.URI.Output, want)
	}
	if !o.Presign { // presigning adds its own parameters
		if want := sigv4ref.Query(r.RawQuery); tr.Query.Output != want {
			return fmt.Errorf("canonical query of %q = %q, internal/sigv4ref says %q", r.RawQuery, tr.Query.Output, want)
		}
	}
	return nil
}

// sdkOnRawPathDisagrees is the aws-sdk-go-v2 half of checkOracles.
func sdkOnRawPathDisagrees(req *Request, opts Options, tr *Trace) error {
	o, in, _, raw, err := oracleInput(req, opts)
	if err != nil {
		return err
	}
	if o.S3 {
		key, err := url.PathUnescape(raw)
		if err != nil {
			return fmt.Errorf("sigscope signed S3 path %q, which Go cannot decode to a key: %v", raw, err)
		}
		in.path, in.s3 = httpbinding.EscapePath(key, false), true
	} else {
		in.path, in.s3 = raw, false
		if o.normalize() {
			in.path = sigv4ref.NormalizePath(raw)
		}
	}
	sdk, err := sdkSign(in)
	if err != nil {
		return err
	}
	if err := agree(tr, sdk); err != nil {
		return fmt.Errorf("with the raw path %q: %w", raw, err)
	}
	return nil
}

// TestOraclesCatchPathMutations is a test of FuzzAgreement's oracles: a
// trace as sigscope would make it with dot segments not removed, or with
// the lower-case hex of an S3 path kept, is refused by each oracle alone.
// (The same two mutations, applied by hand to canonical_uri.go and
// awsrule.S3Path, fail FuzzAgreement at CI's budget, on its seeds.)
func TestOraclesCatchPathMutations(t *testing.T) {
	opts := Options{Credentials: Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: suiteSecret}, Region: "us-east-1",
		Service: "execute-api", Time: dialectTime}
	// The canonical request is what both oracles read (the SDK's
	// cross-check stops at the first differing step).
	mutate := func(tr *Trace, uri string) *Trace {
		m := *tr
		m.URI.Output = uri
		m.CanonicalRequest = buildCanonicalRequest(&m)
		return &m
	}
	s3 := opts
	s3.S3 = true
	for _, c := range []struct {
		name, path string
		opts       Options
		mutated    string // the canonical URI the mutated sigscope signs
	}{
		{"no dot-segment removal", "//a/./b/../c//", opts, "//a/./b/../c//"},
		{"lower-case hex kept in S3", "/%e1%88%b4/%7euser", s3, "/%e1%88%b4/~user"},
	} {
		t.Run(c.name, func(t *testing.T) {
			req := &Request{Method: "GET", Host: "example.amazonaws.com", Path: c.path}
			tr, err := Sign(req, c.opts)
			if err != nil {
				t.Fatal(err)
			}
			if err := checkOracles(req, c.opts, tr); err != nil {
				t.Fatalf("the oracles refuse sigscope's own trace: %v", err)
			}
			m := mutate(tr, c.mutated)
			if m.CanonicalRequest == tr.CanonicalRequest {
				t.Fatal("the mutation changed nothing")
			}
			if err := referenceDisagrees(req, c.opts, m); err == nil {
				t.Error("internal/sigv4ref accepts the mutated trace")
			}
			if err := sdkOnRawPathDisagrees(req, c.opts, m); err == nil {
				t.Error("aws-sdk-go-v2 on the raw path accepts the mutated trace")
			}
		})
	}
}
