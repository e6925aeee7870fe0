package cli

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/sigscope/sigscope/explain"
	"github.com/sigscope/sigscope/history"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/sign"
)

// historyAnswer reads the answer to explain from the history: the newest
// refusal (--last) or one entry (--history ID), with what was signed.
func historyAnswer(cmd *cobra.Command, f *explainFlags) (explain.Input, string, error) {
	s, err := openHistoryFor(true)
	if err != nil {
		return explain.Input{}, "", err
	}
	defer s.Close()
	var e *history.Entry
	if f.entryID != "" {
		e, err = getEntry(cmd.Context(), s, f.entryID)
	} else if e, err = s.Last(cmd.Context(), history.Filter{Status: "4xx"}); err != nil {
		err = withCode(ExitError, fmt.Errorf("no refused exchange in the history (%w): send the request first, or give the answer as a FILE", err))
	}
	if err != nil {
		return explain.Input{}, "", err
	}
	if e.Status == 0 {
		return explain.Input{}, "", withCode(ExitError, fmt.Errorf("history #%d got no answer (%s): there is nothing to explain", e.ID, e.Error))
	}
	in := explain.Input{Body: e.ResponseBody.Data, Status: e.Status, Received: e.Time, Trace: traceOf(e)}
	for _, h := range e.ResponseHeaders {
		switch {
		case in.Date == "" && strings.EqualFold(h.Name, "Date"):
			in.Date = h.Value
		case in.ErrorType == "" && strings.EqualFold(h.Name, "x-amzn-ErrorType"):
			in.ErrorType = h.Value
		}
	}
	// The request's name is the collection's, the reason phrase the server's.
	fmt.Fprintf(cmd.ErrOrStderr(), "explaining history #%d: %s %s\n", e.ID, termsafe.Line(e.Request), termsafe.Line(e.StatusText))
	return in, fmt.Sprintf("history #%d", e.ID), nil
}

// traceOf rebuilds what the history kept of a signature as a trace for
// the diagnosis: enough to compare line by line with the server's.
func traceOf(e *history.Entry) *sign.Trace {
	sg := e.Signing
	if sg == nil {
		return nil
	}
	sum := sha256.Sum256([]byte(sg.CanonicalRequest))
	mode := "header"
	if sg.Presigned {
		mode = "query"
	}
	tr := &sign.Trace{
		Mode: mode, Method: e.Method, AccessKeyID: sg.AccessKeyID, SignedHeaders: sg.SignedHeaders,
		CanonicalRequest: sg.CanonicalRequest, CanonicalRequestHash: hex.EncodeToString(sum[:]),
		Algorithm: sg.Algorithm, RequestDate: sg.RequestDate, CredentialScope: sg.Scope, StringToSign: sg.StringToSign,
	}
	tr.Payload.Hash = sg.PayloadHash
	return tr
}
