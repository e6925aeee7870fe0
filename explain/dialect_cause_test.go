package explain

import "testing"

// TestDialectCauseFollowsTheLine: a signer's rule is named by the line it
// makes differ. curl leaves a '+' raw in the path (/pets/a+b, no query):
// that is the path's encoding, not the query's.
func TestDialectCauseFollowsTheLine(t *testing.T) {
	in := clientRefusal(t, apiRequest("GET", "/prod/pets/a+b", ""), nil, apiOptions)
	d, _ := Explain(in)
	if c := d.Causes[0]; c.ID != CausePath {
		t.Errorf("first cause %s %q; all %v", c.ID, c.Evidence, causeIDs(d.Causes))
	}
	if got := dialectCause("canonical query string", "plus-left-unencoded"); got != CauseQuery {
		t.Errorf("the same rule on the query line: %s", got)
	}
}
