package bodyview

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"sync"
	"time"

	"github.com/itchyny/gojq"
)

// Limits of a jq run. SetFilter runs in Update, so a filter that loops
// (repeat(1), range(1e18)) must not hang the UI, and one that explodes
// (.[] as $x | .[]) must not eat the memory.
const (
	filterTimeout   = 5 * time.Second
	filterMaxOutput = 64 << 20
	// filterMaxInput bounds the decoded tree, which takes roughly ten
	// times the size of the JSON text.
	filterMaxInput = 64 << 20
	// freeAfterInput is the body size from which a filter gives the
	// memory of its decoded body back to the system when it is done.
	freeAfterInput = 4 << 20
)

// SetFilter runs the jq expression expr over the JSON body and shows its
// results, each pretty-printed, one after the other. An empty expr clears
// the filter. On error (syntax, body not JSON, runtime error, timeout) the
// view is unchanged and the error says why. Results beyond 64 MiB are cut
// off with a note. Search, if active, is re-run on the result.
func (m *Model) SetFilter(expr string) error {
	expr = strings.TrimSpace(expr)
	if expr == "" {
		m.ClearFilter()
		return nil
	}
	out, err := m.FilterFunc(expr)()
	if err != nil {
		return err
	}
	m.ApplyFilter(expr, out)
	return nil
}

// FilterFunc is the work of SetFilter without touching the view, for a
// caller that runs it off the UI loop (gojq decodes the whole body: most
// of a second on 50 MB); ApplyFilter shows its result. The body is only
// read, so the view may scroll meanwhile.
func (m *Model) FilterFunc(expr string) func() ([]byte, error) {
	body, raw := m.body, m.raw
	expr = strings.TrimSpace(expr)
	return func() ([]byte, error) {
		out, err := runFilter(expr, body, raw)
		if len(raw) >= freeAfterInput {
			// The decoded body (about ten times its text) is garbage now;
			// the runtime would keep its pages for a while, so the
			// process stayed at the filter's peak after the result showed.
			// Given back beside the result's display, not before it.
			releasing.Add(1)
			go func() {
				defer releasing.Done()
				debug.FreeOSMemory()
			}()
		}
		return out, err
	}
}

// releasing counts the filters still giving memory back (for the
// benchmark, which reads what the process holds after them).
var releasing sync.WaitGroup

// ApplyFilter shows the output of a FilterFunc of expr.
func (m *Model) ApplyFilter(expr string, out []byte) {
	expr = strings.TrimSpace(expr)
	d := newTextDocument(m.nextGen(), out, langJSON, len(out) <= highlightMax)
	d.placeholder = "(no results)"
	m.filtered, m.filterExpr = d, expr
	m.top, m.topRow, m.hoff = 0, 0, 0
	m.research()
}

// ClearFilter shows the body again.
func (m *Model) ClearFilter() {
	if m.filtered == nil && m.filterExpr == "" {
		return
	}
	m.filtered, m.filterExpr = nil, ""
	m.top, m.topRow, m.hoff = 0, 0, 0
	m.research()
}

// Filtering returns the active jq expression, or "".
func (m *Model) Filtering() string { return m.filterExpr }

func runFilter(expr string, body *document, raw []byte) ([]byte, error) {
	query, err := gojq.Parse(expr)
	if err != nil {
		return nil, fmt.Errorf("jq: %w", err)
	}
	// No environment: $ENV and env would otherwise put the process's
	// variables (AWS keys among them) on screen.
	code, err := gojq.Compile(query, gojq.WithEnvironLoader(func() []string { return nil }))
	if err != nil {
		return nil, fmt.Errorf("jq: %w", err)
	}
	if body == nil || body.kind != kindText || len(raw) == 0 {
		return nil, errors.New("jq: the body is not JSON")
	}
	if len(raw) > filterMaxInput {
		return nil, fmt.Errorf("jq: the body is %d MiB, more than jq is run on here (%d MiB)", len(raw)>>20, filterMaxInput>>20)
	}
	inputs, err := decodeJSONStream(raw)
	if err != nil {
		return nil, fmt.Errorf("jq: the body is not JSON: %w", err)
	}

	ctx, cancel := context.WithTimeout(context.Background(), filterTimeout)
	defer cancel()
	var out bytes.Buffer
	for _, in := range inputs {
		iter := code.RunWithContext(ctx, in)
		for {
			v, ok := iter.Next()
			if !ok {
				break
			}
			if err, isErr := v.(error); isErr {
				var halt *gojq.HaltError
				if errors.As(err, &halt) && halt.Value() == nil {
					return out.Bytes(), nil
				}
				if errors.Is(err, context.DeadlineExceeded) {
					return nil, fmt.Errorf("jq: stopped after %v", filterTimeout)
				}
				return nil, fmt.Errorf("jq: %w", err)
			}
			if err := appendPretty(&out, v); err != nil {
				return nil, fmt.Errorf("jq: %w", err)
			}
			if out.Len() > filterMaxOutput {
				out.WriteString("… output cut at 64 MiB\n")
				return out.Bytes(), nil
			}
		}
	}
	return out.Bytes(), nil
}

// decodeJSONStream reads every JSON value of the body, as jq does, so that
// newline-delimited JSON works too. Numbers stay json.Number so that large
// integer ids survive unrounded.
func decodeJSONStream(raw []byte) ([]any, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	var values []any
	for {
		var v any
		if err := dec.Decode(&v); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
		values = append(values, v)
	}
	if len(values) == 0 {
		return nil, errors.New("no value")
	}
	return values, nil
}

// appendPretty writes v as indented JSON and a newline. gojq.Marshal knows
// jq's value types (big integers, NaN) and does not HTML-escape like
// encoding/json.
func appendPretty(out *bytes.Buffer, v any) error {
	compact, err := gojq.Marshal(v)
	if err != nil {
		return err
	}
	if err := json.Indent(out, compact, "", "  "); err != nil {
		return err
	}
	out.WriteByte('\n')
	return nil
}
