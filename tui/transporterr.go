package tui

import (
	"fmt"

	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/sign"
)

// transportWording is how the UI words a failure with no answer. The
// exchange's text is for the command line, where a cancel is Ctrl-C and
// the request's bytes are not on screen: in the UI a cancel is the user's
// own esc (its message, "context canceled (read tcp …: i/o timeout)",
// reads like a network fault), and a server that drops a request whose
// header holds a control byte is refusing the header, not HTTP/1.1.
func transportWording(e *exchange.TransportError, req *sign.Request) (msg, hint string) {
	msg, hint = e.Message, e.Hint
	switch e.Kind {
	case exchange.KindCanceled:
		return "cancelled (esc): the answer was not waited for", ""
	case exchange.KindProtocol, exchange.KindClosed:
		if name, b, ok := controlByteHeader(req); ok {
			hint = fmt.Sprintf("the header %s holds a control byte (0x%02x): servers refuse such a header or drop the connection; remove it (i edits the request)", name, b)
		}
	}
	return msg, hint
}

// controlByteHeader finds a header whose name or value holds a control
// byte other than a tab, which no HTTP/1.1 server accepts.
func controlByteHeader(req *sign.Request) (string, byte, bool) {
	if req == nil {
		return "", 0, false
	}
	for _, h := range req.Headers {
		for _, s := range []string{h.Name, h.Value} {
			for i := 0; i < len(s); i++ {
				if c := s[i]; (c < 0x20 && c != '\t') || c == 0x7f {
					return fmt.Sprintf("%q", h.Name), c, true
				}
			}
		}
	}
	return "", 0, false
}
