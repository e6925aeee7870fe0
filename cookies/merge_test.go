package cookies

import (
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"
)

// TestParallelSavesKeepEveryCookie: eight processes open the same jar of
// five, each stores a different cookie and saves at the same time; the
// jar ends with thirteen, not with the last writer's six.
func TestParallelSavesKeepEveryCookie(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jar.json")
	now := time.Now()
	o := Origin{Scheme: "https", Host: "api.example.com", Path: "/"}
	base, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; i < 5; i++ {
		base.Store(o, []string{fmt.Sprintf("old%d=v; Max-Age=3600", i)}, now)
	}
	if err := base.Save("c", "e"); err != nil {
		t.Fatal(err)
	}
	jars := make([]*Jar, 8)
	for i := range jars {
		if jars[i], err = Open(path); err != nil { // all read before any saves
			t.Fatal(err)
		}
		jars[i].Store(o, []string{fmt.Sprintf("new%d=v; Max-Age=3600", i)}, now)
	}
	var wg sync.WaitGroup
	errs := make(chan error, len(jars))
	for _, j := range jars {
		wg.Add(1)
		go func(j *Jar) {
			defer wg.Done()
			errs <- j.Save("c", "e")
		}(j)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	final, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := len(final.All(now)); got != 13 {
		t.Fatalf("%d cookies after eight parallel saves into a jar of five, want 13", got)
	}
}

// TestSaveMergesRemovals: a cookie one process removed (an expired
// Set-Cookie) stays removed when another process saves an addition.
func TestSaveMergesRemovals(t *testing.T) {
	path := filepath.Join(t.TempDir(), "jar.json")
	now := time.Now()
	o := Origin{Scheme: "https", Host: "api.example.com", Path: "/"}
	a, _ := Open(path)
	a.Store(o, []string{"session=1; Max-Age=3600", "keep=1; Max-Age=3600"}, now)
	if err := a.Save("c", "e"); err != nil {
		t.Fatal(err)
	}
	b, _ := Open(path)
	c, _ := Open(path)
	b.Store(o, []string{"session=; Max-Age=0"}, now) // logout
	c.Store(o, []string{"theme=dark; Max-Age=3600"}, now)
	if err := b.Save("c", "e"); err != nil {
		t.Fatal(err)
	}
	if err := c.Save("c", "e"); err != nil {
		t.Fatal(err)
	}
	final, _ := Open(path)
	names := map[string]bool{}
	for _, e := range final.All(now) {
		names[e.Cookie.Name] = true
	}
	if names["session"] || !names["keep"] || !names["theme"] {
		t.Fatalf("after a removal and an addition in two processes: %v", names)
	}
	// The saving process sees the others' cookies too.
	if len(c.All(now)) != 2 {
		t.Fatalf("the saving jar holds %d cookies, want the merged 2", len(c.All(now)))
	}
}
