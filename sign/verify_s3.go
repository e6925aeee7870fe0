package sign

// checkS3PayloadHeader: S3 refuses a request signed in the Authorization
// header without x-amz-content-sha256 ("Missing required header for this
// request: x-amz-content-sha256"), whatever its signature; curl 7.88's
// --aws-sigv4 sends none.
func (v *Verification) checkS3PayloadHeader(r *Request, info SignatureInfo, s3 bool) {
	if !s3 || info.Presigned {
		return
	}
	if _, ok := r.Get("X-Amz-Content-Sha256"); ok {
		return
	}
	v.add(Problem{Step: StepPayloadHash,
		Detail: "S3 requires x-amz-content-sha256 on a request signed in the Authorization header, and this request has none: S3 refuses it whatever the signature",
		Hint:   "send x-amz-content-sha256 with the body's SHA-256 (or UNSIGNED-PAYLOAD) and sign it (curl: add -H 'x-amz-content-sha256: ...')"})
}
