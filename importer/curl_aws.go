package importer

import (
	"fmt"
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// sigv4 maps --aws-sigv4 with -u KEY:SECRET (and an x-amz-security-token
// header) to an IAM auth block and a static profile that reads the keys
// from environment variables: the variables the command used, or the AWS
// ones. Literal keys are never written. It reports whether the request is
// signed.
func (imp *curlImport) sigv4(cc *curlCmd, r *Request, rawURL, where string) bool {
	if len(cc.sigv4) == 0 {
		return false
	}
	c := imp.c
	spec, lit := cc.sigv4.lit()
	if !lit {
		c.Note(where, "--aws-sigv4 from a variable: region and service taken from the host")
	}
	parts := strings.Split(spec, ":")
	region, service := "", ""
	if len(parts) >= 3 {
		region = parts[2]
	}
	if len(parts) >= 4 {
		service = parts[3]
	}
	if len(parts) > 0 && parts[0] != "aws" && lit {
		c.Note(where, "--aws-sigv4 provider %q: sigscope signs as AWS (AWS4-HMAC-SHA256)", parts[0])
	}
	if region == "" || service == "" {
		host := rawURL
		if i := strings.Index(host, "://"); i >= 0 {
			host = host[i+3:]
		}
		host = strings.SplitN(strings.SplitN(host, "/", 2)[0], ":", 2)[0]
		hs, hr := awsHostScope(host)
		if service == "" {
			service = hs
		}
		if region == "" {
			region = hr
		}
		if service == "" || region == "" {
			c.Note(where, "--aws-sigv4 %q names no region or service and the host does not say: set auth.region and auth.service", spec)
		}
	}

	accessEnv, secretEnv := "AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"
	if len(cc.user) > 0 {
		k, s, _ := cc.user.cut(":")
		if v := k.single(); v != "" {
			accessEnv = v
		} else if len(k) > 0 {
			c.Note(where, "the access key of -u was written literally: left out, read from %s instead", accessEnv)
		}
		if v := s.single(); v != "" {
			secretEnv = v
		} else if len(s) > 0 {
			c.Note(where, "the secret key of -u was written literally: left out, read from %s instead", secretEnv)
		}
	} else {
		c.Note(where, "--aws-sigv4 without -u: the keys are read from %s and %s", accessEnv, secretEnv)
	}
	sessionEnv := ""
	for _, h := range cc.headers {
		if strings.EqualFold(h.name, "x-amz-security-token") {
			sessionEnv = "AWS_SESSION_TOKEN"
			if v := h.value.single(); v != "" {
				sessionEnv = v
			} else {
				c.Note(where, "the x-amz-security-token value was written literally: left out, read from %s instead", sessionEnv)
			}
		}
	}
	// The variables now name credentials read by the profile: they need
	// no declaration of their own.
	accessEnv, secretEnv, sessionEnv = c.KeyEnvs(where, accessEnv, secretEnv, sessionEnv, [3]string{"AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"})
	r.Auth = &Auth{Mode: "iam", Profile: imp.keysProfile(accessEnv, secretEnv, sessionEnv), Service: service, Region: region}
	if service == "s3" {
		r.Auth.S3 = true
	}
	return true
}

// keysProfile reuses a static profile reading the same variables, or adds
// one ("keys", "keys-2"...).
func (imp *curlImport) keysProfile(accessEnv, secretEnv, sessionEnv string) string {
	want := []KV{{Key: "access_key_id_env", Value: accessEnv}, {Key: "secret_access_key_env", Value: secretEnv}}
	if sessionEnv != "" {
		want = append(want, KV{Key: "session_token_env", Value: sessionEnv})
	}
	n := 0
	for _, p := range imp.c.Profiles {
		if p.Type != "static" {
			continue
		}
		n++
		if len(p.Fields) == len(want) {
			same := true
			for i := range want {
				same = same && p.Fields[i].Key == want[i].Key && p.Fields[i].Value == want[i].Value
			}
			if same {
				return p.Name
			}
		}
	}
	name := "keys"
	if n > 0 {
		name = fmt.Sprintf("keys-%d", n+1)
	}
	return imp.c.StaticProfile(name, accessEnv, secretEnv, sessionEnv, "")
}

var awsRegionRE = lazyre.New(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$`)

// awsHostScope reads the service and region from an AWS host name, as curl
// does when --aws-sigv4 leaves them out: API Gateway
// (ID.execute-api.REGION.amazonaws.com), most services
// (SERVICE.REGION.amazonaws.com), S3 (BUCKET.s3.REGION... and the global
// s3.amazonaws.com), OpenSearch (DOMAIN.REGION.es.amazonaws.com), Lambda
// function URLs and VPC Lattice (....SERVICE.REGION.on.aws).
func awsHostScope(host string) (service, region string) {
	host = strings.ToLower(host)
	var rest string
	switch {
	case strings.HasSuffix(host, ".amazonaws.com"):
		rest = strings.TrimSuffix(host, ".amazonaws.com")
	case strings.HasSuffix(host, ".amazonaws.com.cn"):
		rest = strings.TrimSuffix(host, ".amazonaws.com.cn")
	case strings.HasSuffix(host, ".on.aws"):
		rest = strings.TrimSuffix(host, ".on.aws")
	default:
		return "", ""
	}
	labels := strings.Split(rest, ".")
	for i, l := range labels {
		if !awsRegionRE.MatchString(l) {
			continue
		}
		region = l
		switch {
		case i+1 < len(labels):
			service = labels[i+1] // DOMAIN.REGION.es
		case i > 0:
			service = labels[i-1]
		}
		break
	}
	if region == "" && len(labels) > 0 {
		// Global endpoints: s3.amazonaws.com, iam.amazonaws.com.
		service, region = labels[len(labels)-1], "us-east-1"
	}
	if strings.HasPrefix(service, "s3") {
		service = "s3" // s3, s3-accelerate, s3-website...
	}
	if service == "lambda-url" {
		service = "lambda"
	}
	return service, region
}
