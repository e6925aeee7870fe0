// Package explain reads what AWS answers when it refuses a SigV4 signature
// and says why: which of AWS's formats the answer came in, what kind of
// refusal it is, where the canonical request or string to sign that the
// server computed differs from what was signed, and, when the server did
// not say what it computed, the likely causes in order, each with a fix.
//
// It is the one engine behind send's diagnosis, the terminal UI's diff and
// the explain command. It imports only sign and the standard library.
//
// Parse reads a body alone. Explain adds what else is known (the trace of
// what was signed, the request as sent, the status, the server's Date).
package explain
