package history

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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
	kept := s.prepare(e)
	detail, err := encodeDetail(kept)
	if err != nil {
		return 0, fmt.Errorf("history add %s: encode entry: %w", s.path, err)
	}
	size := entrySize(kept, detail)

	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return 0, classify(s.path, "add", err)
	}
	defer tx.Rollback()
	id, err := insertEntry(ctx, tx, kept, detail, size)
	if err != nil {
		return 0, classify(s.path, "add", err)
	}
	if err := indexText(ctx, tx, id, kept); err != nil {
		return 0, classify(s.path, "add", err)
	}
	if err := s.retain(ctx, tx, id); err != nil {
		return 0, classify(s.path, "add: retention", err)
	}
	if err := tx.Commit(); err != nil {
		return 0, classify(s.path, "add", err)
	}
	e.ID = id
	return id, nil
}

// prepare is the entry as it will be stored: a shallow copy with the
// time set and the bodies cut to the limit.
func (s *Store) prepare(e *Entry) *Entry {
	c := *e
	if c.Time.IsZero() {
		c.Time = time.Now()
	}
	c.Time = c.Time.UTC()
	c.RequestBody = limitBody(c.RequestBody, s.opts.MaxBody)
	c.ResponseBody = limitBody(c.ResponseBody, s.opts.MaxBody)
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

// encodeDetail is the Entry as JSON without the body bytes (stored as
// blobs beside it) and without the id and time (columns). JSON, so that a
// field added to Entry is kept without a migration.
func encodeDetail(e *Entry) ([]byte, error) {
	c := *e
	c.ID = 0
	c.Time = time.Time{}
	c.RequestBody.Data = nil
	c.ResponseBody.Data = nil
	return json.Marshal(&c)
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
func insertEntry(ctx context.Context, tx *sql.Tx, e *Entry, detail []byte, size int64) (int64, error) {
	res, err := tx.ExecContext(ctx, `INSERT INTO entries
		(time, collection, collection_path, request, environment, mode, method, url, status, mismatch, error, duration, size)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		e.Time.UnixNano(), e.Collection, e.CollectionPath, e.Request, e.Environment, e.Mode,
		e.Method, e.URL, e.Status, e.Mismatch, e.Error, int64(e.Timings.Total), size)
	if err != nil {
		return 0, err
	}
	id, err := res.LastInsertId()
	if err != nil {
		return 0, err
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO entry_data (entry_id, detail, request_body, response_body) VALUES (?, ?, ?, ?)`,
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
func indexText(ctx context.Context, tx *sql.Tx, id int64, e *Entry) error {
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
	_, err := tx.ExecContext(ctx, `INSERT INTO entries_fts (rowid, url, headers, body, signing, notes) VALUES (?, ?, ?, ?, ?, ?)`,
		id, e.URL, headers.String(), body.String(), signing.String(), notes.String())
	return err
}

// retain deletes the oldest entries (first recorded) while the store
// holds more than the limits allow, sparing the entry just added.
func (s *Store) retain(ctx context.Context, tx *sql.Tx, newID int64) error {
	var count, bytes int64
	if err := tx.QueryRowContext(ctx, `SELECT entries, bytes FROM stats WHERE id = 1`).Scan(&count, &bytes); err != nil {
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
	rows, err := tx.QueryContext(ctx, `SELECT id, size FROM entries WHERE id <> ? ORDER BY id`, newID)
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
	return deleteIDs(ctx, tx, ids)
}

func deleteIDs(ctx context.Context, tx *sql.Tx, ids []int64) error {
	const chunk = 500
	for len(ids) > 0 {
		n := min(chunk, len(ids))
		args := make([]any, n)
		for i, id := range ids[:n] {
			args[i] = id
		}
		q := `DELETE FROM entries WHERE id IN (?` + strings.Repeat(`, ?`, n-1) + `)`
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return err
		}
		ids = ids[n:]
	}
	return nil
}
