package sign

// Algorithm is the only SigV4 algorithm identifier.
const Algorithm = "AWS4-HMAC-SHA256"

// UnsignedPayload is the payload hash that leaves the body out of the signature.
const UnsignedPayload = "UNSIGNED-PAYLOAD"

// Trace records every step of one signature, in the order AWS documents
// them, with where each canonical part came from.
type Trace struct {
	Mode        string // "header" (Authorization) or "query" (presigned URL)
	Method      string
	AccessKeyID string

	URI     URIStep
	Query   QueryStep
	Headers []HeaderLine
	// HeaderRules are the rules that shape the header block as a whole.
	HeaderRules []string
	// Skipped lists request headers left out of the signature, with the reason.
	Skipped       []SkippedHeader
	SignedHeaders string
	Payload       PayloadStep

	CanonicalRequest     string
	CanonicalRequestHash string // hex SHA-256 of CanonicalRequest

	Algorithm       string
	RequestDate     string // X-Amz-Date, e.g. 20150830T123600Z
	CredentialScope string // date/region/service/aws4_request
	StringToSign    string

	Keys      SigningKeys
	Signature string
	// PublicKeys says the credentials are a published pair (the emulator's
	// demo keys): the derived keys are no secret, and the walk-through
	// shows them in full for a reader to recompute by hand.
	PublicKeys bool

	// RegionSet and PublicKey are SigV4a's: the regions signed in
	// X-Amz-Region-Set, and the ECDSA public key derived from the secret
	// (its private key is Keys.Signing, masked like kSigning).
	RegionSet []string
	PublicKey *PublicKey

	Authorization string // header mode
	PresignedURL  string // query mode
	Signed        *Request

	// Notes are choices that other signers make differently, worth knowing
	// when a server disagrees.
	Notes []string
}

// PayloadStep is the hashed payload and where it came from.
type PayloadStep struct {
	Hash   string `json:"hash"`
	Source string `json:"source"` // "body", "x-amz-content-sha256 header", "unsigned"
	Size   int    `json:"size"`
}

// SigningKeys are the HMAC chain from the secret key to the signing key,
// hex-encoded. Each is derived from the secret and is valid for one day,
// region and service.
type SigningKeys struct {
	Date    string `json:"date"`    // kDate = HMAC("AWS4"+secret, yyyymmdd)
	Region  string `json:"region"`  // kRegion = HMAC(kDate, region)
	Service string `json:"service"` // kService = HMAC(kRegion, service)
	Signing string `json:"signing"` // kSigning = HMAC(kService, "aws4_request")
}
