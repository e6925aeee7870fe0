package history

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestRoundTripEveryField(t *testing.T) {
	in := fullEntry()
	// Guard: a field added to Entry later must be set here too, or this
	// test would not cover it.
	v := reflect.ValueOf(in).Elem()
	for i := 0; i < v.NumField(); i++ {
		if name := v.Type().Field(i).Name; name != "ID" && v.Field(i).IsZero() {
			t.Errorf("fullEntry leaves %s unset", name)
		}
	}
	s := openTest(t, Options{})
	id := mustAdd(t, s, in)
	if in.ID != id || id <= 0 {
		t.Fatalf("Add set ID %d, returned %d", in.ID, id)
	}
	got, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	want := *fullEntry()
	want.ID = id
	want.Time = want.Time.UTC()
	if !reflect.DeepEqual(got, &want) {
		t.Errorf("round trip differs:\n got %+v\nwant %+v", got, &want)
	}
}

// Bytes that are not UTF-8 (a Latin-1 header from a server) come back
// exactly: JSON would have replaced them.
func TestRoundTripNonUTF8(t *testing.T) {
	s := openTest(t, Options{})
	in := fullEntry()
	in.URL = "https://127.0.0.1:8443/caf\xe9"
	in.ResponseHeaders = append(in.ResponseHeaders, Header{"X-Name", "Jos\xe9 \xff\xfe"})
	in.Secrets[0].Claims["name"] = "\xe9"
	id := mustAdd(t, s, in)
	got, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	in.Time = in.Time.UTC()
	if !reflect.DeepEqual(got, in) {
		t.Errorf("round trip differs:\n got %q\nwant %q", got.ResponseHeaders, in.ResponseHeaders)
	}
	if list, err := s.List(context.Background(), Filter{Text: "Jos"}); err != nil || len(list) != 1 {
		t.Errorf("search over a non-UTF-8 header: %v, %v", list, err)
	}
}

func TestGetMissing(t *testing.T) {
	s := openTest(t, Options{})
	_, err := s.Get(context.Background(), 42)
	if !errors.Is(err, ErrNotFound) || errors.Is(err, ErrUnavailable) {
		t.Fatalf("Get(42) = %v, want ErrNotFound only", err)
	}
	if !strings.Contains(err.Error(), "42") {
		t.Errorf("error %q does not name the id", err)
	}
}

func TestFileModes(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data", "sigscope")
	s, err := Open(filepath.Join(dir, "history.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	mustAdd(t, s, sampleEntry(1))
	st, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if m := st.Mode().Perm(); m != 0o700 {
		t.Errorf("directory mode %o, want 700", m)
	}
	for _, suffix := range []string{"", "-wal", "-shm"} {
		st, err := os.Stat(s.Path() + suffix)
		if err != nil {
			t.Fatalf("history.db%s: %v", suffix, err)
		}
		if m := st.Mode().Perm(); m != 0o600 {
			t.Errorf("history.db%s mode %o, want 600", suffix, m)
		}
	}
}

func TestOpenTightensWideModes(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	s, err = Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	st, _ := os.Stat(path)
	if m := st.Mode().Perm(); m != 0o600 {
		t.Errorf("mode after reopening %o, want 600", m)
	}
}

func TestBodyLimit(t *testing.T) {
	s := openTest(t, Options{})
	big := bytes.Repeat([]byte("a"), 2<<20)
	e := sampleEntry(1)
	e.ResponseBody = Body{Data: big, Size: int64(len(big))}
	id := mustAdd(t, s, e)
	if len(e.ResponseBody.Data) != 2<<20 || e.ResponseBody.Truncated {
		t.Error("Add changed the caller's body")
	}
	got, err := s.Get(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b := got.ResponseBody
	if len(b.Data) != 1<<20 || !b.Truncated || b.Size != 2<<20 {
		t.Errorf("kept %d bytes, truncated %v, size %d; want 1 MiB, true, 2 MiB", len(b.Data), b.Truncated, b.Size)
	}
	if !bytes.Equal(b.Data, big[:1<<20]) {
		t.Error("kept bytes are not the body's first MiB")
	}
}

func TestBodyLimitKeepsWholeCharacters(t *testing.T) {
	s := openTest(t, Options{MaxBody: 5})
	e := sampleEntry(1)
	e.RequestBody = Body{Data: []byte("abcdé")} // é is two bytes, 4 and 5
	e.ResponseBody = Body{Data: []byte{1, 2, 3, 0xc3, 0xa9, 9}, Binary: true}
	id := mustAdd(t, s, e)
	got, _ := s.Get(context.Background(), id)
	if string(got.RequestBody.Data) != "abcd" || got.RequestBody.Size != 6 || !got.RequestBody.Truncated {
		t.Errorf("text body kept %q (size %d, truncated %v), want \"abcd\", 6, true", got.RequestBody.Data, got.RequestBody.Size, got.RequestBody.Truncated)
	}
	if len(got.ResponseBody.Data) != 5 || got.ResponseBody.Size != 6 {
		t.Errorf("binary body kept %d bytes of %d, want 5 of 6", len(got.ResponseBody.Data), got.ResponseBody.Size)
	}
}

func TestRetentionByCount(t *testing.T) {
	s := openTest(t, Options{MaxEntries: 5})
	var ids []int64
	for i := 0; i < 8; i++ {
		ids = append(ids, mustAdd(t, s, sampleEntry(i)))
	}
	list, err := s.List(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	var got []int64
	for _, sm := range list {
		got = append(got, sm.ID)
	}
	want := []int64{ids[7], ids[6], ids[5], ids[4], ids[3]}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("kept %v, want the newest five %v", got, want)
	}
	if _, err := s.Get(context.Background(), ids[0]); !errors.Is(err, ErrNotFound) {
		t.Errorf("oldest entry still there: %v", err)
	}
}

// Newest and oldest are by when entries were recorded: an exchange that
// was sent earlier but answered later (they overlapped) counts as newer.
func TestOrderIsRecordOrder(t *testing.T) {
	s := openTest(t, Options{MaxEntries: 2})
	ctx := context.Background()
	first := mustAdd(t, s, sampleEntry(50))
	slow := mustAdd(t, s, sampleEntry(10)) // sent earlier, recorded second
	list, err := s.List(ctx, Filter{})
	if err != nil || len(list) != 2 || list[0].ID != slow {
		t.Fatalf("List = %v, %v; want the entry recorded last first", list, err)
	}
	last := mustAdd(t, s, sampleEntry(60))
	for id, kept := range map[int64]bool{first: false, slow: true, last: true} {
		_, err := s.Get(ctx, id)
		if kept != (err == nil) {
			t.Errorf("entry %d: kept %v, want %v (err %v)", id, err == nil, kept, err)
		}
	}
}

func TestRetentionByBytes(t *testing.T) {
	body := bytes.Repeat([]byte("x"), 10000)
	e := sampleEntry(0)
	e.ResponseBody = Body{Data: body}
	detail, _ := encodeDetail(e)
	one := entrySize(e, detail)
	s := openTest(t, Options{MaxBytes: 3*one + one/2})
	var ids []int64
	for i := 0; i < 6; i++ {
		e := sampleEntry(i)
		e.ResponseBody = Body{Data: body}
		ids = append(ids, mustAdd(t, s, e))
	}
	n, err := s.Count(context.Background(), Filter{})
	if err != nil {
		t.Fatal(err)
	}
	if n != 3 {
		t.Fatalf("%d entries kept, want 3", n)
	}
	for i, id := range ids {
		_, err := s.Get(context.Background(), id)
		if kept := err == nil; kept != (i >= 3) {
			t.Errorf("entry %d (#%d) kept %v", id, i, kept)
		}
	}
	var total int64
	if err := s.db.QueryRow(`SELECT bytes FROM stats`).Scan(&total); err != nil {
		t.Fatal(err)
	}
	if total > 3*one+one/2 {
		t.Errorf("stats say %d bytes kept, over the limit", total)
	}
}

func TestListFiltersAndCount(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	for i := 0; i < 40; i++ {
		mustAdd(t, s, sampleEntry(i))
	}
	noAnswer := sampleEntry(40)
	noAnswer.Status, noAnswer.StatusText, noAnswer.Error = 0, "", "connect: connection refused"
	mustAdd(t, s, noAnswer)

	cases := []struct {
		name string
		f    Filter
		want int
	}{
		{"all", Filter{}, 41},
		{"collection by name", Filter{Collection: "Collection 2"}, 8},
		{"collection by path", Filter{Collection: "/home/ana/apis/c2.yaml"}, 8},
		{"request exact", Filter{Request: "pets/get-13"}, 1},
		{"request exact, not a prefix", Filter{Request: "pets/get-1"}, 1},
		{"request part", Filter{Request: "GET-1"}, 11}, // get-1, get-10..get-19 (and get-1x only up to 40)
		{"request with LIKE characters", Filter{Request: "get_1%"}, 0},
		{"2xx", Filter{Status: "2xx"}, 32},
		{"403", Filter{Status: "403"}, 4},
		{"4xx", Filter{Status: "4xx"}, 4},
		{"5xx", Filter{Status: "5xx"}, 4},
		{"error", Filter{Status: "error"}, 1},
		{"mismatch", Filter{Status: "mismatch"}, 4},
		{"since", Filter{Since: baseTime.Add(30 * time.Second)}, 11},
		{"before", Filter{Before: baseTime.Add(10 * time.Second)}, 10},
		{"combined", Filter{Collection: "Collection 3", Status: "4xx"}, 4},
		{"text and since", Filter{Text: "pets", Since: baseTime.Add(30 * time.Second)}, 11},
		{"text and before", Filter{Text: "lisbon", Before: baseTime.Add(10 * time.Second)}, 10},
		{"collection file and exact request", Filter{Collection: "/home/ana/apis/c3.yaml", Request: "pets/get-13"}, 1},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			n, err := s.Count(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			list, err := s.List(ctx, c.f)
			if err != nil {
				t.Fatal(err)
			}
			if n != c.want || len(list) != c.want {
				t.Errorf("Count %d, List %d, want %d", n, len(list), c.want)
			}
			for i := 1; i < len(list); i++ {
				if list[i].ID >= list[i-1].ID {
					t.Errorf("list not newest first at %d", i)
				}
			}
		})
	}
	if _, err := s.List(ctx, Filter{Status: "teapot"}); err == nil || !strings.Contains(err.Error(), "4xx") {
		t.Errorf("bad status filter: %v", err)
	}
	page, err := s.List(ctx, Filter{Limit: 5, Offset: 5})
	if err != nil {
		t.Fatal(err)
	}
	if len(page) != 5 || page[0].Request != "pets/get-35" {
		t.Errorf("second page starts with %+v", page[0])
	}
	sm := page[0]
	if sm.Collection != "Collection 0" || sm.Method != "GET" || sm.URL != "https://127.0.0.1:8443/prod/pets/35?limit=10" ||
		sm.Status != 200 || sm.Duration != 4*time.Millisecond || sm.Mode != "iam" || sm.Environment != "local" ||
		!sm.Time.Equal(baseTime.Add(35*time.Second)) {
		t.Errorf("summary %+v", sm)
	}
	last, err := s.Last(ctx, Filter{Status: "5xx"})
	if err != nil || last.Request != "pets/get-37" {
		t.Errorf("Last 5xx = %v, %v", last, err)
	}
	if _, err := s.Last(ctx, Filter{Request: "nothing"}); !errors.Is(err, ErrNotFound) {
		t.Errorf("Last of nothing: %v", err)
	}
}

func TestLastSuccess(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	mk := func(sec int, status int) int64 {
		e := sampleEntry(1)
		e.Time = baseTime.Add(time.Duration(sec) * time.Second)
		e.Status = status
		return mustAdd(t, s, e)
	}
	ok1 := mk(1, 200)
	ok2 := mk(2, 204)
	fail := mk(3, 403)
	other := sampleEntry(2) // another request
	other.Time = baseTime.Add(4 * time.Second)
	other.Status = 500
	mustAdd(t, s, other)

	got, err := s.LastSuccess(ctx, "Collection 1", "pets/get-1", fail)
	if err != nil || got.ID != ok2 {
		t.Fatalf("LastSuccess before the failure = %v, %v; want %d", got, err, ok2)
	}
	got, err = s.LastSuccess(ctx, "Collection 1", "pets/get-1", ok2)
	if err != nil || got.ID != ok1 {
		t.Fatalf("LastSuccess before %d = %v, %v; want %d", ok2, got, err, ok1)
	}
	got, err = s.LastSuccess(ctx, "Collection 1", "pets/get-1", 0)
	if err != nil || got.ID != ok2 {
		t.Fatalf("LastSuccess = %v, %v; want %d", got, err, ok2)
	}
	if _, err := s.LastSuccess(ctx, "Collection 1", "pets/get-1", ok1); !errors.Is(err, ErrNotFound) {
		t.Errorf("nothing before the first success: %v", err)
	}
	if _, err := s.LastSuccess(ctx, "Collection 2", "pets/get-2", 0); !errors.Is(err, ErrNotFound) {
		t.Errorf("a request never answered 2xx: %v", err)
	}
}

func TestClear(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	for i := 0; i < 10; i++ {
		mustAdd(t, s, sampleEntry(i))
	}
	n, err := s.Clear(ctx, baseTime.Add(4*time.Second))
	if err != nil || n != 4 {
		t.Fatalf("Clear before = %d, %v; want 4", n, err)
	}
	if c, _ := s.Count(ctx, Filter{}); c != 6 {
		t.Errorf("%d left, want 6", c)
	}
	if c, _ := s.Count(ctx, Filter{Text: "pet-2"}); c != 0 {
		t.Errorf("search still finds a cleared entry (%d)", c)
	}
	n, err = s.Clear(ctx, time.Time{})
	if err != nil || n != 6 {
		t.Fatalf("Clear all = %d, %v; want 6", n, err)
	}
	var rows int
	if err := s.db.QueryRow(`SELECT (SELECT count(*) FROM entry_data) + (SELECT entries FROM stats)`).Scan(&rows); err != nil || rows != 0 {
		t.Errorf("data rows and stats left after clearing: %d, %v", rows, err)
	}
	// The file was made with 8 KiB pages and incremental auto-vacuum,
	// and Clear gave the freed pages back.
	var autoVacuum, pageSize, free int
	if err := s.db.QueryRow(`SELECT auto_vacuum, page_size FROM pragma_auto_vacuum, pragma_page_size`).Scan(&autoVacuum, &pageSize); err != nil || autoVacuum != 2 || pageSize != 8192 {
		t.Errorf("auto_vacuum = %d, page_size = %d (%v); want 2 (incremental), 8192", autoVacuum, pageSize, err)
	}
	if err := s.db.QueryRow(`PRAGMA freelist_count`).Scan(&free); err != nil || free != 0 {
		t.Errorf("%d free pages left after Clear (%v)", free, err)
	}
	id := mustAdd(t, s, sampleEntry(1))
	if id <= 10 {
		t.Errorf("id %d reused after clear", id)
	}
}

func TestDefaultPath(t *testing.T) {
	env := func(kv ...string) func(string) (string, bool) {
		m := map[string]string{}
		for i := 0; i < len(kv); i += 2 {
			m[kv[i]] = kv[i+1]
		}
		return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
	}
	cases := []struct {
		name string
		env  func(string) (string, bool)
		want string
	}{
		{"home", env("HOME", "/home/ana"), "/home/ana/.local/share/sigscope/history.db"},
		{"xdg", env("HOME", "/home/ana", "XDG_DATA_HOME", "/data"), "/data/sigscope/history.db"},
		{"relative xdg ignored", env("HOME", "/home/ana", "XDG_DATA_HOME", "data"), "/home/ana/.local/share/sigscope/history.db"},
		{"override", env("HOME", "/home/ana", "XDG_DATA_HOME", "/data", "SIGSCOPE_HISTORY", "/tmp/h.db"), "/tmp/h.db"},
		{"override with ~", env("HOME", "/home/ana", "SIGSCOPE_HISTORY", "~/h.db"), "/home/ana/h.db"},
		{"off", env("HOME", "/home/ana", "SIGSCOPE_HISTORY", "off"), ""},
		{"OFF", env("SIGSCOPE_HISTORY", "OFF"), ""},
		{"false", env("SIGSCOPE_HISTORY", "false"), ""},
		{"on is the default place, not a file named on", env("HOME", "/home/ana", "SIGSCOPE_HISTORY", "on"), "/home/ana/.local/share/sigscope/history.db"},
		{"1", env("HOME", "/home/ana", "XDG_DATA_HOME", "/data", "SIGSCOPE_HISTORY", "1"), "/data/sigscope/history.db"},
	}
	for _, c := range cases {
		got, err := DefaultPath(c.env)
		if err != nil || got != c.want {
			t.Errorf("%s: DefaultPath = %q, %v; want %q", c.name, got, err, c.want)
		}
	}
	if _, err := DefaultPath(env()); err == nil || !strings.Contains(err.Error(), "SIGSCOPE_HISTORY") {
		t.Errorf("no HOME: %v", err)
	}
}

// The TUI lists while sends record, from goroutines of one process.
func TestConcurrentUseInOneProcess(t *testing.T) {
	s := openTest(t, Options{})
	ctx := context.Background()
	const writers, each = 4, 25
	errs := make(chan error, writers+1)
	done := make(chan struct{})
	for w := 0; w < writers; w++ {
		go func() {
			for i := 0; i < each; i++ {
				if _, err := s.Add(ctx, sampleEntry(w*each+i)); err != nil {
					errs <- err
					return
				}
			}
			errs <- nil
		}()
	}
	go func() {
		for {
			select {
			case <-done:
				errs <- nil
				return
			default:
			}
			if _, err := s.List(ctx, Filter{Text: "pets"}); err != nil {
				errs <- err
				return
			}
		}
	}()
	for w := 0; w < writers; w++ {
		if err := <-errs; err != nil {
			t.Fatal(err)
		}
	}
	close(done)
	if err := <-errs; err != nil {
		t.Fatal(err)
	}
	if n, err := s.Count(ctx, Filter{}); err != nil || n != writers*each {
		t.Errorf("Count = %d, %v; want %d", n, err, writers*each)
	}
}
