package history

import (
	"context"
	"database/sql"
	"fmt"
)

// The schema is kept in PRAGMA user_version and only ever moves forward:
// migrations[i] takes a database from version i to version i+1. A
// migration is never edited once released; a change is a new step at the
// end, with its own test that builds a database at the step before.
//
// Layout, and why:
//   - entries holds what a list shows, one small row per exchange, so
//     that listing and filtering walk small rows and indexes only;
//   - entry_data holds the rest (the Entry as JSON without its body
//     bytes, and the two bodies as blobs), deleted with its entry;
//   - entries_fts is a contentless FTS5 index over the searchable text,
//     so the text is not stored twice; rows are added in the same
//     transaction as the entry and removed by a trigger;
//   - stats keeps the count and byte total that retention needs on
//     every write, maintained by triggers, so no write sums the table.
var migrations = []migration{
	{version: 1, name: "entries and their data", up: migrateCore},
	{version: 2, name: "full-text index", up: migrateFTS},
	{version: 3, name: "totals for retention", up: migrateStats},
	{version: 4, name: "the face or run that made an entry", up: migrateSource},
	{version: 5, name: "a tested exchange's assertions and captures", up: migrateChecks},
}

// applicationID marks the file as a sigscope history (SQLite header
// offset 68, PRAGMA application_id): "SGSH". Open refuses another
// program's database rather than adding tables to it.
const applicationID int32 = 0x53475348

// schemaVersion is the version this binary writes.
var schemaVersion = migrations[len(migrations)-1].version

type migration struct {
	version int
	name    string
	up      func(ctx context.Context, tx *sql.Tx) error
}

func migrateCore(ctx context.Context, tx *sql.Tx) error {
	return execAll(ctx, tx,
		fmt.Sprintf(`PRAGMA application_id = %d`, applicationID),
		`CREATE TABLE entries (
			id              INTEGER PRIMARY KEY AUTOINCREMENT, -- never reused, so an id names one exchange for good
			time            INTEGER NOT NULL,                  -- when sent, Unix nanoseconds
			collection      TEXT    NOT NULL DEFAULT '',
			collection_path TEXT    NOT NULL DEFAULT '',
			request         TEXT    NOT NULL DEFAULT '',
			environment     TEXT    NOT NULL DEFAULT '',
			mode            TEXT    NOT NULL DEFAULT '',
			method          TEXT    NOT NULL DEFAULT '',
			url             TEXT    NOT NULL DEFAULT '',
			status          INTEGER NOT NULL DEFAULT 0,
			mismatch        INTEGER NOT NULL DEFAULT 0,
			error           TEXT    NOT NULL DEFAULT '',
			duration        INTEGER NOT NULL DEFAULT 0,        -- nanoseconds
			size            INTEGER NOT NULL DEFAULT 0         -- bytes kept for this entry, for retention
		)`,
		// Lists go newest first by id; an index ends with the rowid, so
		// each of these gives its matches already in that order and a
		// list stops after Limit rows instead of sorting every match.
		`CREATE INDEX entries_time ON entries(time)`,
		`CREATE INDEX entries_request ON entries(request)`,
		`CREATE INDEX entries_collection ON entries(collection)`,
		`CREATE INDEX entries_collection_path ON entries(collection_path)`,
		`CREATE INDEX entries_status ON entries(status)`,
		`CREATE INDEX entries_status_class ON entries(status / 100)`,
		`CREATE INDEX entries_mismatch ON entries(mismatch) WHERE mismatch = 1`,
		`CREATE TABLE entry_data (
			entry_id      INTEGER PRIMARY KEY REFERENCES entries(id) ON DELETE CASCADE,
			detail        BLOB NOT NULL, -- the Entry as JSON, body bytes left out
			request_body  BLOB,
			response_body BLOB
		)`,
	)
}

func migrateFTS(ctx context.Context, tx *sql.Tx) error {
	err := execAll(ctx, tx,
		`CREATE VIRTUAL TABLE entries_fts USING fts5(
			url, headers, body, signing, notes,
			content = '', contentless_delete = 1,
			tokenize = 'unicode61 remove_diacritics 2'
		)`,
		`CREATE TRIGGER entries_fts_delete AFTER DELETE ON entries BEGIN
			DELETE FROM entries_fts WHERE rowid = old.id;
		END`,
	)
	if err != nil {
		return err
	}
	// Index what earlier versions recorded.
	rows, err := tx.QueryContext(ctx, `SELECT e.id, e.time, d.detail, d.request_body, d.response_body
		FROM entries e JOIN entry_data d ON d.entry_id = e.id`)
	if err != nil {
		return err
	}
	var all []*Entry
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return err
		}
		all = append(all, e)
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for _, e := range all {
		if err := indexText(ctx, tx, e.ID, e); err != nil {
			return err
		}
	}
	return nil
}

func migrateStats(ctx context.Context, tx *sql.Tx) error {
	return execAll(ctx, tx,
		`CREATE TABLE stats (
			id      INTEGER PRIMARY KEY CHECK (id = 1),
			entries INTEGER NOT NULL,
			bytes   INTEGER NOT NULL
		)`,
		`INSERT INTO stats (id, entries, bytes) SELECT 1, count(*), coalesce(sum(size), 0) FROM entries`,
		`CREATE TRIGGER entries_stats_insert AFTER INSERT ON entries BEGIN
			UPDATE stats SET entries = entries + 1, bytes = bytes + new.size;
		END`,
		`CREATE TRIGGER entries_stats_delete AFTER DELETE ON entries BEGIN
			UPDATE stats SET entries = entries - 1, bytes = bytes - old.size;
		END`,
	)
}

// migrateSource gives entries a column of their source (tui, send, a
// run's "run 20261207T101500Z"), so that a run's entries are listed by an
// index; older entries get it from their recorded detail.
func migrateSource(ctx context.Context, tx *sql.Tx) error {
	if err := execAll(ctx, tx,
		`ALTER TABLE entries ADD COLUMN source TEXT NOT NULL DEFAULT ''`,
		`CREATE INDEX entries_source ON entries(source) WHERE source != ''`,
	); err != nil {
		return err
	}
	rows, err := tx.QueryContext(ctx, `SELECT e.id, e.time, d.detail, d.request_body, d.response_body
		FROM entries e JOIN entry_data d ON d.entry_id = e.id`)
	if err != nil {
		return err
	}
	sources := map[int64]string{}
	for rows.Next() {
		e, err := scanEntry(rows)
		if err != nil {
			rows.Close()
			return err
		}
		if e.Source != "" {
			sources[e.ID] = e.Source
		}
	}
	if err := rows.Close(); err != nil {
		return err
	}
	for id, src := range sources {
		if _, err := tx.ExecContext(ctx, `UPDATE entries SET source = ? WHERE id = ?`, src, id); err != nil {
			return err
		}
	}
	return nil
}

// migrateChecks adds the verdicts of a tested exchange: each assertion
// with what it expected and what came, each capture by its variable. A
// table beside entries, not a field of the detail, so that `history runs
// --diff` compares verdicts without decoding every entry's JSON; deleted
// with its entry. Older entries have none (they were not kept).
func migrateChecks(ctx context.Context, tx *sql.Tx) error {
	return execAll(ctx, tx,
		`CREATE TABLE entry_checks (
			entry_id INTEGER NOT NULL REFERENCES entries(id) ON DELETE CASCADE,
			seq      INTEGER NOT NULL,               -- in the order checked
			kind     TEXT    NOT NULL,               -- assert or capture
			name     TEXT    NOT NULL,               -- the assertion as written, or the captured variable
			pass     INTEGER NOT NULL,               -- held, or (a capture) found a value
			expected TEXT    NOT NULL DEFAULT '',
			actual   TEXT    NOT NULL DEFAULT '',    -- masked; a secret capture keeps no value at all
			PRIMARY KEY (entry_id, seq)
		) WITHOUT ROWID`,
	)
}

func execAll(ctx context.Context, tx *sql.Tx, stmts ...string) error {
	for _, q := range stmts {
		if _, err := tx.ExecContext(ctx, q); err != nil {
			return err
		}
	}
	return nil
}

// migrate brings the database on conn up to version target, one step per
// transaction. Each step re-reads the version under the write lock, so
// two processes opening a new file at once apply every step once.
func migrate(ctx context.Context, conn *sql.Conn, target int) error {
	for _, m := range migrations {
		if m.version > target {
			break
		}
		if err := migrateStep(ctx, conn, m); err != nil {
			return fmt.Errorf("migrate to schema version %d (%s): %w", m.version, m.name, err)
		}
	}
	return nil
}

func migrateStep(ctx context.Context, conn *sql.Conn, m migration) error {
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var v int
	if err := tx.QueryRowContext(ctx, `PRAGMA user_version`).Scan(&v); err != nil {
		return err
	}
	if v >= m.version {
		return nil
	}
	if v != m.version-1 {
		return fmt.Errorf("the database is at schema version %d, expected %d", v, m.version-1)
	}
	if err := m.up(ctx, tx); err != nil {
		return err
	}
	// PRAGMA takes no parameters; m.version is an int from the list above.
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA user_version = %d`, m.version)); err != nil {
		return err
	}
	return tx.Commit()
}

// Columns a reader needs; a newer schema that still has them can be read.
var requiredColumns = []struct {
	table string
	cols  []string
}{
	{"entries", []string{"id", "time", "collection", "collection_path", "request", "environment", "mode", "method", "url", "status", "mismatch", "error", "duration"}},
	{"entry_data", []string{"entry_id", "detail", "request_body", "response_body"}},
}

// missingColumns lists the required columns (table.column) the database
// lacks, and whether the full-text index exists.
func missingColumns(ctx context.Context, conn *sql.Conn) (missing []string, fts bool, err error) {
	for _, rc := range requiredColumns {
		table, cols := rc.table, rc.cols
		have := map[string]bool{}
		rows, err := conn.QueryContext(ctx, `SELECT name FROM pragma_table_info(?)`, table)
		if err != nil {
			return nil, false, err
		}
		for rows.Next() {
			var n string
			if err := rows.Scan(&n); err != nil {
				rows.Close()
				return nil, false, err
			}
			have[n] = true
		}
		if err := rows.Close(); err != nil {
			return nil, false, err
		}
		for _, c := range cols {
			if !have[c] {
				missing = append(missing, table+"."+c)
			}
		}
	}
	var n int
	err = conn.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE name = 'entries_fts'`).Scan(&n)
	return missing, n > 0, err
}
