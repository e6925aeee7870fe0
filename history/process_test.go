package history

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"maps"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// The child processes are this test binary, re-run with these variables.
const (
	helperEnv      = "SIGSCOPE_HISTORY_HELPER" // writer | killed
	helperDBEnv    = "SIGSCOPE_HISTORY_HELPER_DB"
	helperTagEnv   = "SIGSCOPE_HISTORY_HELPER_TAG"
	helperCountEnv = "SIGSCOPE_HISTORY_HELPER_COUNT"
	helperSyncEnv  = "SIGSCOPE_HISTORY_HELPER_SYNC" // a folder where writers meet before writing
)

func runHelper(mode string) int {
	path := os.Getenv(helperDBEnv)
	tag := os.Getenv(helperTagEnv)
	n, err := strconv.Atoi(os.Getenv(helperCountEnv))
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: bad count:", err)
		return 2
	}
	s, err := Open(path, Options{BusyTimeout: 30 * time.Second})
	if err != nil {
		fmt.Fprintln(os.Stderr, "helper: open:", err)
		return 1
	}
	defer s.Close()
	ctx := context.Background()
	switch mode {
	case "writer":
		if err := meet(os.Getenv(helperSyncEnv), tag); err != nil {
			fmt.Fprintln(os.Stderr, "helper:", err)
			return 1
		}
		for i := 0; i < n; i++ {
			e := sampleEntry(i)
			e.Source = tag
			e.Request = fmt.Sprintf("%s/%d", tag, i)
			if _, err := s.Add(ctx, e); err != nil {
				fmt.Fprintf(os.Stderr, "helper %s: add %d: %v\n", tag, i, err)
				return 1
			}
		}
		return 0
	case "killed":
		for i := 0; i < n; i++ {
			if _, err := s.Add(ctx, sampleEntry(i)); err != nil {
				fmt.Fprintf(os.Stderr, "helper: add %d: %v\n", i, err)
				return 1
			}
			fmt.Printf("committed %d\n", i+1)
		}
		// A transaction big enough to spill pages into the WAL, never
		// committed: the parent kills us in the middle of it.
		tx, err := s.db.BeginTx(ctx, nil)
		if err != nil {
			fmt.Fprintln(os.Stderr, "helper: begin:", err)
			return 1
		}
		for i := n; i < n+3000; i++ {
			e := prepareEntry(sampleEntry(i), s.opts)
			detail, _ := encodeDetail(e)
			id, err := insertEntry(ctx, tx, e, detail, entrySize(e, detail))
			if err == nil {
				err = indexText(ctx, tx, id, e)
			}
			if err != nil {
				fmt.Fprintln(os.Stderr, "helper: insert in transaction:", err)
				return 1
			}
		}
		fmt.Println("in transaction")
		time.Sleep(time.Hour)
		return 1
	}
	fmt.Fprintln(os.Stderr, "helper: unknown mode", mode)
	return 2
}

// meet marks this writer ready in dir and waits for the other one, so
// that both write at the same time.
func meet(dir, tag string) error {
	if err := os.WriteFile(filepath.Join(dir, tag), nil, 0o600); err != nil {
		return err
	}
	for deadline := time.Now().Add(time.Minute); time.Now().Before(deadline); time.Sleep(5 * time.Millisecond) {
		names, err := os.ReadDir(dir)
		if err != nil {
			return err
		}
		if len(names) >= 2 {
			return nil
		}
	}
	return fmt.Errorf("the other writer never started")
}

func helperCmd(mode, path, tag string, count int, extra ...string) *exec.Cmd {
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(),
		helperEnv+"="+mode, helperDBEnv+"="+path, helperTagEnv+"="+tag, helperCountEnv+"="+strconv.Itoa(count))
	cmd.Env = append(cmd.Env, extra...)
	return cmd
}

func TestTwoProcessesWriteAtOnce(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "history.db") // not there yet: both create and migrate it
	sync := filepath.Join(dir, "ready")
	if err := os.Mkdir(sync, 0o700); err != nil {
		t.Fatal(err)
	}
	const each = 1000
	var cmds []*exec.Cmd
	var errs []*bytes.Buffer
	for _, tag := range []string{"A", "B"} {
		cmd := helperCmd("writer", path, tag, each, helperSyncEnv+"="+sync)
		var stderr bytes.Buffer
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		cmds, errs = append(cmds, cmd), append(errs, &stderr)
	}
	for i, cmd := range cmds {
		if err := cmd.Wait(); err != nil {
			t.Fatalf("writer %d: %v\n%s", i, err, errs[i])
		}
	}

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := s.List(ctx, Filter{Limit: 3 * each})
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2*each {
		t.Fatalf("%d entries, want %d", len(list), 2*each)
	}
	seen := map[string]bool{}
	writerOf := map[int64]byte{}
	for _, sm := range list {
		seen[sm.Request] = true
		writerOf[sm.ID] = sm.Request[0]
		e, err := s.Get(ctx, sm.ID)
		if err != nil {
			t.Fatalf("entry %d: %v", sm.ID, err)
		}
		if e.Source != sm.Request[:1] || e.Request != sm.Request || e.Signing == nil || len(e.ResponseBody.Data) == 0 {
			t.Fatalf("entry %d is not what its writer wrote: %+v", sm.ID, e)
		}
	}
	for _, tag := range []string{"A", "B"} {
		for i := 0; i < each; i++ {
			if r := fmt.Sprintf("%s/%d", tag, i); !seen[r] {
				t.Errorf("entry %s lost", r)
			}
		}
	}
	ids := slices.Sorted(maps.Keys(writerOf))
	switches := 0
	for i := 1; i < len(ids); i++ {
		if writerOf[ids[i]] != writerOf[ids[i-1]] {
			switches++
		}
	}
	t.Logf("the writers' commits alternate %d times", switches)
}

func TestKilledWriterKeepsCommittedEntries(t *testing.T) {
	path := filepath.Join(t.TempDir(), "history.db")
	const n = 40
	cmd := helperCmd("killed", path, "K", n)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	committed, inTx := 0, false
	sc := bufio.NewScanner(out)
	for sc.Scan() {
		line := sc.Text()
		if c, ok := strings.CutPrefix(line, "committed "); ok {
			committed, _ = strconv.Atoi(c)
		}
		if line == "in transaction" {
			inTx = true
			break
		}
	}
	if !inTx {
		cmd.Wait()
		t.Fatalf("the writer stopped before its last transaction (committed %d): %s", committed, &stderr)
	}
	if st, err := os.Stat(path + "-wal"); err == nil {
		t.Logf("WAL holds %d bytes when the writer is killed", st.Size())
	}
	if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	err = cmd.Wait()
	if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); !ok || !ws.Signaled() || ws.Signal() != syscall.SIGKILL {
		t.Fatalf("writer ended with %v, not killed", err)
	}

	s, err := Open(path, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ctx := context.Background()
	if err := s.IntegrityCheck(ctx); err != nil {
		t.Fatal(err)
	}
	list, err := s.List(ctx, Filter{Limit: 10 * n})
	if err != nil {
		t.Fatal(err)
	}
	if committed != n || len(list) != n {
		t.Fatalf("%d entries after the kill, %d reported committed, want %d", len(list), committed, n)
	}
	for _, sm := range list {
		if _, err := s.Get(ctx, sm.ID); err != nil {
			t.Errorf("entry %d: %v", sm.ID, err)
		}
	}
	if c, err := s.Count(ctx, Filter{Text: "pet-7"}); err != nil || c != 1 {
		t.Errorf("search after the kill: %d, %v", c, err)
	}
	mustAdd(t, s, sampleEntry(n))
}
