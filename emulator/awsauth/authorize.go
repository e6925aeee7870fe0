package awsauth

import (
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	"github.com/sigscope/sigscope/emulator/iampolicy"
)

// A verified caller of a service other than API Gateway (Cognito's
// Admin* operations) is then judged by its identity policies, as IAM
// judges it: an explicit Deny wins, else an Allow, else an implicit
// deny. A caller configured without policies may call everything, as the
// emulator's users could before policies existed. (STS GetCallerIdentity
// needs no permission in AWS, so nothing judges it.)

// Denial is a refused action, in the words AWS's newer services use.
type Denial struct {
	Message string // User: … is not authorized to perform: … because …
	Reason  string // the statement that denied, or that none allowed
}

// Authorize judges cred's call of action on resource (an ARN). It is nil
// when the call is allowed.
func Authorize(cred Credential, action, resource string, r *http.Request, now time.Time) *Denial {
	if !cred.Restricted {
		return nil
	}
	ctx := iampolicy.Context{}
	ctx.Set("aws:CurrentTime", now.UTC().Format("2006-01-02T15:04:05Z"))
	ctx.Set("aws:EpochTime", strconv.FormatInt(now.Unix(), 10))
	ctx.Set("aws:SecureTransport", strconv.FormatBool(r.TLS != nil))
	if host, _, err := net.SplitHostPort(r.RemoteAddr); err == nil {
		ctx.Set("aws:SourceIp", host)
	}
	if ua := r.UserAgent(); ua != "" {
		ctx.Set("aws:UserAgent", ua)
	}
	res := iampolicy.Authorize(iampolicy.Input{
		Request:  iampolicy.Request{Principal: cred.Principal, Action: action, Resource: resource, Context: ctx},
		Identity: cred.Policies, ResourceAccount: cred.Principal.Account,
	})
	switch res.Decision {
	case iampolicy.Allowed:
		return nil
	case iampolicy.ExplicitDeny:
		return &Denial{Message: fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s with an explicit deny in an identity-based policy", cred.Principal.ARN, action, resource), Reason: res.Reason}
	}
	return &Denial{Message: fmt.Sprintf("User: %s is not authorized to perform: %s on resource: %s because no identity-based policy allows the %s action", cred.Principal.ARN, action, resource, action), Reason: res.Reason}
}
