// Package sts emulates AWS STS's GetCallerIdentity over the Query protocol
// (POST / with the form Action=GetCallerIdentity&Version=2011-06-15, or
// the same in a GET's query), signed with SigV4 for the service sts. It
// answers who the caller's credentials are: a static user of the
// emulator's config, or the role an identity pool's credentials act as
// (arn:aws:sts::ACCOUNT:assumed-role/ROLE/CognitoIdentityCredentials),
// in STS's XML, and refuses a bad signature with STS's ErrorResponse XML.
//
// A request is STS's when its credential scope names sts; the emulator
// routes every other request elsewhere. Other actions answer InvalidAction.
package sts

import (
	"crypto/rand"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/sigscope/sigscope/emulator/awsauth"
)

const (
	serviceName = "sts"
	version     = "2011-06-15"
	namespace   = "https://sts.amazonaws.com/doc/2011-06-15/"
	// maxBody bounds a Query request's form; GetCallerIdentity has no
	// parameters beyond Action and Version.
	maxBody = 64 << 10
)

// Identity is who an access key belongs to, as GetCallerIdentity tells it.
type Identity struct {
	awsauth.Credential
	Arn     string // arn:aws:iam::ACCOUNT:user/NAME or arn:aws:sts::ACCOUNT:assumed-role/ROLE/SESSION
	UserID  string // AIDA... for a user, AROA...:SESSION for a role session
	Account string
}

// Lookup finds the identity behind an access key id.
type Lookup func(accessKeyID string) (Identity, bool)

// Options configure a Service.
type Options struct {
	Region      string // the region calls must be signed for
	Credentials Lookup
	Now         func() time.Time // nil: time.Now
	Log         io.Writer        // one line per call; nil: silent
}

// Service is the emulated STS, an http.Handler.
type Service struct {
	lookup   Lookup
	verifier *awsauth.Verifier
	log      io.Writer
	logMu    sync.Mutex
}

// New makes the STS endpoint.
func New(o Options) (*Service, error) {
	if o.Region == "" || o.Credentials == nil {
		return nil, errors.New("sts: Options.Region and Options.Credentials are required")
	}
	if o.Log == nil {
		o.Log = io.Discard
	}
	lookup := o.Credentials
	s := &Service{lookup: lookup, log: o.Log}
	s.verifier = awsauth.New(serviceName, o.Region, o.Now, func(akid string) (awsauth.Credential, bool) {
		id, ok := lookup(akid)
		return id.Credential, ok
	})
	return s, nil
}

// Handles reports whether r is for STS: its credential scope says sts.
func (s *Service) Handles(r *http.Request) bool { return awsauth.ScopeService(r) == serviceName }

type callerIdentityResponse struct {
	XMLName xml.Name `xml:"GetCallerIdentityResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Result  struct {
		Arn     string `xml:"Arn"`
		UserID  string `xml:"UserId"`
		Account string `xml:"Account"`
	} `xml:"GetCallerIdentityResult"`
	RequestID string `xml:"ResponseMetadata>RequestId"`
}

type errorResponse struct {
	XMLName xml.Name `xml:"ErrorResponse"`
	Xmlns   string   `xml:"xmlns,attr"`
	Error   struct {
		Type    string `xml:"Type"`
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	} `xml:"Error"`
	RequestID string `xml:"RequestId"`
}

// stsError is a refusal in STS's words.
type stsError struct {
	status  int
	code    string
	message string
}

// refusal maps a signature failure onto STS's codes and statuses.
func refusal(f *awsauth.Failure) *stsError {
	switch f.Problem {
	case awsauth.Missing:
		return &stsError{http.StatusForbidden, "MissingAuthenticationToken", "Request is missing Authentication Token"}
	case awsauth.Incomplete:
		return &stsError{http.StatusBadRequest, "IncompleteSignature", f.Message}
	case awsauth.UnknownKey:
		return &stsError{http.StatusForbidden, "InvalidClientTokenId", f.Message}
	case awsauth.Expired:
		return &stsError{http.StatusBadRequest, "ExpiredToken", f.Message}
	}
	// BadScope and Mismatch: STS says SignatureDoesNotMatch for both.
	return &stsError{http.StatusForbidden, "SignatureDoesNotMatch", f.MismatchDetail()}
}

// ServeHTTP verifies the signature and answers the action.
func (s *Service) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := newRequestID()
	w.Header().Set("x-amzn-RequestId", reqID)
	action, e := s.serve(w, r, reqID)
	status, code := http.StatusOK, ""
	if e != nil {
		writeError(w, e, reqID)
		status, code = e.status, " "+e.code
	}
	s.logMu.Lock()
	if action == "" {
		action = "(no Action)"
	}
	fmt.Fprintf(s.log, "sts %s %s -> %d%s\n", r.Method, action, status, code)
	s.logMu.Unlock()
}

func (s *Service) serve(w http.ResponseWriter, r *http.Request, reqID string) (string, *stsError) {
	if r.Method != http.MethodPost && r.Method != http.MethodGet {
		return "", &stsError{http.StatusMethodNotAllowed, "InvalidAction", fmt.Sprintf("STS takes POST (a form) or GET (a query), not %s", r.Method)}
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBody))
	if err != nil {
		return "", &stsError{http.StatusRequestEntityTooLarge, "InvalidInput", fmt.Sprintf("request body over %d bytes: the STS emulator refuses it", maxBody)}
	}
	params, err := url.ParseQuery(r.URL.RawQuery)
	if err == nil && r.Method == http.MethodPost {
		var form url.Values
		form, err = url.ParseQuery(string(body))
		for k, v := range form {
			params[k] = append(params[k], v...)
		}
	}
	action, ver := params.Get("Action"), params.Get("Version")
	// The signature comes first, as in AWS: an unsigned call learns nothing.
	akid, f := s.verifier.Verify(r, body)
	switch {
	case f != nil:
		return action, refusal(f)
	case err != nil:
		return "", &stsError{http.StatusBadRequest, "MalformedQueryString", fmt.Sprintf("the form is not application/x-www-form-urlencoded: %v", err)}
	case action == "":
		return "", &stsError{http.StatusBadRequest, "MissingAction", "Missing Action"}
	case ver != version:
		return action, &stsError{http.StatusBadRequest, "InvalidAction", fmt.Sprintf("Could not find operation %s for version %s", action, ver)}
	case action != "GetCallerIdentity":
		return action, &stsError{http.StatusBadRequest, "InvalidAction", fmt.Sprintf("Could not find operation %s for version %s (the sigscope emulator answers only GetCallerIdentity)", action, ver)}
	}
	id, ok := s.lookup(akid)
	if !ok { // deleted between the check and now
		return action, refusal(&awsauth.Failure{Problem: awsauth.UnknownKey, Message: awsauth.MsgInvalidToken})
	}
	out := callerIdentityResponse{Xmlns: namespace, RequestID: reqID}
	out.Result.Arn, out.Result.UserID, out.Result.Account = id.Arn, id.UserID, id.Account
	writeXML(w, http.StatusOK, out)
	return action, nil
}

func writeError(w http.ResponseWriter, e *stsError, reqID string) {
	out := errorResponse{Xmlns: namespace, RequestID: reqID}
	out.Error.Type, out.Error.Code, out.Error.Message = "Sender", e.code, e.message
	writeXML(w, e.status, out)
}

func writeXML(w http.ResponseWriter, status int, v any) {
	data, err := xml.MarshalIndent(v, "", "  ")
	if err != nil {
		status = http.StatusInternalServerError
		data = []byte(`<ErrorResponse xmlns="` + namespace + `"><Error><Type>Receiver</Type><Code>InternalFailure</Code><Message>encode response</Message></Error></ErrorResponse>`)
	}
	w.Header().Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	w.Write(data)
	w.Write([]byte("\n"))
}

// newRequestID returns a random (version 4) UUID, as STS's RequestId.
func newRequestID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails (Go 1.24+ crashes instead)
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}
