package history

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/gob"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// Add records one exchange and sets e.ID. Bodies longer than
// Options.MaxBody are kept cut (the caller's Entry is not changed, only
// what is stored); a zero e.Time is taken as now. Retention is applied in
// the same transaction: when the store holds more than MaxEntries entries
// or MaxBytes bytes, the oldest entries are deleted, never the new one.
//
// Add stores what it is given: masking secrets is the caller's job (see
// the package comment).
func (s *Store) Add(ctx context.Context, e *Entry) (int64, error) {
	if e == nil {
		return 0, errors.New("history add: no entry")
	}
	if s.opts.ReadOnly {
		return 0, &UnavailableError{Path: s.path, Problem: "add: the history was opened read-only"}
	}
	kept := prepareEntry(e, s.opts)
	detail, err := encodeDetail(kept)
	if err != nil {
		return 0, fmt.Errorf("history add %s: encode entry: %w", s.path, err)
	}

	// Writers of this process queue here rather than in SQLite's busy
	// handler, which polls; other processes still meet the busy timeout.
	s.writeMu.Lock()
	defer s.writeMu.Unlock()
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, classify(s.path, "add", err)
	}
	defer tx.Rollback()
	id, err := s.addIn(ctx, preparedTx{s, tx}, kept, detail)
	if err != nil {
		return 0, err
	}
	if err := tx.Commit(); err != nil {
		return 0, classify(s.path, "add", err)
	}
	e.ID = id
	return id, nil
}

// addIn writes a prepared entry's rows, its full-text index and the
// retention it calls for, in the caller's transaction.
func (s *Store) addIn(ctx context.Context, ex preparedTx, kept *Entry, detail []byte) (int64, error) {
	id, err := insertEntry(ctx, ex, kept, detail, entrySize(kept, detail))
	if err != nil {
		return 0, classify(s.path, "add", err)
	}
	if err := indexText(ctx, ex, id, kept); err != nil {
		return 0, classify(s.path, "add", err)
	}
	if err := s.retain(ctx, ex, id); err != nil {
		return 0, classify(s.path, "add: retention", err)
	}
	return id, nil
}

// prepareEntry is the entry as it will be stored: a shallow copy with
// the time set and the bodies cut to the limit (opts with defaults).
func prepareEntry(e *Entry, opts Options) *Entry {
	c := *e
	if c.Time.IsZero() {
		c.Time = time.Now()
	}
	c.Time = c.Time.UTC()
	c.RequestBody = limitBody(c.RequestBody, opts.MaxBody)
	c.ResponseBody = limitBody(c.ResponseBody, opts.MaxBody)
	return &c
}

// limitBody cuts b.Data to max bytes; a text body is cut on a character
// boundary so that what is kept stays valid UTF-8.
func limitBody(b Body, max int64) Body {
	if b.Size < int64(len(b.Data)) {
		b.Size = int64(len(b.Data))
	}
	if max < 0 || int64(len(b.Data)) <= max {
		return b
	}
	cut := int(max)
	if !b.Binary {
		for i := 0; i < utf8.UTFMax && cut > 0 && !utf8.RuneStart(b.Data[cut]); i++ {
			cut--
		}
	}
	b.Data = b.Data[:cut:cut]
	b.Truncated = true
	return b
}

// encodeDetail is the Entry without the body bytes (stored as blobs
// beside it) and without the id and time (columns). It is JSON, so that a
// field added to Entry is kept without a migration and the file can be
// read with any SQLite tool; but JSON strings cannot hold bytes that are
// not UTF-8 (a header value in Latin-1, say) and would change them, so an
// entry holding such a string is kept as gob instead, which keeps bytes
// exactly and also matches fields by name. decodeDetail tells the two
// apart by the first byte.
func encodeDetail(e *Entry) ([]byte, error) {
	c := *e
	c.ID = 0
	c.Time = time.Time{}
	c.RequestBody.Data = nil
	c.ResponseBody.Data = nil
	if !hasInvalidUTF8(reflect.ValueOf(&c).Elem()) {
		return json.Marshal(&c)
	}
	var b bytes.Buffer
	b.WriteByte(gobMark)
	if err := gob.NewEncoder(&b).Encode(&c); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// gobMark starts a gob detail; JSON details start with '{'.
const gobMark = 'G'

func decodeDetail(detail []byte, e *Entry) error {
	if len(detail) > 0 && detail[0] == gobMark {
		return gob.NewDecoder(bytes.NewReader(detail[1:])).Decode(e)
	}
	return json.Unmarshal(detail, e)
}

// hasInvalidUTF8 reports whether any string in v is not valid UTF-8.
func hasInvalidUTF8(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.String:
		return !utf8.ValidString(v.String())
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && hasInvalidUTF8(v.Elem())
	case reflect.Struct:
		if v.Type() == reflect.TypeOf(time.Time{}) {
			return false
		}
		for i := 0; i < v.NumField(); i++ {
			if v.Type().Field(i).IsExported() && hasInvalidUTF8(v.Field(i)) {
				return true
			}
		}
	case reflect.Slice, reflect.Array:
		if v.Type().Elem().Kind() == reflect.Uint8 {
			return false // []byte: JSON writes it as base64
		}
		for i := 0; i < v.Len(); i++ {
			if hasInvalidUTF8(v.Index(i)) {
				return true
			}
		}
	case reflect.Map:
		it := v.MapRange()
		for it.Next() {
			if hasInvalidUTF8(it.Key()) || hasInvalidUTF8(it.Value()) {
				return true
			}
		}
	}
	return false
}

// entrySize approximates the bytes an entry takes, for retention.
func entrySize(e *Entry, detail []byte) int64 {
	return int64(len(detail)+len(e.RequestBody.Data)+len(e.ResponseBody.Data)+
		len(e.Collection)+len(e.CollectionPath)+len(e.Request)+len(e.Environment)+
		len(e.Mode)+len(e.Method)+len(e.URL)+len(e.Error)) + 64
}

// insertEntry writes the rows of schema version 1. Kept apart from the
// full-text index and retention so that migration tests can build a
// database as version 1 wrote it.
func insertEntry(ctx context.Context, tx execer, e *Entry, detail []byte, size int64) (int64, error) {
	res, err := tx.ExecContext(ctx, sqlInsertEntry,
		e.Time.UnixNano(), e.Collection, e.CollectionPath, e.Request, e.Environment, e.Mode,
		e.Method, e.URL, e.Status, e.Mismatch, e.Error, int64(e.Timings.Total), size, e.Source)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, sqlInsertData,
		id, detail, nonNil(e.RequestBody.Data), nonNil(e.ResponseBody.Data))
	return id, err
}

// nonNil keeps an empty body a zero-length blob rather than NULL.
func nonNil(b []byte) []byte {
	if b == nil {
		return []byte{}
	}
	return b
}

// indexText adds the entry's searchable text to the full-text index.
func indexText(ctx context.Context, tx execer, id int64, e *Entry) error {
	var headers, body, signing, notes strings.Builder
	for _, h := range e.RequestHeaders {
		headers.WriteString(h.Name + ": " + h.Value + "\n")
	}
	for _, h := range e.ResponseHeaders {
		headers.WriteString(h.Name + ": " + h.Value + "\n")
	}
	for _, c := range append(append([]Cookie(nil), e.CookiesSent...), e.CookiesReceived...) {
		headers.WriteString("cookie " + c.Name + " " + c.Domain + " " + c.Path + " " + c.Attributes + "\n")
	}
	for _, b := range []Body{e.RequestBody, e.ResponseBody} {
		if !b.Binary {
			body.Write(b.Data)
			body.WriteString("\n")
		}
	}
	if sg := e.Signing; sg != nil {
		for _, v := range []string{sg.Algorithm, sg.AccessKeyID, sg.RequestDate, sg.Scope, sg.SignedHeaders, sg.PayloadHash, sg.CanonicalRequest, sg.StringToSign, sg.Signature} {
			signing.WriteString(v + "\n")
		}
	}
	for _, v := range []string{e.Collection, e.CollectionPath, e.Request, e.Environment, e.Mode, e.Profile, e.User, e.Source,
		e.Method, strconv.Itoa(e.Status), e.StatusText, e.TLS, e.Error, e.ErrorKind, e.Diagnosis} {
		notes.WriteString(v + "\n")
	}
	for _, w := range e.Warnings {
		notes.WriteString(w + "\n")
	}
	_, err := tx.ExecContext(ctx, sqlInsertText,
		id, e.URL, headers.String(), body.String(), signing.String(), notes.String())
	return err
}

// retain deletes the oldest entries (first recorded) while the store
// holds more than the limits allow, sparing the entry just added.
func (s *Store) retain(ctx context.Context, tx preparedTx, newID int64) error {
	var count, bytes int64
	if err := tx.tx.QueryRowContext(ctx, `SELECT entries, bytes FROM stats WHERE id = 1`).Scan(&count, &bytes); err != nil {
		return err
	}
	overCount, overBytes := int64(0), int64(0)
	if s.opts.MaxEntries > 0 {
		overCount = count - int64(s.opts.MaxEntries)
	}
	if s.opts.MaxBytes > 0 {
		overBytes = bytes - s.opts.MaxBytes
	}
	if overCount <= 0 && overBytes <= 0 {
		return nil
	}
	rows, err := tx.tx.QueryContext(ctx, `SELECT id, size FROM entries WHERE id <> ? ORDER BY id`, newID)
	if err != nil {
		return err
	}
	var ids []int64
	for (overCount > 0 || overBytes > 0) && rows.Next() {
		var id, size int64
		if err := rows.Scan(&id, &size); err != nil {
			rows.Close()
			return err
		}
		ids = append(ids, id)
		overCount--
		overBytes -= size
	}
	if err := rows.Close(); err != nil {
		return err
	}
	// Usually one: the store is at its limit and one entry came in.
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, sqlDeleteEntry, id); err != nil {
			return err
		}
	}
	return nil
}

// execer runs a statement: a *sql.Tx, or a preparedTx.
type execer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
}

// The statements of an Add, prepared once when the store opens.
const (
	sqlInsertEntry = `INSERT INTO entries
		(time, collection, collection_path, request, environment, mode, method, url, status, mismatch, error, duration, size, source)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	sqlInsertData  = `INSERT INTO entry_data (entry_id, detail, request_body, response_body) VALUES (?, ?, ?, ?)`
	sqlInsertText  = `INSERT INTO entries_fts (rowid, url, headers, body, signing, notes) VALUES (?, ?, ?, ?, ?, ?)`
	sqlDeleteEntry = `DELETE FROM entries WHERE id = ?`
)

// prepareStatements compiles the statements of an Add. It runs at Open, never
// inside a transaction: preparing on the pool there could wait for a
// connection that writers queued behind this transaction hold.
func (s *Store) prepareStatements(ctx context.Context) error {
	s.stmts = map[string]*sql.Stmt{}
	for _, q := range []string{sqlInsertEntry, sqlInsertData, sqlInsertText, sqlDeleteEntry} {
		st, err := s.db.PrepareContext(ctx, q)
		if err != nil {
			return err
		}
		s.stmts[q] = st
	}
	return nil
}

// preparedTx runs statements in tx with the store's prepared statements
// (database/sql prepares each once per connection), so that an Add does
// not compile its SQL every time.
type preparedTx struct {
	s  *Store
	tx *sql.Tx
}

func (p preparedTx) ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error) {
	if st, ok := p.s.stmts[query]; ok {
		return p.tx.StmtContext(ctx, st).ExecContext(ctx, args...)
	}
	return p.tx.ExecContext(ctx, query, args...)
}
