// Package explain reads what AWS answers when it refuses a SigV4 signature
// and says why: which of AWS's formats the answer came in, what kind of
// refusal it is, where the canonical request or string to sign that the
// server computed differs from what was signed, and the likely causes in
// order, each with the line of the answer or the request that points to
// it, and a fix.
//
// It is the one engine behind send's diagnosis, the terminal UI's diff and
// the explain command. It imports only sign and the standard library, and
// the module's internal secret and termsafe to mask and escape what it
// quotes.
//
// Parse reads a body alone. Explain adds what else is known (the trace of
// what was signed, the request as sent, the status, the server's Date).
// The classic causes are Rules, tests over an Evidence (NewEvidence) that
// each quote the line that triggered them: Check runs them all, Explain
// ranks what they find. A trace rebuilt from the request's own bytes
// (Recompute) is what the server computed, not what the client signed:
// then the rules try the ways known clients sign those bytes instead of
// concluding that only the key can differ.
package explain
