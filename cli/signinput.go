package cli

import (
	"fmt"
	"time"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/auth"
	"github.com/sigscope/sigscope/capture"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/rawhttp"
	"github.com/sigscope/sigscope/sign"
)

// requestInput is what sign, verify and compare read, all three the same
// way: a request from a file or standard input, and the options and
// credentials to sign or check it with, from the flags they share.
type requestInput struct {
	name     string // the file, or "standard input"
	req      *sign.Request
	capture  *capture.Capture // when read as a capture (verify)
	warnings []string         // what reading the request noticed
	opts     sign.Options
}

// credentialNeed is how much of the credentials a command needs.
type credentialNeed int

const (
	needKeys   credentialNeed = iota // sign: an access key id and its secret
	needSecret                       // verify: the secret; the key id may come from the request
	needNone                         // compare: none; no source of credentials is asked
)

// inputForm says how to read the request and what it needs.
type inputForm struct {
	captured bool // any form people capture (HAR, devtools, curl -v, a URL), not raw HTTP only
	entry    int  // a HAR's entry, when captured
	creds    credentialNeed
	// check, when set, refuses or rewrites the request before any source
	// of credentials is asked.
	check func(name string, r *sign.Request) (*sign.Request, error)
}

// readRequestInput reads the request named by file and the options the
// flags give, with the credentials form needs.
func readRequestInput(cmd *cobra.Command, f *signFlags, file string, form inputForm) (*requestInput, error) {
	data, name, err := readRequest(cmd.InOrStdin(), file)
	if err != nil {
		return nil, err
	}
	in := &requestInput{name: name}
	if form.captured {
		c, err := capture.Parse(data, capture.Options{Entry: form.entry})
		if err != nil {
			return nil, fmt.Errorf("%s: %s", name, termsafe.Text(err.Error()))
		}
		in.capture, in.req, in.warnings = c, c.Request, c.Warnings
	} else {
		raw, err := rawhttp.Parse(data)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if in.req, err = sign.FromRaw(raw, f.scheme); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		in.warnings = raw.Warnings()
	}
	if form.check != nil {
		if in.req, err = form.check(name, in.req); err != nil {
			return nil, err
		}
	}
	if in.opts, err = flagOptions(cmd, f); err != nil {
		return nil, err
	}
	if err := in.readCredentials(cmd, f, form.creds); err != nil {
		return nil, err
	}
	return in, nil
}

// flagOptions are the scope, modes and time the flags give, without
// credentials.
func flagOptions(cmd *cobra.Command, f *signFlags) (sign.Options, error) {
	if (f.presign || cmd.Flags().Changed("expires")) && (f.expires <= 0 || f.expires > 604800) {
		return sign.Options{}, withCode(ExitUsage, fmt.Errorf("--expires %d: a presigned URL lives from 1 second to 7 days (604800 seconds)", f.expires))
	}
	alg, err := sign.ParseAlgorithm(f.algorithm)
	if err != nil {
		return sign.Options{}, withCode(ExitUsage, fmt.Errorf("--algorithm: %w", err))
	}
	regionSet, err := sign.ParseRegionSet(f.regionSet)
	if err != nil {
		return sign.Options{}, withCode(ExitUsage, fmt.Errorf("--region-set: %w", err))
	}
	if len(regionSet) > 0 && alg != sign.SigV4a {
		return sign.Options{}, withCode(ExitUsage, fmt.Errorf("--region-set is for SigV4a: add --algorithm sigv4a, or sign for one --region"))
	}
	opts := sign.Options{
		Algorithm: alg, RegionSet: regionSet,
		Region: f.region, Service: f.service,
		Presign: f.presign, S3: f.s3, UnsignedPayload: f.unsignedPayload, SignBody: f.signBody,
		OmitSessionToken: f.omitSessionToken, DisableHeaderHoisting: f.noHoisting,
	}
	if cmd.Flags().Changed("expires") {
		// Otherwise the default, or a presigned request's own X-Amz-Expires.
		opts.Expires = time.Duration(f.expires) * time.Second
	}
	if cmd.Flags().Changed("normalize-path") {
		opts.NormalizePath = sign.NormalizeOff
		if f.normalizePath {
			opts.NormalizePath = sign.NormalizeOn
		}
	}
	if f.at != "" {
		t, err := parseSigningTime(f.at)
		if err != nil {
			return opts, withCode(ExitUsage, err)
		}
		opts.Time = t
	}
	return opts, nil
}

// readCredentials fills in the keys: from the flags, else the standard
// AWS environment and shared config. Verify's --secret-key alone takes
// the key id from the request; sign takes its region from the profile or
// the environment when --region is not given.
func (in *requestInput) readCredentials(cmd *cobra.Command, f *signFlags, need credentialNeed) error {
	o := &in.opts
	switch {
	case need == needNone:
		return nil
	case need == needSecret && f.secretKey != "" && f.accessKey == "":
		o.Credentials = sign.Credentials{SecretAccessKey: f.secretKey, SessionToken: f.sessionToken}
		return nil
	case f.accessKey != "" || f.secretKey != "":
		if f.accessKey == "" || f.secretKey == "" {
			return withCode(ExitUsage, fmt.Errorf("--access-key and --secret-key go together"))
		}
		o.Credentials = sign.Credentials{AccessKeyID: f.accessKey, SecretAccessKey: f.secretKey, SessionToken: f.sessionToken}
	default:
		creds, region, err := auth.ProfileCredentials(cmd.Context(), f.profile)
		if err != nil {
			return err
		}
		o.Credentials = sign.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey, SessionToken: creds.SessionToken}
		if f.sessionToken != "" {
			o.Credentials.SessionToken = f.sessionToken
		}
		if need == needKeys && o.Region == "" {
			o.Region = region
		}
	}
	if need == needKeys && o.Region == "" {
		o.Region = firstEnv("AWS_REGION", "AWS_DEFAULT_REGION")
	}
	if need == needSecret && o.Credentials.SecretAccessKey == "" {
		return fmt.Errorf("no secret access key: pass --secret-key, set AWS_SECRET_ACCESS_KEY, or choose a --profile")
	}
	return nil
}
