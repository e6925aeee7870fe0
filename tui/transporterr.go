package tui

import "github.com/sigscope/sigscope/exchange"

// transportWording is how the UI words a failure with no answer. The
// exchange's text is for the command line, where a cancel is Ctrl-C: in
// the UI a cancel is the user's own esc.
func transportWording(e *exchange.TransportError) (msg, hint string) {
	if e.Kind == exchange.KindCanceled {
		return "cancelled (esc): the answer was not waited for", ""
	}
	return e.Message, e.Hint
}
