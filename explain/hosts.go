package explain

import (
	"slices"
	"strings"

	"github.com/sigscope/sigscope/internal/lazyre"
)

// proxyHeader reports the headers proxies and load balancers add or
// rewrite.
func proxyHeader(name string) bool {
	return strings.HasPrefix(name, "x-forwarded-") || strings.HasPrefix(name, "cf-") || strings.HasPrefix(name, "x-envoy-") ||
		slices.Contains([]string{"via", "forwarded", "x-real-ip", "cdn-loop", "x-amzn-trace-id", "true-client-ip", "x-request-id"}, name)
}

// amzDate is X-Amz-Date's layout.
const amzDate = "20060102T150405Z"

var (
	amzDateRE     = lazyre.New(`^\d{8}T\d{6}Z$`)
	regionLabelRE = lazyre.New(`^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$`)
	serviceAfter  = map[string]string{"es": "es", "aoss": "aoss", "queue": "sqs"}
	serviceAlias  = map[string]string{"lambda-url": "lambda", "bedrock-runtime": "bedrock", "bedrock-agent-runtime": "bedrock", "queue": "sqs", "email": "ses", "runtime": "sagemaker"}
	globalHosts   = map[string]string{"sts.amazonaws.com": "sts", "iam.amazonaws.com": "iam", "s3.amazonaws.com": "s3", "route53.amazonaws.com": "route53", "cloudfront.amazonaws.com": "cloudfront", "queue.amazonaws.com": "sqs"}
)

// hostScope guesses the region and signing service from an AWS host name;
// ok is false for custom domains.
func hostScope(host string) (region, service string, global, ok bool) {
	host = strings.ToLower(host)
	if h, _, found := strings.Cut(host, ":"); found {
		host = h
	}
	if s, found := globalHosts[host]; found {
		return "us-east-1", s, true, true
	}
	if !strings.HasSuffix(host, ".amazonaws.com") && !strings.HasSuffix(host, ".on.aws") && !strings.HasSuffix(host, ".amazonaws.com.cn") {
		return "", "", false, false
	}
	labels := strings.Split(host, ".")
	for i, l := range labels {
		if !regionLabelRE.MatchString(l) {
			continue
		}
		region = l
		if i+1 < len(labels) {
			if s, found := serviceAfter[labels[i+1]]; found {
				return region, s, false, true
			}
		}
		if i > 0 {
			service = labels[i-1]
			if s, found := serviceAlias[service]; found {
				service = s
			}
			if strings.HasPrefix(labels[i-1], "s3") {
				service = "s3"
			}
		}
		return region, service, false, service != ""
	}
	if len(labels) >= 3 && labels[len(labels)-3] == "s3" {
		return "us-east-1", "s3", true, true
	}
	return "", "", false, false
}

// optInRegions must be enabled for an account before use; the global STS
// endpoint's version 1 session tokens are not valid there.
var optInRegions = map[string]bool{
	"af-south-1": true, "ap-east-1": true, "ap-east-2": true, "ap-south-2": true, "ap-southeast-3": true, "ap-southeast-4": true,
	"ap-southeast-5": true, "ap-southeast-7": true, "ca-west-1": true, "eu-central-2": true, "eu-south-1": true,
	"eu-south-2": true, "il-central-1": true, "me-central-1": true, "me-south-1": true, "mx-central-1": true,
}
