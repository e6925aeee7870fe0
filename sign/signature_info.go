package sign

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// SignatureInfo is what a signed request says about its own signature.
type SignatureInfo struct {
	Presigned     bool
	Algorithm     string
	AccessKeyID   string
	Date          string // yyyymmdd from the credential scope
	Region        string // SigV4 only: SigV4a's scope has no region
	Service       string
	Terminator    string // aws4_request
	SignedHeaders []string
	Signature     string
	AmzDate       string        // X-Amz-Date
	Expires       time.Duration // presigned only; 0 when X-Amz-Expires is absent
	// SessionToken is the X-Amz-Security-Token the request carries (header or
	// query), "" without one. It is a secret: mask it before printing.
	SessionToken string
	// RegionSet is SigV4a's X-Amz-Region-Set (header, or query when
	// presigned), split at commas; nil when absent.
	RegionSet []string
}

// Scope is the credential scope the signature names: date/region/service/
// aws4_request, or date/service/aws4_request for SigV4a.
func (s SignatureInfo) Scope() string {
	if isV4a(s.Algorithm) {
		return s.Date + "/" + s.Service + "/" + s.Terminator
	}
	return s.Date + "/" + s.Region + "/" + s.Service + "/" + s.Terminator
}

// ReadSignature reads the signature a request carries, from its
// Authorization header or its presigned query. A request with neither gives
// ErrNoSignature.
func ReadSignature(r *Request) (SignatureInfo, error) {
	q := readQueryLenient(r.RawQuery)
	if auth, ok := r.Get("Authorization"); ok && strings.HasPrefix(strings.ToUpper(strings.TrimSpace(auth)), "AWS4-") {
		info, err := ParseAuthorization(auth)
		info.AmzDate, _ = r.Get("X-Amz-Date")
		info.SessionToken, _ = r.Get("X-Amz-Security-Token")
		if set, ok := r.Get(RegionSetHeader); ok {
			info.RegionSet = splitRegionSet(set)
		}
		if info.AmzDate == "" {
			info.AmzDate, _ = q.get("X-Amz-Date")
		}
		return info, err
	}
	sig, ok := q.get("X-Amz-Signature")
	if !ok {
		return SignatureInfo{}, ErrNoSignature
	}
	info := SignatureInfo{Presigned: true, Signature: sig}
	info.Algorithm, ok = q.get("X-Amz-Algorithm")
	if !ok {
		return info, errors.New("the presigned URL has X-Amz-Signature but no X-Amz-Algorithm")
	}
	info.AmzDate, _ = q.get("X-Amz-Date")
	info.SessionToken, _ = q.get("X-Amz-Security-Token")
	if set, ok := q.get(RegionSetHeader); ok {
		info.RegionSet = splitRegionSet(set)
	}
	if err := checkAlgorithm(info.Algorithm, "X-Amz-Algorithm"); err != nil {
		return info, err
	}
	cred, ok := q.get("X-Amz-Credential")
	if !ok {
		return info, errors.New("the presigned URL has X-Amz-Signature but no X-Amz-Credential")
	}
	if err := info.setCredential(cred); err != nil {
		return info, err
	}
	if sh, ok := q.get("X-Amz-SignedHeaders"); ok && sh != "" {
		info.SignedHeaders = strings.Split(sh, ";")
	}
	if e, ok := q.get("X-Amz-Expires"); ok {
		n, err := strconv.ParseInt(e, 10, 64)
		if err != nil || n <= 0 {
			return info, fmt.Errorf("X-Amz-Expires %q is not a positive number of seconds", e)
		}
		info.Expires = time.Duration(n) * time.Second
	}
	return info, nil
}

func checkAlgorithm(alg, where string) error {
	switch alg {
	case Algorithm, AlgorithmV4a:
		return nil
	}
	return fmt.Errorf("%s is %q, want %s (SigV4) or %s (SigV4a)", where, alg, Algorithm, AlgorithmV4a)
}

// ParseAuthorization reads "AWS4-HMAC-SHA256 Credential=…, SignedHeaders=…,
// Signature=…", or its SigV4a form (AWS4-ECDSA-P256-SHA256, a credential
// without region).
func ParseAuthorization(value string) (SignatureInfo, error) {
	var info SignatureInfo
	alg, rest, _ := strings.Cut(strings.TrimSpace(value), " ")
	if !strings.HasPrefix(alg, "AWS4-") {
		return info, fmt.Errorf("authorization header starts with %q, want %s (a user-pool id_token or a Bearer token is not a SigV4 signature)", alg, Algorithm)
	}
	if err := checkAlgorithm(alg, "the Authorization header's algorithm"); err != nil {
		return info, err
	}
	info.Algorithm = alg
	var missing []string
	fields := map[string]string{}
	for _, part := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if ok {
			fields[k] = v
		}
	}
	for _, k := range []string{"Credential", "SignedHeaders", "Signature"} {
		if fields[k] == "" {
			missing = append(missing, k)
		}
	}
	if len(missing) > 0 {
		return info, fmt.Errorf("authorization header lacks %s", strings.Join(missing, ", "))
	}
	if err := info.setCredential(fields["Credential"]); err != nil {
		return info, err
	}
	info.SignedHeaders = strings.Split(fields["SignedHeaders"], ";")
	info.Signature = fields["Signature"]
	return info, nil
}

func (s *SignatureInfo) setCredential(c string) error {
	parts := strings.Split(c, "/")
	if isV4a(s.Algorithm) {
		if len(parts) != 4 {
			return fmt.Errorf("credential %q is not access-key/date/service/aws4_request (SigV4a's scope has no region: the regions are in X-Amz-Region-Set)", c)
		}
		s.AccessKeyID, s.Date, s.Service, s.Terminator = parts[0], parts[1], parts[2], parts[3]
		return nil
	}
	if len(parts) != 5 {
		return fmt.Errorf("credential %q is not access-key/date/region/service/aws4_request", c)
	}
	s.AccessKeyID, s.Date, s.Region, s.Service, s.Terminator = parts[0], parts[1], parts[2], parts[3], parts[4]
	return nil
}
