package workbench

import (
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/sigscope/sigscope/collections"
	"github.com/sigscope/sigscope/cookies"
)

// Options open a collection: which environment, which runtime variables
// (--var), and the process state to read.
type Options struct {
	Environment string
	Vars        map[string]string
	Env         Env
	// AllowFiles are files outside the collection's folder its bodies may
	// read, because the user allowed them (send --allow-file).
	AllowFiles []string
	// Trusted skips the confirmation of the collection's variables and
	// hosts (TrustStatus): for collections sigscope itself ships, such as
	// the bundled demo, never for a file a user opens.
	Trusted bool
	// Files are the files an in-memory collection names beside itself
	// (the bundled demo's schemas), read instead of the disk.
	Files fs.FS
}

// Workbench is one open collection with its environment, variables and
// cookie jars. Its methods may be called from several goroutines (the TUI
// previews while a send is in flight).
type Workbench struct {
	Coll *collections.Collection
	Env  Env
	// inMemory: opened from bytes (OpenBytes), so Save refuses.
	inMemory bool
	files    fs.FS // Options.Files

	// doc guards the collection document: the TUI edits it in Update
	// while previews read it in commands.
	doc sync.RWMutex

	mu          sync.Mutex
	environment string
	vars        map[string]string
	uiVars      map[string]bool         // the runtime variables set with SetVar
	flagVars    map[string]string       // as opened (--var): what UnsetVar restores
	captured    map[string]Captured     // taken from answers (capture:), for the session
	jars        map[string]*cookies.Jar // by environment
	// Whether the text of version emulatorOf says {{emulator}}.
	emulatorOf       uint64
	mentionsEmulator bool

	// Trust (trust.go): trusted by construction, the variables and hosts
	// of the current text, and the hash last found or made trusted.
	trusted     bool
	trustMu     sync.Mutex
	trustCalc   trustInfo
	trustedHash string
}

// Open loads the collection file at path.
func Open(path string, o Options) (*Workbench, error) {
	if fi, err := os.Stat(path); err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a folder: give the collection file (one of its .yaml files)", path)
	}
	c, err := collections.Load(path)
	if err != nil {
		return nil, err
	}
	return newWorkbench(c, o), nil
}

// OpenBytes opens a collection held in memory (the bundled demo); name
// stands for its path in messages and cache keys.
func OpenBytes(name string, data []byte, o Options) (*Workbench, error) {
	c, err := collections.LoadBytes(name, data)
	if err != nil {
		return nil, err
	}
	w := newWorkbench(c, o)
	w.inMemory, w.files = true, o.Files
	return w, nil
}

// OpenCollection wraps a collection already loaded.
func OpenCollection(c *collections.Collection, o Options) *Workbench { return newWorkbench(c, o) }

func newWorkbench(c *collections.Collection, o Options) *Workbench {
	vars := map[string]string{}
	for k, v := range o.Vars {
		vars[k] = v
	}
	// Collections write {{emulator}}/prod: a base URL given with a
	// trailing slash would make //prod, a different path to sign.
	if e, ok := vars["emulator"]; ok {
		vars["emulator"] = strings.TrimRight(e, "/")
	}
	c.AllowFiles = append(c.AllowFiles, o.AllowFiles...)
	flagVars := make(map[string]string, len(vars))
	for k, v := range vars {
		flagVars[k] = v
	}
	return &Workbench{Coll: c, Env: o.Env, environment: o.Environment, vars: vars, flagVars: flagVars, jars: map[string]*cookies.Jar{}, trusted: o.Trusted}
}

// Environment is the environment chosen ("" for the collection's default).
func (w *Workbench) Environment() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.environment
}

// EffectiveEnvironment names the environment a request resolves in: the
// chosen one, else the collection's default, else its only one.
func (w *Workbench) EffectiveEnvironment() string {
	if e := w.Environment(); e != "" {
		return e
	}
	if w.Coll.DefaultEnvironment != "" {
		return w.Coll.DefaultEnvironment
	}
	if envs := w.Coll.Environments(); len(envs) == 1 {
		return envs[0]
	}
	return ""
}

// SetEnvironment switches the environment for later calls.
func (w *Workbench) SetEnvironment(name string) error {
	if name != "" && !contains(w.Coll.Environments(), name) {
		return fmt.Errorf("collection %s has no environment %q (environments: %s)", w.Coll.Path, name, strings.Join(w.Coll.Environments(), ", "))
	}
	w.mu.Lock()
	w.environment = name
	w.mu.Unlock()
	return nil
}

// Vars returns a copy of the runtime variables.
func (w *Workbench) Vars() map[string]string {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := make(map[string]string, len(w.vars))
	for k, v := range w.vars {
		out[k] = v
	}
	return out
}

// Resolve expands one request in the current environment.
func (w *Workbench) Resolve(requestPath string) (*collections.ResolvedRequest, error) {
	w.doc.RLock()
	defer w.doc.RUnlock()
	return w.resolve(requestPath)
}

func (w *Workbench) resolve(requestPath string) (*collections.ResolvedRequest, error) {
	return w.Coll.Resolve(requestPath, w.Environment(), w.Vars(), w.Env.lookup)
}

// AuthOf is a request's auth mode as the file sets it, without resolving
// its templates (a captured variable has no value before its run).
func (w *Workbench) AuthOf(requestPath string) (collections.AuthMode, error) {
	w.doc.RLock()
	defer w.doc.RUnlock()
	mode, _, err := w.Coll.AuthOf(requestPath)
	return mode, err
}

// Requests lists the collection's requests in file order.
func (w *Workbench) Requests() []collections.RequestRef {
	w.doc.RLock()
	defer w.doc.RUnlock()
	return w.Coll.Requests()
}

// Edit changes the open document in memory: no I/O, so the UI may call
// it from its update loop. Nothing reaches the file until Save.
func (w *Workbench) Edit(fn func(c *collections.Collection) error) error {
	w.doc.Lock()
	defer w.doc.Unlock()
	return fn(w.Coll)
}

// Save writes the document to its file, keeping comments and untouched
// formatting; it refuses when the file changed on disk meanwhile
// (collections.ErrChangedOnDisk).
func (w *Workbench) Save() error {
	if w.inMemory {
		// Its name is where the bytes came from (the bundled demo names
		// its source in the checkout), never a file to write over.
		return fmt.Errorf("save %s: this collection was opened from memory (the bundled demo), not from a file: nothing is written", w.Coll.Path)
	}
	w.doc.Lock()
	defer w.doc.Unlock()
	return w.Coll.Save()
}

// NeedsEmulator reports whether the collection talks to the emulator
// ({{emulator}}) while no emulator variable was given: the hint for a
// failed resolve. The UI asks it on its update loop, so the look through
// the text is kept per version of the text.
func (w *Workbench) NeedsEmulator() bool {
	w.doc.RLock()
	defer w.doc.RUnlock()
	_, given := w.Vars()["emulator"]
	if given {
		return false
	}
	v := w.Coll.Version()
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.emulatorOf != v {
		w.emulatorOf, w.mentionsEmulator = v, w.Coll.Contains("{{emulator}}")
	}
	return w.mentionsEmulator
}

// collectionPath is the collection's file with symlinks resolved, the key
// of its caches, so that two names for one file share tokens and cookies.
func (w *Workbench) collectionPath() string {
	p := w.Coll.Path
	if abs, err := filepath.Abs(p); err == nil {
		p = abs
	}
	if real, err := filepath.EvalSymlinks(p); err == nil {
		p = real
	}
	return p
}

// jar returns the persistent cookie jar of an environment, opened once.
func (w *Workbench) jar(env string) (*cookies.Jar, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if j, ok := w.jars[env]; ok {
		return j, nil
	}
	dir, err := w.Env.cacheDir()
	if err != nil {
		return nil, fmt.Errorf("cookie jar: %w", err)
	}
	j, err := cookies.Open(cookies.PathIn(filepath.Join(dir, "cookies"), w.collectionPath(), env))
	if err != nil {
		return nil, err
	}
	w.jars[env] = j
	return j, nil
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// Dirty reports whether the document has edits not yet saved.
func (w *Workbench) Dirty() bool {
	w.doc.RLock()
	defer w.doc.RUnlock()
	return w.Coll.Dirty()
}

// Reload reads the file again, dropping unsaved edits.
func (w *Workbench) Reload() error {
	w.doc.Lock()
	defer w.doc.Unlock()
	return w.Coll.Reload()
}
