package sign

import (
	"net/textproto"
	"strings"
)

// signedRequest is the request as it must be sent for the signature to hold.
func signedRequest(r *Request, t *Trace, token string, opts Options) *Request {
	out := r.shallowClone()
	if t.Mode == "header" {
		if opts.S3 || opts.SignBody {
			out.Set("X-Amz-Content-Sha256", t.Payload.Hash)
		}
		out.Set("X-Amz-Date", t.RequestDate)
		if token != "" {
			out.Set("X-Amz-Security-Token", token)
		}
		out.Set("Authorization", t.Authorization)
		return out
	}
	if !opts.DisableHeaderHoisting {
		kept := out.Headers[:0]
		for _, h := range out.Headers {
			k := textproto.CanonicalMIMEHeaderKey(h.Name)
			if lk, ok := queryKeyLowercased[k]; ok {
				k = lk
			}
			if !hoistable(k) {
				kept = append(kept, h)
			}
		}
		out.Headers = kept
	}
	q := t.Query.Output
	if token != "" && opts.OmitSessionToken {
		q += "&X-Amz-Security-Token=" + uriEncode(token, true)
	}
	out.RawQuery = q + "&X-Amz-Signature=" + t.Signature
	t.PresignedURL = out.URL()
	return out
}

// notesFor lists the choices in this signature that other well-known
// signers make differently, so that a server's disagreement has a lead.
func notesFor(t *Trace, opts Options) []string {
	var notes []string
	path := t.URI.Input
	if !opts.S3 && strings.Contains(path, "%") {
		notes = append(notes, "The path holds %XX escapes, which the canonical URI encodes again (%25XX). All services but S3 expect this; S3 and some clients encode once.")
	}
	if strings.ContainsAny(path, "!'()*") {
		notes = append(notes, "The path holds one of !'()*: this signer escapes them in the canonical URI; Amplify's signer leaves them as they are.")
	}
	for _, b := range []byte(path) {
		if b >= 0x80 || b == ' ' {
			notes = append(notes, "The path holds raw spaces or non-ASCII bytes: HTTP clients escape them on the wire, after which the server encodes them twice. Send the path percent-encoded.")
			break
		}
	}
	for _, p := range t.Query.Params {
		if strings.Contains(p.RawKey+p.RawValue, "+") {
			notes = append(notes, "A '+' in the query was signed as a literal plus (%2B), as AWS servers read the raw query. aws-sdk-go-v2, the aws4 npm package and Amplify sign it as a space (%20) and botocore (header mode) leaves it as '+': a request they sign with a raw '+' fails. Send %2B or %20 to remove the doubt ('sigscope compare' shows each signer).")
			break
		}
	}
	for _, h := range t.Headers {
		if strings.ContainsRune(h.Value, '\t') {
			notes = append(notes, "A signed header value holds a tab, kept as is (aws-sdk-go-v2); botocore and the JavaScript signers fold tabs like spaces.")
			break
		}
	}
	if t.Mode == "query" && !opts.DisableHeaderHoisting {
		for _, p := range t.Query.Params {
			if strings.HasPrefix(p.Source, "header ") {
				notes = append(notes, "X-Amz-* headers were moved into the presigned query, as aws-sdk-go-v2 does; other signers keep them as signed headers. Send the URL without those headers.")
				break
			}
		}
	}
	return notes
}
