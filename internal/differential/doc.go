// Package differential holds sigscope's differential test: well-known
// SigV4 signers (curl, botocore, aws4, @smithy/signature-v4,
// aws-sdk-go-v2 and sigscope itself) sign a corpus of tricky requests and
// send them through a capturing relay to the emulator; a reference that
// shares no code with sign/ computes, from the exact bytes sent, whether
// AWS would accept each signature; and every judge sigscope has (the
// emulator, verify, compare, explain) must agree with it.
//
// The package has no code of its own: everything is in its tests, the
// corpus in testdata/corpus.json and the table they print in
// testdata/table.txt (go test ./internal/differential -run Differential -update).
package differential
