package sign

import "fmt"

// VariantParamsDropped: the client's HTTP stack dropped bytes of the path
// after signing (botocore's ;params), so no variant of the bytes received
// can reproduce the signature: the request's User-Agent is the evidence.
const VariantParamsDropped = "path-params-dropped-after-signing"

// droppedAfterSigning is verify's last word when no variant reproduces the
// signature but the request names a client whose stack drops bytes after
// signing: what was lost cannot be recomputed, but the client can be named
// instead of the generic "wrong secret, or changed after signing".
func droppedAfterSigning(in VerifyInput, tr *Trace) *Problem {
	if in.Request == nil {
		return nil
	}
	ua, _ := in.Request.Get("User-Agent")
	c, ok := ClientOf(ua)
	if !ok || c.Unrecoverable == "" {
		return nil
	}
	return &Problem{Step: StepCanonicalRequest, Line: 2, Part: PartURI, Ours: tr.URI.Output,
		Detail: fmt.Sprintf("no rewrite of the bytes received reproduces the signature, and the request came from %s (User-Agent %q): %s; if the URL signed had ';' in its last path segment, the signature covers a path that was not sent; if it had none, the secret key is wrong",
			c.Name, ua, c.Unrecoverable),
		Hint: "percent-encode ';' in the path (%3B) before the client signs the URL, or check the secret key"}
}
