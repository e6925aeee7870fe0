// Package exchange turns a resolved collection request into the exact bytes
// that go on the wire, sends them and captures the answer.
//
// What is signed is what is sent, byte for byte: the path and query are
// built once in wire form (ParseURL, EncodeQuery), signed in that form by
// package sign, and written by this package's own small HTTP/1.1 client over
// net.Dial and tls.Client, so nothing re-encodes them on the way. The answer
// is read with net/http's framing (Content-Length, chunked, read to close)
// after the status line and headers have been read here in the order
// received.
//
// Choices worth knowing:
//   - No header is added that the request did not ask for, apart from Host,
//     Content-Length (a body, or POST/PUT/PATCH), User-Agent (never signed
//     by SigV4), what the signer adds, and the jar's Cookie header. In
//     particular no Accept-Encoding: gzip and deflate answers are decoded
//     when a request asks for them, and the result says so.
//   - The Cookie header is added before signing, so the signature covers
//     exactly what is sent. AWS accepts a signed Cookie header; a proxy that
//     filters cookies (a CloudFront cache policy) would then break the
//     signature, which the mismatch diagnosis points at.
//   - Redirects are followed only when asked, for GET and HEAD, up to 10
//     hops. A hop to the same host is re-signed; a hop to another host is
//     sent without credentials, never re-signed.
//   - Transport failures (DNS, refused, timeout, TLS, closed connection,
//     not HTTP) come back in Result.Err with a kind and a hint, never as a
//     panic or a bare error.
//   - A body larger than Options.MemoryLimit (8 MiB) is spooled to a
//     temporary file with mode 0600; Result.Close removes it.
package exchange
