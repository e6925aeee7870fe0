package history

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Filter selects entries. Empty fields match everything.
type Filter struct {
	// Collection is the collection's identity (Entry.Collection) or,
	// when some entry was recorded from a file of that path, its file
	// (Entry.CollectionPath).
	Collection string
	// Request is a request path: when some entry has exactly that
	// path, entries of that request only (so "pets/get-1" is not
	// "pets/get-10"), else entries whose path holds it, case-insensitive
	// for ASCII.
	Request string
	// Status is a code ("200"), a class ("2xx", "4xx", "5xx"), "error"
	// (no answer came) or "mismatch" (a signature mismatch).
	Status string
	Since  time.Time // entries sent at or after
	Before time.Time // entries sent before
	// Text is searched in the URL, headers, bodies, canonical request,
	// string-to-sign, diagnosis and error. It is the user's words: each
	// word must appear (a word also matches as the start of a longer
	// one); no search syntax is interpreted.
	Text string
	// Source is the face or run that made the entries, exactly ("send",
	// "run 20261207T101500Z").
	Source string
	Limit  int // 0 = 100
	Offset int
}

// Summary is one line of a history list; it never holds a body.
type Summary struct {
	ID          int64         `json:"id"`
	Time        time.Time     `json:"time"`
	Collection  string        `json:"collection"`
	Request     string        `json:"request"`
	Environment string        `json:"environment,omitempty"`
	Mode        string        `json:"mode,omitempty"`
	Method      string        `json:"method"`
	URL         string        `json:"url"`
	Status      int           `json:"status"`
	Mismatch    bool          `json:"mismatch,omitempty"`
	Error       string        `json:"error,omitempty"`
	Duration    time.Duration `json:"duration"` // nanoseconds, Entry.Timings.Total
	Source      string        `json:"source,omitempty"`
}

// CheckStatus tells whether s is a valid Filter.Status, so that a command
// line can refuse a bad flag before opening the store.
func CheckStatus(s string) error {
	_, _, err := statusClause(s)
	return err
}

func statusClause(s string) (string, []any, error) {
	s = strings.ToLower(strings.TrimSpace(s))
	switch {
	case s == "":
		return "", nil, nil
	case s == "error":
		return "e.status = 0", nil, nil
	case s == "mismatch":
		return "e.mismatch = 1", nil, nil
	case len(s) == 3 && s[0] >= '1' && s[0] <= '5' && s[1:] == "xx":
		// The same expression as the entries_status_class index.
		return "e.status / 100 = ?", []any{int(s[0] - '0')}, nil
	}
	if n, err := strconv.Atoi(s); err == nil && n >= 100 && n <= 999 {
		return "e.status = ?", []any{n}, nil
	}
	return "", nil, fmt.Errorf("unknown status filter %q: use a code (404), a class (2xx, 4xx, 5xx), error or mismatch", s)
}

// query is a filter made SQL: the conditions on entries (alias e) and,
// for a text search, the FTS5 query. none is true when f cannot match
// anything (text with no word in it).
type query struct {
	conds []string
	args  []any
	text  string
	since *int64 // ids start at the first entry sent since then
	none  bool
}

// query makes f SQL. Each condition is one an index answers in id order
// where it can, so that a list stops after Limit rows: hence a collection
// is matched by name or by path, not both in one OR, and an exact request
// path apart from a part of one.
func (s *Store) query(ctx context.Context, f Filter) (query, error) {
	var q query
	exactRequest := f.Request != "" && s.exists(ctx, `SELECT 1 FROM entries WHERE request = ? LIMIT 1`, f.Request)
	if f.Collection != "" {
		col := "e.collection"
		if s.exists(ctx, `SELECT 1 FROM entries WHERE collection_path = ? LIMIT 1`, f.Collection) {
			col = "e.collection_path"
		}
		if exactRequest {
			// A request has fewer entries than its collection: the unary
			// plus keeps SQLite on the request's index.
			col = "+" + col
		}
		q.conds = append(q.conds, col+" = ?")
		q.args = append(q.args, f.Collection)
	}
	if f.Request != "" {
		if exactRequest {
			q.conds = append(q.conds, "e.request = ?")
			q.args = append(q.args, f.Request)
		} else {
			q.conds = append(q.conds, `e.request LIKE ? ESCAPE '\'`)
			q.args = append(q.args, "%"+escapeLike(f.Request)+"%")
		}
	}
	if f.Source != "" {
		q.conds = append(q.conds, "e.source = ?")
		q.args = append(q.args, f.Source)
	}
	sc, sa, err := statusClause(f.Status)
	if err != nil {
		return q, err
	}
	if sc != "" {
		q.conds = append(q.conds, sc)
		q.args = append(q.args, sa...)
	}
	if !f.Since.IsZero() {
		t := f.Since.UnixNano()
		q.since = &t
		q.conds = append(q.conds, "e.time >= ?")
		q.args = append(q.args, t)
	}
	if !f.Before.IsZero() {
		q.conds = append(q.conds, "e.time < ?")
		q.args = append(q.args, f.Before.UnixNano())
	}
	if strings.TrimSpace(f.Text) != "" {
		q.text = ftsQuery(f.Text)
		q.none = q.text == ""
		if !q.none && !s.fts {
			return q, &UnavailableError{Path: s.path, Problem: "search: this database has no full-text index", Fix: fixNewer}
		}
	}
	return q, nil
}

// sql gives the FROM and WHERE part and its arguments. A text search is
// driven by the full-text index, read newest first (FTS5 walks its
// doclists by rowid either way), so a common word stops after Limit
// rows instead of collecting every match; CROSS JOIN keeps that order of
// the loops.
//
// A Since is also given as the smallest id sent since (exact: the minimum
// over the same rows), so that the scan by id stops there instead of
// reading every older entry when fewer than Limit match. "+ 0" keeps
// SQLite from looking for that minimum along the ids, which would read
// every older entry too.
func (q query) sql() (string, []any) {
	conds, args := slices.Clone(q.conds), slices.Clone(q.args)
	from, id := ` FROM entries e`, "e.id"
	if q.text != "" {
		from, id = ` FROM entries_fts CROSS JOIN entries e ON e.id = entries_fts.rowid`, "entries_fts.rowid"
		conds = append([]string{"entries_fts MATCH ?"}, conds...)
		args = append([]any{q.text}, args...)
	}
	if q.since != nil {
		conds = append(conds, id+" >= (SELECT coalesce(min(id + 0), 0) FROM entries WHERE time >= ?)")
		args = append(args, *q.since)
	}
	if len(conds) > 0 {
		from += " WHERE " + strings.Join(conds, " AND ")
	}
	return from, args
}

func (q query) order() string {
	if q.text != "" {
		return ` ORDER BY entries_fts.rowid DESC`
	}
	return ` ORDER BY e.id DESC`
}

// exists runs a one-row probe; an error counts as no row, and the query
// that follows reports it.
func (s *Store) exists(ctx context.Context, q string, args ...any) bool {
	var one int
	return s.db.QueryRowContext(ctx, q, args...).Scan(&one) == nil
}

func escapeLike(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return r.Replace(s)
}

// ftsQuery turns the user's words into an FTS5 query: each word becomes a
// quoted phrase (quotes doubled) with a prefix star, all of them required.
// Operators (AND, OR, NOT, NEAR), parentheses, column filters and stars
// are thus only words. A word with no letter or digit cannot match
// anything the tokenizer keeps and is dropped; "" means nothing can match.
func ftsQuery(text string) string {
	var terms []string
	for _, w := range strings.Fields(text) {
		if !strings.ContainsFunc(w, func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
			continue
		}
		terms = append(terms, `"`+strings.ReplaceAll(w, `"`, `""`)+`"*`)
	}
	return strings.Join(terms, " ")
}

const summaryColumns = `e.id, e.time, e.collection, e.request, e.environment, e.mode, e.method, e.url, e.status, e.mismatch, e.error, e.duration, e.source`

// List gives the entries matching f, newest first: in the order they
// were recorded, which is the order they were sent except for exchanges
// that overlapped. It reads the summary columns only. A writable store
// first imports what sends spooled since it opened (the UI stays open
// while sends run in another terminal); one that fails stays spooled.
func (s *Store) List(ctx context.Context, f Filter) ([]Summary, error) {
	if !s.opts.ReadOnly {
		_ = s.importSpool(ctx)
	}
	q, err := s.query(ctx, f)
	if err != nil || q.none {
		return nil, err
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 100
	}
	from, args := q.sql()
	rows, err := s.db.QueryContext(ctx, `SELECT `+summaryColumns+from+q.order()+` LIMIT ? OFFSET ?`,
		append(args, limit, max(f.Offset, 0))...)
	if err != nil {
		return nil, classify(s.path, "list", err)
	}
	defer rows.Close()
	var out []Summary
	for rows.Next() {
		var sm Summary
		var t, d int64
		if err := rows.Scan(&sm.ID, &t, &sm.Collection, &sm.Request, &sm.Environment, &sm.Mode,
			&sm.Method, &sm.URL, &sm.Status, &sm.Mismatch, &sm.Error, &d, &sm.Source); err != nil {
			return nil, classify(s.path, "list", err)
		}
		sm.Time = time.Unix(0, t).UTC()
		sm.Duration = time.Duration(d)
		out = append(out, sm)
	}
	if err := rows.Err(); err != nil {
		return nil, classify(s.path, "list", err)
	}
	return out, nil
}

// Count is how many entries match f (Limit and Offset ignored).
func (s *Store) Count(ctx context.Context, f Filter) (int, error) {
	q, err := s.query(ctx, f)
	if err != nil || q.none {
		return 0, err
	}
	from, args := q.sql()
	if q.text != "" && len(q.conds) == 0 {
		// Every indexed row is an entry: no need to join.
		from, args = ` FROM entries_fts WHERE entries_fts MATCH ?`, []any{q.text}
	}
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*)`+from, args...).Scan(&n); err != nil {
		return 0, classify(s.path, "count", err)
	}
	return n, nil
}

const entryQuery = `SELECT e.id, e.time, d.detail, d.request_body, d.response_body
	FROM entries e JOIN entry_data d ON d.entry_id = e.id`

// Get reads one whole entry. A missing id gives an error wrapping
// ErrNotFound.
func (s *Store) Get(ctx context.Context, id int64) (*Entry, error) {
	e, err := scanEntry(s.db.QueryRowContext(ctx, entryQuery+` WHERE e.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("history entry %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, classify(s.path, fmt.Sprintf("read entry %d", id), err)
	}
	return e, nil
}

type scanner interface{ Scan(dest ...any) error }

func scanEntry(row scanner) (*Entry, error) {
	var id, t int64
	var detail, reqBody, respBody []byte
	if err := row.Scan(&id, &t, &detail, &reqBody, &respBody); err != nil {
		return nil, err
	}
	var e Entry
	if err := decodeDetail(detail, &e); err != nil {
		return nil, fmt.Errorf("entry %d is damaged (%w); delete it with `sigscope history clear` or move the file away", id, err)
	}
	e.ID = id
	e.Time = time.Unix(0, t).UTC()
	e.RequestBody.Data = nilIfEmpty(reqBody)
	e.ResponseBody.Data = nilIfEmpty(respBody)
	return &e, nil
}

func nilIfEmpty(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// Last is the newest entry matching f, or an error wrapping ErrNotFound.
func (s *Store) Last(ctx context.Context, f Filter) (*Entry, error) {
	f.Limit, f.Offset = 1, 0
	list, err := s.List(ctx, f)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, fmt.Errorf("history: no entry matches: %w", ErrNotFound)
	}
	return s.Get(ctx, list[0].ID)
}

// LastSuccess is the newest 2xx entry of the same request (same
// collection identity and request path) recorded before entry beforeID,
// or the newest of all when beforeID is 0. It is what `history diff ID`
// compares with. None gives an error wrapping ErrNotFound.
func (s *Store) LastSuccess(ctx context.Context, collection, request string, beforeID int64) (*Entry, error) {
	// Unary pluses: walk the request's index, the narrowest.
	q := `SELECT e.id FROM entries e WHERE +e.collection = ? AND e.request = ? AND +e.status BETWEEN 200 AND 299`
	args := []any{collection, request}
	if beforeID > 0 {
		q += ` AND e.id < ?`
		args = append(args, beforeID)
	}
	var id int64
	err := s.db.QueryRowContext(ctx, q+` ORDER BY e.id DESC LIMIT 1`, args...).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("history: no earlier success of %s %s: %w", collection, request, ErrNotFound)
	}
	if err != nil {
		return nil, classify(s.path, "last success", err)
	}
	return s.Get(ctx, id)
}

// Clear deletes the entries sent before the given time, or every entry
// when before is zero, and gives the freed pages back to the file
// system. It returns how many entries were deleted.
func (s *Store) Clear(ctx context.Context, before time.Time) (int64, error) {
	if s.opts.ReadOnly {
		return 0, &UnavailableError{Path: s.path, Problem: "clear: the history was opened read-only"}
	}
	q, args := `DELETE FROM entries`, []any(nil)
	if !before.IsZero() {
		q += ` WHERE time < ?`
		args = append(args, before.UnixNano())
	}
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	res, err := s.db.ExecContext(ctx, q, args...)
	if err != nil {
		return 0, classify(s.path, "clear", err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return 0, classify(s.path, "clear", err)
	}
	if n > 0 {
		// Only shrinks a file created with auto_vacuum (every file this
		// package creates); a failure here loses nothing.
		_, _ = s.db.ExecContext(ctx, `PRAGMA incremental_vacuum`)
	}
	return n, nil
}
