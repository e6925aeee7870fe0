package emulator

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"time"
)

// loopbackPKI is the emulator's TLS material: a CA made at start and the
// server certificate it signed. The CA key lives in memory only.
type loopbackPKI struct {
	cert   tls.Certificate // the server's chain and key
	caPEM  []byte          // the CA certificate, for curl --cacert or AWS_CA_BUNDLE
	caCert *x509.Certificate
	caKey  *ecdsa.PrivateKey
}

// The names the CA may sign for (RFC 5280 name constraints, critical): a
// CA file that leaks, or that a client trusts for too long, cannot vouch
// for any host but this machine's loopback.
var (
	permittedDNS = []string{"localhost"}
	permittedIPs = []*net.IPNet{
		{IP: net.IPv4(127, 0, 0, 0).To4(), Mask: net.CIDRMask(8, 32)},
		{IP: net.IPv6loopback, Mask: net.CIDRMask(128, 128)},
	}
)

// newPKI makes the TLS material; tests replace it to see the CA key.
var newPKI = newLoopbackPKI

// newLoopbackPKI makes, in memory, a CA constrained to loopback names and
// a server certificate it signs for 127.0.0.1, ::1 and localhost. A new CA
// per start means no key ever lives on disk.
func newLoopbackPKI(now time.Time) (*loopbackPKI, error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	notBefore := now.Add(-time.Hour)
	notAfter := now.Add(30 * 24 * time.Hour)
	caTmpl := &x509.Certificate{
		SerialNumber:                randomSerial(),
		Subject:                     pkix.Name{CommonName: "sigscope emulator local CA", Organization: []string{"sigscope"}},
		NotBefore:                   notBefore,
		NotAfter:                    notAfter,
		KeyUsage:                    x509.KeyUsageCertSign | x509.KeyUsageCRLSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid:       true,
		IsCA:                        true,
		MaxPathLenZero:              true,
		PermittedDNSDomainsCritical: true,
		PermittedDNSDomains:         permittedDNS,
		PermittedIPRanges:           permittedIPs,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	caCert, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: randomSerial(),
		Subject:      pkix.Name{CommonName: "localhost", Organization: []string{"sigscope"}},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{"localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1), net.IPv6loopback},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, caCert, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, err
	}
	return &loopbackPKI{
		cert:   tls.Certificate{Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey},
		caPEM:  pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER}),
		caCert: caCert,
		caKey:  caKey,
	}, nil
}

func randomSerial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return big.NewInt(time.Now().UnixNano())
	}
	return n
}
