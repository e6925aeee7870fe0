package sign

import (
	"fmt"
	"net/url"

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
	o := opts
	if err := checkOptions(&o); err != nil {
		return err
	}
	_, in, r, err := trace(req, o)
	if err != nil {
		return err
	}
	raw := r.Path
	if raw == "" {
		raw = "/"
	}
	if want := sigv4ref.Path(raw, o.S3, o.normalize()); tr.URI.Output != want {
		return fmt.Errorf("canonical URI of %q (S3 %v, normalize %v) = %q, internal/sigv4ref says %q", raw, o.S3, o.normalize(), tr.URI.Output, want)
	}
	if !o.Presign { // presigning adds its own parameters
		if want := sigv4ref.Query(r.RawQuery); tr.Query.Output != want {
			return fmt.Errorf("canonical query of %q = %q, internal/sigv4ref says %q", r.RawQuery, tr.Query.Output, want)
		}
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
