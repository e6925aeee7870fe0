package workbench

import (
	"slices"

	"github.com/sigscope/sigscope/exchange"
)

// SecretEnvNames maps each secret of a prepared request that came from a
// variable the collection declares to that variable's name: an exported
// command then reads "$NAME" instead of holding the value, secret-free
// and still runnable in the same shell.
func (w *Workbench) SecretEnvNames(p *exchange.Prepared) map[string]string {
	out := map[string]string{}
	for _, name := range w.Coll.Variables() {
		v, ok := w.Env.lookup(name)
		if !ok || v == "" || !slices.Contains(p.Secrets, v) {
			continue
		}
		if _, dup := out[v]; !dup {
			out[v] = name
		}
	}
	return out
}
