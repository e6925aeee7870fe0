package workbench

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/history"
)

// signatureLifetime is how long AWS accepts a header signature after its
// X-Amz-Date (the allowed clock skew).
const signatureLifetime = 15 * time.Minute

// amzDate is X-Amz-Date's layout.
const amzDate = "20060102T150405Z"

// Replay sends a history entry's request again. By default it is resolved
// and signed afresh, with today's credentials, in the entry's environment
// and auth mode. exact resends the very bytes that were sent: the history
// keeps no secret, so they are rebuilt (same signing time, same
// credentials and tokens, whose fingerprints must match the entry's) and
// sent only when they come out identical and the signature is still valid.
func (w *Workbench) Replay(ctx context.Context, e *history.Entry, exact bool, run Run) *Outcome {
	if e.Environment != "" {
		if err := w.SetEnvironment(e.Environment); err != nil {
			return &Outcome{Err: fmt.Errorf("replay #%d: %w", e.ID, err)}
		}
	}
	if run.Mode == "" {
		run.Mode = collections.AuthMode(e.Mode)
	}
	if run.Source == "" {
		run.Source = "replay"
	}
	if !exact {
		return w.Send(ctx, e.Request, run)
	}
	if e.Signing != nil {
		t, err := time.Parse(amzDate, e.Signing.RequestDate)
		if err != nil {
			return &Outcome{Err: fmt.Errorf("replay --exact #%d: its signing date %q cannot be read: %w", e.ID, e.Signing.RequestDate, err)}
		}
		if age := w.Env.now().Sub(t); age > signatureLifetime && !e.Signing.Presigned {
			return &Outcome{Err: fmt.Errorf("replay --exact #%d: signed at %s, %s ago; AWS accepts a signature for %s after its X-Amz-Date: replay without --exact to sign it afresh", e.ID, t.Format(time.RFC3339), age.Round(time.Second), signatureLifetime)}
		}
		run.Time = t
	}
	pv, err := w.Preview(ctx, e.Request, run)
	if err != nil {
		return &Outcome{Err: fmt.Errorf("replay --exact #%d: %w", e.ID, err)}
	}
	again := w.historyEntry(e.Request, run, &Outcome{Preview: pv})
	if diffs := exactDifferences(e, again); len(diffs) > 0 {
		return &Outcome{Err: fmt.Errorf("replay --exact #%d: the request cannot be rebuilt byte for byte: %s; replay without --exact to send it as the collection says today", e.ID, strings.Join(diffs, "; "))}
	}
	return w.SendPreview(ctx, pv, run)
}

// exactDifferences lists what differs between a recorded request and the
// same request prepared again; both are masked the same way, and the
// secrets compared by fingerprint.
func exactDifferences(old, now *history.Entry) []string {
	var out []string
	if old.Method != now.Method || old.URL != now.URL {
		out = append(out, fmt.Sprintf("the request line was %s %s and is now %s %s", old.Method, old.URL, now.Method, now.URL))
	}
	if old.RequestWireHead != now.RequestWireHead && old.URL == now.URL {
		out = append(out, "the headers differ (a cookie, a header of the collection, or a value from the environment changed)")
	}
	if string(old.RequestBody.Data) != string(now.RequestBody.Data) || old.RequestBody.Size != now.RequestBody.Size {
		out = append(out, "the body differs (a dynamic value such as {{$uuid}}, or an edit)")
	}
	if fingerprints(old, "cookie") != fingerprints(now, "cookie") {
		out = append(out, "the cookies sent are not the same")
	}
	if fingerprints(old, "") != fingerprints(now, "") {
		out = append(out, "the credentials or tokens are not the ones recorded (a new login or new session credentials)")
	}
	if old.Signing != nil && now.Signing != nil && old.Signing.Signature != now.Signing.Signature && len(out) == 0 {
		out = append(out, "the signature differs: the secret key is not the one that signed")
	}
	return out
}

// fingerprints lists the fingerprints of an entry's secrets of one kind
// ("" every kind but cookies), sorted, as one string to compare.
func fingerprints(e *history.Entry, kind string) string {
	var fs []string
	for _, s := range e.Secrets {
		// What the answer held (cookies, credentials in its body or
		// headers) is no part of the request rebuilt.
		fromAnswer := s.Kind == "cookie" || strings.HasPrefix(s.Kind, "response_")
		if (kind == "" && !fromAnswer) || s.Kind == kind {
			fs = append(fs, s.Kind+"="+s.Fingerprint)
		}
	}
	slices.Sort(fs)
	return strings.Join(fs, ",")
}

// ReplayChanges says where replaying e from this collection would depart
// from where e was recorded: another collection file (history names a
// collection by its name: field, which two files may share), another
// host (the request resolved today, in e's environment, points
// elsewhere). A replay sends the request, signed with this session's
// credentials, wherever this collection says: a face asks before it does
// when the list is not empty. It reads the file system (are the two
// paths one file?).
func (w *Workbench) ReplayChanges(e *history.Entry) []string {
	var out []string
	if e.CollectionPath != "" && !sameFile(e.CollectionPath, w.Coll.Path) {
		out = append(out, fmt.Sprintf("it was recorded from %s, and this collection is %s (both are named %q)", e.CollectionPath, w.Coll.Path, e.Collection))
	}
	then := hostOf(e.URL)
	env := w.Environment()
	if e.Environment != "" && contains(w.Coll.Environments(), e.Environment) {
		env = e.Environment
	}
	w.doc.RLock()
	rr, err := w.Coll.Resolve(e.Request, env, w.Vars(), w.Env.lookup)
	w.doc.RUnlock()
	switch {
	case err != nil:
		out = append(out, fmt.Sprintf("where it would go now is unknown: %v", err))
	case then != "":
		if now := hostOf(rr.URL); now != "" && !strings.EqualFold(now, then) {
			out = append(out, fmt.Sprintf("it was sent to %s, and would now go to %s", then, now))
		}
	}
	return out
}

// sameFile reports whether two collection paths name one file: the same
// path, or (both still there) the same file by another name.
func sameFile(a, b string) bool {
	if filepath.Clean(a) == filepath.Clean(b) {
		return true
	}
	if aa, err := filepath.Abs(a); err == nil {
		if bb, err := filepath.Abs(b); err == nil && aa == bb {
			return true
		}
	}
	fa, errA := os.Stat(a)
	fb, errB := os.Stat(b)
	return errA == nil && errB == nil && os.SameFile(fa, fb)
}

// hostOf is a URL's host and port, "" when it has none.
func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return u.Host
}
