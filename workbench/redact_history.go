package workbench

import "github.com/sigscope/sigscope/history"

// ScrubEntry masks, in an entry read from the history, the credential
// fields an older sigscope kept in clear (a Cognito answer's tokens, a
// token endpoint's form, XML credentials), so that what history show,
// diff and export print is masked whenever it was recorded. Masking by
// name is all it can do: a secret kept in clear without its name (in a
// URL path, say) is not recognisable any more; `history clear` removes
// it. An entry recorded today comes out unchanged, so replay --exact
// compares the same text.
func ScrubEntry(e *history.Entry) {
	e.URL = maskFields(e.URL)
	e.RequestWireHead = maskFields(e.RequestWireHead)
	for _, b := range []*history.Body{&e.RequestBody, &e.ResponseBody} {
		if !b.Binary && len(b.Data) > 0 {
			b.Data = []byte(maskFields(string(b.Data)))
		}
	}
	if e.Signing != nil {
		e.Signing.CanonicalRequest = maskFields(e.Signing.CanonicalRequest)
	}
	e.Error, e.Diagnosis = maskFields(e.Error), maskFields(e.Diagnosis)
	for i, w := range e.Warnings {
		e.Warnings[i] = maskFields(w)
	}
}
