// Package cabundle reads a PEM file of extra trusted CAs (the emulator's
// --tls CA, a company proxy's) into a pool beside the system's, for every
// TLS client sigscope has: sends, Cognito logins, refreshes.
package cabundle

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net/http"
	"os"
)

// EnvVar is where the AWS CLI and SDKs look for a CA bundle; sigscope
// honours it too when no --ca-file is given.
const EnvVar = "AWS_CA_BUNDLE"

// Pool is the system's CAs plus those in file; nil when file is "" (the
// system's alone).
func Pool(file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, fmt.Errorf("read CA file: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("CA file %s: no PEM certificate in it", file)
	}
	return pool, nil
}

// Client is an HTTP client that trusts file's CAs besides the system's;
// http.DefaultClient when file is "".
func Client(file string) (*http.Client, error) {
	pool, err := Pool(file)
	if err != nil || pool == nil {
		return http.DefaultClient, err
	}
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.TLSClientConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	return &http.Client{Transport: t}, nil
}
