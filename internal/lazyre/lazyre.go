// Package lazyre is a regular expression compiled on its first use rather
// than in the package's initialisation: a regexp.MustCompile in a package
// variable runs at the start of every sigscope command, whether the command
// matches anything or not (issue 21: the expressions of the importers, the
// emulator, collections and explain took most of sigscope's own init time).
//
// A *Regexp has the methods of *regexp.Regexp that sigscope uses, so a
// package variable changes from regexp.MustCompile(`...`) to
// lazyre.New(`...`) and its uses stay as they are. An expression that does
// not compile panics at its first use; CompileAll, called by the start-up
// test, compiles every one in the binary so that none waits for its first
// use to fail.
package lazyre

import (
	"fmt"
	"regexp"
	"sync"
)

// Regexp is an expression compiled on first use; safe for concurrent use.
type Regexp struct {
	expr string
	re   func() *regexp.Regexp
}

var (
	allMu sync.Mutex
	all   []*Regexp
)

// New returns expr, to be compiled (with regexp.MustCompile) on first use.
func New(expr string) *Regexp {
	r := &Regexp{expr: expr, re: sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(expr) })}
	allMu.Lock()
	all = append(all, r)
	allMu.Unlock()
	return r
}

// CompileAll compiles every expression made with New so far and returns
// the first that does not compile.
func CompileAll() error {
	allMu.Lock()
	list := append([]*Regexp(nil), all...)
	allMu.Unlock()
	for _, r := range list {
		if _, err := regexp.Compile(r.expr); err != nil {
			return fmt.Errorf("lazyre: %w", err)
		}
	}
	return nil
}

// Regexp is the compiled expression, for what the methods below lack.
func (r *Regexp) Regexp() *regexp.Regexp { return r.re() }

func (r *Regexp) String() string { return r.expr }

func (r *Regexp) Match(b []byte) bool                  { return r.re().Match(b) }
func (r *Regexp) MatchString(s string) bool            { return r.re().MatchString(s) }
func (r *Regexp) FindStringSubmatch(s string) []string { return r.re().FindStringSubmatch(s) }
func (r *Regexp) FindSubmatch(b []byte) [][]byte       { return r.re().FindSubmatch(b) }
func (r *Regexp) FindAllString(s string, n int) []string {
	return r.re().FindAllString(s, n)
}
func (r *Regexp) FindAllStringSubmatch(s string, n int) [][]string {
	return r.re().FindAllStringSubmatch(s, n)
}
func (r *Regexp) FindAllStringSubmatchIndex(s string, n int) [][]int {
	return r.re().FindAllStringSubmatchIndex(s, n)
}
func (r *Regexp) FindStringSubmatchIndex(s string) []int { return r.re().FindStringSubmatchIndex(s) }
func (r *Regexp) FindStringIndex(s string) []int         { return r.re().FindStringIndex(s) }
func (r *Regexp) FindString(s string) string             { return r.re().FindString(s) }
func (r *Regexp) ReplaceAllString(src, repl string) string {
	return r.re().ReplaceAllString(src, repl)
}
func (r *Regexp) ReplaceAllStringFunc(src string, repl func(string) string) string {
	return r.re().ReplaceAllStringFunc(src, repl)
}
