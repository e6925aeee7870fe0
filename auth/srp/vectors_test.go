package srp

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"math/big"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/sigscope/sigscope/internal/peer"
)

// vectorFile mirrors testdata/vectors.json, written by
// testdata/node/gen-vectors.js from amazon-cognito-identity-js.
type vectorFile struct {
	Generator    string           `json:"generator"`
	Cases        []vectorCase     `json:"cases"`
	Timestamps   []timestampCase  `json:"timestamps"`
	SecretHashes []secretHashCase `json:"secret_hashes"`
}

type vectorCase struct {
	Name         string `json:"name"`
	UserPoolID   string `json:"user_pool_id"`
	UserIDForSRP string `json:"user_id_for_srp"`
	Password     string `json:"password"`
	A            string `json:"a"`
	B            string `json:"b"`
	Salt         string `json:"salt"`
	SecretBlock  string `json:"secret_block"`
	Now          string `json:"now"`
	Expected     struct {
		K         string `json:"k"`
		A         string `json:"A"`
		V         string `json:"v"`
		B         string `json:"B"`
		U         string `json:"u"`
		Key       string `json:"key"`
		Timestamp string `json:"timestamp"`
		Signature string `json:"signature"`
	} `json:"expected"`
}

type timestampCase struct {
	Now  string `json:"now"`
	Text string `json:"text"`
}

type secretHashCase struct {
	ClientID     string `json:"client_id"`
	ClientSecret string `json:"client_secret"`
	Username     string `json:"username"`
	SecretHash   string `json:"secret_hash"`
}

func loadVectors(t *testing.T, data []byte) vectorFile {
	t.Helper()
	var v vectorFile
	if err := json.Unmarshal(data, &v); err != nil {
		t.Fatalf("parse vectors: %v", err)
	}
	if len(v.Cases) == 0 || len(v.Timestamps) == 0 || len(v.SecretHashes) == 0 {
		t.Fatalf("vectors are incomplete: %d cases, %d timestamps, %d secret hashes", len(v.Cases), len(v.Timestamps), len(v.SecretHashes))
	}
	return v
}

func hexInt(t *testing.T, s string) *big.Int {
	t.Helper()
	n, err := ParseHex("value", s)
	if err != nil {
		t.Fatal(err)
	}
	return n
}

// TestVectors checks both halves against values computed by
// amazon-cognito-identity-js (committed, so it runs without node).
func TestVectors(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	checkVectors(t, loadVectors(t, data))
}

func checkVectors(t *testing.T, vf vectorFile) {
	for _, c := range vf.Cases {
		t.Run(c.Name, func(t *testing.T) {
			if got := K().Text(16); got != c.Expected.K {
				t.Errorf("k = %s, want %s", got, c.Expected.K)
			}
			client, err := NewClient(c.UserPoolID, hexInt(t, c.A))
			if err != nil {
				t.Fatal(err)
			}
			if got := client.SRPA(); got != c.Expected.A {
				t.Errorf("SRP_A differs from the library's")
			}
			poolName, err := PoolName(c.UserPoolID)
			if err != nil {
				t.Fatal(err)
			}
			v, err := Verifier(poolName, c.UserIDForSRP, c.Password, c.Salt)
			if err != nil {
				t.Fatal(err)
			}
			if v.Text(16) != c.Expected.V {
				t.Errorf("verifier differs from the one computed with the library's helpers")
			}
			server, err := NewServer(v, hexInt(t, c.B))
			if err != nil {
				t.Fatal(err)
			}
			if server.SRPB() != c.Expected.B {
				t.Errorf("SRP_B differs from k·v + g^b computed with the library's BigInteger")
			}
			if got := computeU(hexInt(t, c.Expected.A), hexInt(t, c.Expected.B)).Text(16); got != c.Expected.U {
				t.Errorf("u = %s, want %s", got, c.Expected.U)
			}
			ck, err := client.SessionKey(c.UserIDForSRP, c.Password, c.Salt, c.Expected.B)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(ck) != c.Expected.Key {
				t.Errorf("client key %x, want %s", ck, c.Expected.Key)
			}
			sk, err := server.SessionKey(c.Expected.A)
			if err != nil {
				t.Fatal(err)
			}
			if hex.EncodeToString(sk) != c.Expected.Key {
				t.Errorf("server key %x, want %s", sk, c.Expected.Key)
			}
			now, err := time.Parse(time.RFC3339, c.Now)
			if err != nil {
				t.Fatal(err)
			}
			sig, ts, err := client.PasswordClaim(c.UserIDForSRP, c.Password, c.Salt, c.Expected.B, c.SecretBlock, now)
			if err != nil {
				t.Fatal(err)
			}
			if ts != c.Expected.Timestamp {
				t.Errorf("timestamp %q, want %q", ts, c.Expected.Timestamp)
			}
			if sig != c.Expected.Signature {
				t.Errorf("signature %s, want %s", sig, c.Expected.Signature)
			}
			block, _ := base64.StdEncoding.DecodeString(c.SecretBlock)
			if !VerifyClaim(sk, poolName, c.UserIDForSRP, block, c.Expected.Timestamp, c.Expected.Signature) {
				t.Errorf("server rejects the library's claim")
			}
		})
	}
	for _, c := range vf.Timestamps {
		now, err := time.Parse(time.RFC3339, c.Now)
		if err != nil {
			t.Fatal(err)
		}
		if got := FormatTimestamp(now.In(time.FixedZone("X", -7*3600))); got != c.Text {
			t.Errorf("FormatTimestamp(%s) = %q, want %q (DateHelper)", c.Now, got, c.Text)
		}
		back, err := ParseTimestamp(c.Text)
		if err != nil || !back.Equal(now) {
			t.Errorf("ParseTimestamp(%q) = %v, %v; want %s", c.Text, back, err, c.Now)
		}
	}
	for _, c := range vf.SecretHashes {
		if got := SecretHash(c.ClientID, c.ClientSecret, c.Username); got != c.SecretHash {
			t.Errorf("SecretHash(%s, …, %s) = %s, want %s", c.ClientID, c.Username, got, c.SecretHash)
		}
	}
}

// TestVectorsRegenerate runs the generator with the real library and checks
// that it still produces the committed vectors, and that they still pass.
func TestVectorsRegenerate(t *testing.T) {
	node := peer.Command(t, "node")
	dir := filepath.Join("testdata", "node")
	if _, err := os.Stat(filepath.Join(dir, "node_modules", "amazon-cognito-identity-js", "package.json")); err != nil {
		peer.Missing(t, "%s/node_modules not installed (run: npm ci --prefix auth/srp/testdata/node)", dir)
	}
	cmd := exec.Command(node, "gen-vectors.js")
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("node gen-vectors.js: %v\n%s", err, stderr.String())
	}
	fresh := loadVectors(t, out)
	committedData, err := os.ReadFile(filepath.Join("testdata", "vectors.json"))
	if err != nil {
		t.Fatal(err)
	}
	committed := loadVectors(t, committedData)
	if fresh.Generator != committed.Generator {
		t.Errorf("vectors were generated by %s, node_modules has %s: regenerate testdata/vectors.json (cd auth/srp && node testdata/node/gen-vectors.js > testdata/vectors.json) or pin the package back", committed.Generator, fresh.Generator)
	}
	if !reflect.DeepEqual(fresh.Cases, committed.Cases) || !reflect.DeepEqual(fresh.Timestamps, committed.Timestamps) ||
		!reflect.DeepEqual(fresh.SecretHashes, committed.SecretHashes) {
		t.Errorf("regenerated vectors differ from testdata/vectors.json; inspect with: cd auth/srp && node testdata/node/gen-vectors.js | diff testdata/vectors.json -")
	}
	checkVectors(t, fresh)
}
