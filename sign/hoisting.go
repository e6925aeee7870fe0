package sign

// requiredSignedHeaders are the X-Amz-* (and other) headers that
// aws-sdk-go-v2 keeps as signed headers when presigning, because S3 needs
// them on the request itself. The keys are spelled exactly as the SDK spells
// them, including its "Full-control", which never matches a canonical header
// key and so is hoisted: the trace must do what the SDK does.
var requiredSignedHeaders = map[string]struct{}{
	"Cache-Control": {}, "Content-Disposition": {}, "Content-Encoding": {}, "Content-Language": {},
	"Content-Md5": {}, "Content-Type": {}, "Expires": {}, "If-Match": {}, "If-Modified-Since": {},
	"If-None-Match": {}, "If-Unmodified-Since": {}, "Range": {}, "X-Amz-Acl": {},
	"X-Amz-Copy-Source": {}, "X-Amz-Copy-Source-If-Match": {}, "X-Amz-Copy-Source-If-Modified-Since": {},
	"X-Amz-Copy-Source-If-None-Match": {}, "X-Amz-Copy-Source-If-Unmodified-Since": {},
	"X-Amz-Copy-Source-Range":                                     {},
	"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Algorithm": {},
	"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key":       {},
	"X-Amz-Copy-Source-Server-Side-Encryption-Customer-Key-Md5":   {},
	"X-Amz-Grant-Full-control":                                    {}, "X-Amz-Grant-Read": {}, "X-Amz-Grant-Read-Acp": {},
	"X-Amz-Grant-Write": {}, "X-Amz-Grant-Write-Acp": {}, "X-Amz-Metadata-Directive": {},
	"X-Amz-Mfa": {}, "X-Amz-Server-Side-Encryption": {}, "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": {},
	"X-Amz-Server-Side-Encryption-Context": {}, "X-Amz-Server-Side-Encryption-Customer-Algorithm": {},
	"X-Amz-Server-Side-Encryption-Customer-Key": {}, "X-Amz-Server-Side-Encryption-Customer-Key-Md5": {},
	"X-Amz-Storage-Class": {}, "X-Amz-Website-Redirect-Location": {}, "X-Amz-Content-Sha256": {},
	"X-Amz-Tagging": {},
}
