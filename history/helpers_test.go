package history

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestMain lets the test binary double as the child process of the
// multi-process tests: with SIGSCOPE_HISTORY_HELPER set it runs that
// helper instead of the tests and exits.
func TestMain(m *testing.M) {
	if mode := os.Getenv(helperEnv); mode != "" {
		os.Exit(runHelper(mode))
	}
	code := m.Run()
	cleanupBenchFixture()
	os.Exit(code)
}

func openTest(t testing.TB, opts Options) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "history.db"), opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func mustAdd(t testing.TB, s *Store, e *Entry) int64 {
	t.Helper()
	id, err := s.Add(context.Background(), e)
	if err != nil {
		t.Fatalf("Add: %v", err)
	}
	return id
}

var baseTime = time.Date(2025, 3, 4, 5, 6, 7, 890123456, time.UTC)

// fullEntry has every field of Entry set to something distinct.
func fullEntry() *Entry {
	return &Entry{
		Time:           baseTime.In(time.FixedZone("CET", 3600)),
		Collection:     "Pets API",
		CollectionPath: "/home/ana/apis/pets.yaml",
		Request:        "admin/Create pet",
		Environment:    "local",
		Mode:           "iam",
		Profile:        "app",
		User:           "ana",
		Source:         "send",
		Method:         "POST",
		URL:            "https://127.0.0.1:8443/prod/pets?limit=10&type=dog&type=cat&q=a%20b",
		RequestHeaders: []Header{
			{"Host", "127.0.0.1:8443"},
			{"Content-Type", "application/json"},
			{"X-Amz-Date", "20250304T050607Z"},
			{"X-Amz-Security-Token", "‹masked session_token 1a2b3c4d5e6f›"},
			{"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250304/us-east-1/execute-api/aws4_request, SignedHeaders=content-type;host;x-amz-date, Signature=‹fp 9f8e7d›"},
		},
		RequestBody:     Body{Data: []byte(`{"name":"Rex","kind":"dog"}`), Size: 27, MimeType: "application/json"},
		RequestWireHead: "POST /prod/pets?limit=10&type=dog&type=cat&q=a%20b HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nContent-Type: application/json\r\nX-Amz-Date: 20250304T050607Z\r\n\r\n",
		Signing: &Signing{
			Algorithm:        "AWS4-HMAC-SHA256",
			AccessKeyID:      "AKIDEXAMPLE",
			RequestDate:      "20250304T050607Z",
			Scope:            "20250304/us-east-1/execute-api/aws4_request",
			SignedHeaders:    "content-type;host;x-amz-date",
			PayloadHash:      "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
			CanonicalRequest: "POST\n/prod/pets\nlimit=10&q=a%20b&type=cat&type=dog\ncontent-type:application/json\nhost:127.0.0.1:8443\nx-amz-date:20250304T050607Z\n\ncontent-type;host;x-amz-date\n44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
			StringToSign:     "AWS4-HMAC-SHA256\n20250304T050607Z\n20250304/us-east-1/execute-api/aws4_request\nb1946ac92492d2347c6235b4d2611184",
			Signature:        "‹fp 9f8e7d›",
			Presigned:        true,
		},
		Status:     403,
		StatusText: "403 Forbidden",
		ResponseHeaders: []Header{
			{"Content-Type", "application/octet-stream"},
			{"Set-Cookie", "session=‹masked cookie›; Path=/; HttpOnly; Secure"},
			{"Location", "https://127.0.0.1:8443/prod/elsewhere"},
		},
		ResponseBody:    Body{Data: []byte{0x00, 0x01, 0xfe, 0xff}, Size: 4096, Truncated: true, Binary: true, MimeType: "application/octet-stream"},
		CookiesSent:     []Cookie{{Name: "pref", Value: "‹masked›", Domain: "127.0.0.1", Path: "/", Attributes: "Path=/", Stored: true, Reason: "sent"}},
		CookiesReceived: []Cookie{{Name: "session", Value: "‹masked cookie›", Domain: "127.0.0.1", Path: "/prod", Attributes: "Path=/prod; Expires=Wed, 05 Mar 2025 05:06:07 GMT; HttpOnly; Secure", Stored: false, Reason: "Secure cookie from an http origin"}},
		Timings: Timings{
			DNS: 1 * time.Millisecond, Connect: 2 * time.Millisecond, TLS: 3 * time.Millisecond, Send: 400 * time.Microsecond,
			FirstByte: 9 * time.Millisecond, Transfer: 1500 * time.Microsecond, Total: 12 * time.Millisecond,
		},
		TLS:       "TLS 1.3, TLS_AES_128_GCM_SHA256, server 127.0.0.1, issuer sigscope emulator CA",
		Error:     "read response: connection reset",
		ErrorKind: "incomplete",
		Diagnosis: "signature mismatch: the canonical query differs",
		Mismatch:  true,
		Warnings:  []string{"clock skew 3s", "header changed after signing"},
		Secrets: []Secret{{Kind: "session_token", Name: "X-Amz-Security-Token", Fingerprint: "1a2b3c4d5e6f",
			Claims: map[string]string{"sub": "0000-1111", "token_use": "id"}}},
	}
}

// sampleEntry is a realistic exchange of about 2 KB, varied by i: 97
// distinct requests over 5 collections, one in five failing.
func sampleEntry(i int) *Entry {
	req := fmt.Sprintf("pets/get-%d", i%97)
	status, text := 200, "200 OK"
	switch {
	case i%10 == 3:
		status, text = 403, "403 Forbidden"
	case i%10 == 7:
		status, text = 500, "500 Internal Server Error"
	}
	path := fmt.Sprintf("/prod/pets/%d", i%1000)
	date := baseTime.Add(time.Duration(i) * time.Second)
	amz := date.Format("20060102T150405Z")
	body := fmt.Sprintf(`{"id":%d,"name":"pet-%d","tags":["dog","good","word%d"],"owner":{"name":"ana","city":"Lisbon"},"notes":"%s"}`,
		i, i, i%997, strings.Repeat("lorem ipsum dolor sit amet ", 12))
	canon := fmt.Sprintf("GET\n%s\nlimit=10\nhost:127.0.0.1:8443\nx-amz-date:%s\nx-amz-security-token:masked\n\nhost;x-amz-date;x-amz-security-token\ne3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", path, amz)
	return &Entry{
		Time:            date,
		Collection:      fmt.Sprintf("Collection %d", i%5),
		CollectionPath:  fmt.Sprintf("/home/ana/apis/c%d.yaml", i%5),
		Request:         req,
		Environment:     "local",
		Mode:            "iam",
		Profile:         "app",
		Source:          "send",
		Method:          "GET",
		URL:             "https://127.0.0.1:8443" + path + "?limit=10",
		RequestHeaders:  []Header{{"Host", "127.0.0.1:8443"}, {"X-Amz-Date", amz}, {"X-Amz-Security-Token", "‹masked›"}, {"Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250304/us-east-1/execute-api/aws4_request, SignedHeaders=host;x-amz-date;x-amz-security-token, Signature=‹fp›"}},
		RequestWireHead: "GET " + path + "?limit=10 HTTP/1.1\r\nHost: 127.0.0.1:8443\r\nX-Amz-Date: " + amz + "\r\n\r\n",
		Signing: &Signing{Algorithm: "AWS4-HMAC-SHA256", AccessKeyID: "AKIDEXAMPLE", RequestDate: amz,
			Scope: "20250304/us-east-1/execute-api/aws4_request", SignedHeaders: "host;x-amz-date;x-amz-security-token",
			CanonicalRequest: canon, StringToSign: "AWS4-HMAC-SHA256\n" + amz + "\n20250304/us-east-1/execute-api/aws4_request\n" + fmt.Sprintf("%064x", i)},
		Status:          status,
		StatusText:      text,
		ResponseHeaders: []Header{{"Content-Type", "application/json"}, {"X-Amzn-RequestId", fmt.Sprintf("req-%08d", i)}},
		ResponseBody:    Body{Data: []byte(body), Size: int64(len(body)), MimeType: "application/json"},
		Timings:         Timings{Connect: time.Millisecond, Send: 100 * time.Microsecond, FirstByte: 3 * time.Millisecond, Transfer: 200 * time.Microsecond, Total: 4 * time.Millisecond},
		Mismatch:        status == 403,
	}
}

// rawDB opens the file with the store's settings but no migration, to
// build databases as older versions left them.
func rawDB(t testing.TB, path string) *sql.DB {
	t.Helper()
	if err := prepareFile(path, false); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", dsn(path, Options{}.withDefaults()))
	if err != nil {
		t.Fatal(err)
	}
	return db
}

// buildAt makes a database at schema version v (and WAL mode, as Open
// would) and runs fill in a transaction on it.
func buildAt(t testing.TB, path string, v int, fill func(tx *sql.Tx)) {
	t.Helper()
	ctx := context.Background()
	db := rawDB(t, path)
	defer db.Close()
	conn, err := db.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `PRAGMA journal_mode = WAL`); err != nil {
		t.Fatal(err)
	}
	if err := migrate(ctx, conn, v); err != nil {
		t.Fatal(err)
	}
	if fill == nil {
		return
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	fill(tx)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}

func userVersion(t testing.TB, path string) int {
	t.Helper()
	db := rawDB(t, path)
	defer db.Close()
	var v int
	if err := db.QueryRow(`PRAGMA user_version`).Scan(&v); err != nil {
		t.Fatal(err)
	}
	return v
}
