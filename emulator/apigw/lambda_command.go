package apigw

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strings"
	"time"
)

// A Lambda authorizer may be a local command named in the EMULATOR's
// config (never in a collection: a collection only sends requests, and
// nothing in a request can name or change a command). The command runs
// without a shell, with the authorizer event on stdin, and prints the
// authorizer's response on stdout, as AWS documents both ("Input to an API
// Gateway Lambda authorizer", "Output from an API Gateway Lambda
// authorizer"). Printing "Unauthorized" is the Lambda raising
// Unauthorized (401); a timeout, a non-zero exit or an output API Gateway
// cannot use is 500 AuthorizerConfigurationException.

const (
	defaultCommandTimeout = 10 * time.Second
	maxCommandTimeout     = 30 * time.Second // a Lambda authorizer's limit
	maxCommandOutput      = 1 << 20
)

// errRaisedUnauthorized is the command printing "Unauthorized".
var errRaisedUnauthorized = errors.New(`the authorizer printed "Unauthorized"`)

// commandEvent is the event a TOKEN or REQUEST authorizer receives.
func (g *Gateway) commandEvent(la *lambdaAuthorizer, value string, r *http.Request, rc *reqCtx) map[string]any {
	arn := g.requestARN(r, rc)
	if la.Type == "TOKEN" {
		return map[string]any{"type": "TOKEN", "authorizationToken": value, "methodArn": arn}
	}
	_, rest := splitStage(serverPath(r))
	headers, multiHeaders := map[string]string{}, map[string][]string{}
	for k, vs := range r.Header {
		for _, v := range vs {
			headers[k] = v
			multiHeaders[k] = append(multiHeaders[k], v)
		}
	}
	headers["Host"], multiHeaders["Host"] = r.Host, []string{r.Host}
	query, multiQuery := map[string]string{}, map[string][]string{}
	for k, vs := range r.URL.Query() {
		if len(vs) > 0 {
			query[k] = vs[len(vs)-1]
			multiQuery[k] = vs
		}
	}
	params := map[string]string{}
	for k, v := range rc.match.params {
		params[k] = v
	}
	rt := rc.match.route
	return map[string]any{
		"type":                            "REQUEST",
		"methodArn":                       arn,
		"resource":                        rt.Path,
		"path":                            rest,
		"httpMethod":                      r.Method,
		"headers":                         headers,
		"multiValueHeaders":               multiHeaders,
		"queryStringParameters":           query,
		"multiValueQueryStringParameters": multiQuery,
		"pathParameters":                  params,
		"stageVariables":                  map[string]string{},
		"requestContext": map[string]any{
			"path":         serverPath(r),
			"accountId":    g.deps.AccountID,
			"stage":        rc.stage,
			"requestId":    rc.requestID,
			"identity":     map[string]any{"sourceIp": remoteIP(r), "userAgent": r.UserAgent()},
			"resourcePath": rt.Path,
			"httpMethod":   r.Method,
			"apiId":        g.cfg.ID,
		},
	}
}

// runCommand runs the authorizer's command on event and reads its output.
func (la *lambdaAuthorizer) runCommand(ctx context.Context, event map[string]any) (authorizerOutput, error) {
	in, err := json.Marshal(event)
	if err != nil {
		return authorizerOutput{}, fmt.Errorf("encode the event: %w", err)
	}
	timeout := defaultCommandTimeout
	if la.Timeout != nil {
		timeout = time.Duration(*la.Timeout)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, la.Command[0], la.Command[1:]...)
	cmd.Stdin = bytes.NewReader(in)
	cmd.Env = append(os.Environ(), "AWS_LAMBDA_FUNCTION_NAME="+la.Name)
	var out, errOut limitedBuffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	// A child that keeps stdout open must not hold the request forever.
	cmd.WaitDelay = time.Second
	err = cmd.Run()
	switch {
	case ctx.Err() == context.DeadlineExceeded:
		return authorizerOutput{}, fmt.Errorf("the command %s did not answer within %s (timeout)", la.Command[0], timeout)
	case err != nil:
		return authorizerOutput{}, fmt.Errorf("the command %s failed: %v; stderr: %q", la.Command[0], err, firstLine(errOut.String()))
	case out.cut:
		return authorizerOutput{}, fmt.Errorf("the command %s printed more than %d bytes", la.Command[0], maxCommandOutput)
	}
	text := strings.TrimSpace(out.String())
	if text == "Unauthorized" || text == `"Unauthorized"` {
		return authorizerOutput{}, errRaisedUnauthorized
	}
	return parseAuthorizerResponse([]byte(text))
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(strings.TrimSpace(s), "\n")
	if len(s) > 200 {
		s = s[:200] + "…"
	}
	return s
}

// limitedBuffer keeps the first maxCommandOutput bytes written to it.
type limitedBuffer struct {
	bytes.Buffer
	cut bool
}

func (b *limitedBuffer) Write(p []byte) (int, error) {
	if room := maxCommandOutput - b.Len(); len(p) > room {
		b.cut = true
		if room > 0 {
			b.Buffer.Write(p[:room])
		}
		return len(p), nil
	}
	return b.Buffer.Write(p)
}

var _ io.Writer = (*limitedBuffer)(nil)
