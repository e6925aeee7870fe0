package sign

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go/logging"
)

// sdkInput is the request as handed to aws-sdk-go-v2: before the signer's
// own additions (X-Amz-Date, X-Amz-Security-Token and the presign
// parameters), which the SDK makes itself.
type sdkInput struct {
	method        string
	scheme        string
	host          string
	path          string // canonical path before the SDK's own escaping
	query         string // re-encoded so url.ParseQuery reads back our pairs
	header        http.Header
	contentLength int64
	payloadHash   string
	creds         Credentials
	region        string
	service       string
	time          time.Time
	presign       bool
	s3            bool
	omitToken     bool
	noHoisting    bool
}

// sdkOutput is what the SDK signed, read back from its signing log.
type sdkOutput struct {
	canonicalRequest string
	stringToSign     string
	signature        string
	authorization    string
	presignedURL     string
}

// signingLog captures the canonical string and string-to-sign that the SDK
// logs when LogSigning is on: the only way it exposes them.
type signingLog struct {
	canonical, stringToSign string
	ok                      bool
}

func (l *signingLog) Logf(_ logging.Classification, format string, v ...interface{}) {
	if !strings.HasPrefix(format, "Request Signature:") || len(v) < 2 {
		return
	}
	c, ok1 := v[0].(string)
	s, ok2 := v[1].(string)
	l.canonical, l.stringToSign, l.ok = c, s, ok1 && ok2
}

// sdkSigners keeps one SDK signer per access key and secret: the SDK caches
// derived keys by access key id and day only, so a signer shared across
// secrets would keep signing with a stale secret.
var sdkSigners = struct {
	sync.Mutex
	m map[string]*v4.Signer
}{m: map[string]*v4.Signer{}}

func sdkSigner(c Credentials) *v4.Signer {
	id := c.AccessKeyID + "\x00" + c.SecretAccessKey
	sdkSigners.Lock()
	defer sdkSigners.Unlock()
	s, ok := sdkSigners.m[id]
	if !ok {
		if len(sdkSigners.m) >= keyCacheMax {
			clear(sdkSigners.m)
		}
		s = v4.NewSigner()
		sdkSigners.m[id] = s
	}
	return s
}

func sdkSign(in *sdkInput) (*sdkOutput, error) {
	req := &http.Request{
		Method:        in.method,
		URL:           &url.URL{Scheme: in.scheme, Opaque: "//" + in.host + in.path, RawQuery: in.query},
		Host:          in.host,
		Header:        in.header,
		ContentLength: in.contentLength,
	}
	creds := aws.Credentials{AccessKeyID: in.creds.AccessKeyID, SecretAccessKey: in.creds.SecretAccessKey, SessionToken: in.creds.SessionToken}
	log := &signingLog{}
	opts := func(o *v4.SignerOptions) {
		o.DisableURIPathEscaping = in.s3
		o.DisableSessionToken = in.omitToken
		o.DisableHeaderHoisting = in.noHoisting
		o.LogSigning = true
		o.Logger = log
	}
	signer := sdkSigner(in.creds)
	out := &sdkOutput{}
	ctx := context.Background()
	if in.presign {
		u, _, err := signer.PresignHTTP(ctx, creds, req, in.payloadHash, in.service, in.region, in.time, opts)
		if err != nil {
			return nil, fmt.Errorf("aws-sdk-go-v2 presign: %w", err)
		}
		out.presignedURL = u
		_, q, _ := strings.Cut(u, "?")
		_, sig, found := strings.Cut(q, "X-Amz-Signature=")
		if !found {
			return nil, fmt.Errorf("aws-sdk-go-v2 presign: no X-Amz-Signature in %q", u)
		}
		out.signature, _, _ = strings.Cut(sig, "&")
	} else {
		if err := signer.SignHTTP(ctx, creds, req, in.payloadHash, in.service, in.region, in.time, opts); err != nil {
			return nil, fmt.Errorf("aws-sdk-go-v2 sign: %w", err)
		}
		out.authorization = req.Header.Get("Authorization")
		_, sig, found := strings.Cut(out.authorization, "Signature=")
		if !found {
			return nil, fmt.Errorf("aws-sdk-go-v2 sign: no signature in its Authorization header")
		}
		out.signature = sig
	}
	if !log.ok {
		return nil, fmt.Errorf("aws-sdk-go-v2 did not log its canonical request: its LogSigning format changed; sigscope must be updated for this SDK version")
	}
	out.canonicalRequest, out.stringToSign = log.canonical, log.stringToSign
	return out, nil
}
