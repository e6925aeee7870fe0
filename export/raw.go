package export

import (
	"bytes"
	"fmt"

	"github.com/sigscope/sigscope/exchange"
	"github.com/sigscope/sigscope/internal/termsafe"
	"github.com/sigscope/sigscope/workbench"
)

// Raw is the signed request as the bytes sigscope writes on the wire:
// request line, Host, the headers, a blank line, the body. Unless
// showSecrets, the session token, tokens, API keys and cookie values are
// masked (in the head by header name and by value, in the body by value).
func Raw(p *exchange.Prepared, showSecrets bool) ([]byte, error) {
	if p == nil || len(p.Wire) == 0 {
		return nil, fmt.Errorf("export raw: no prepared request")
	}
	if showSecrets {
		return append([]byte(nil), p.Wire...), nil
	}
	m := workbench.NewRedactor(false, p, nil)
	head, body, _ := bytes.Cut(p.Wire, []byte("\r\n\r\n"))
	out := []byte(m.Text(string(head)))
	out = append(out, "\r\n\r\n"...)
	return append(out, m.Known(string(body))...), nil
}

// ForTerminal makes raw bytes readable and harmless on a terminal: line
// ends as plain newlines, every other control byte escaped.
func ForTerminal(raw []byte) string {
	return termsafe.Text(string(bytes.ReplaceAll(raw, []byte("\r\n"), []byte("\n"))))
}
