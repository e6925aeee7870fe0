package importer

import (
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"unicode/utf8"

	"github.com/sigscope/sigscope/internal/lazyre"
	"github.com/sigscope/sigscope/internal/termsafe"
)

// Exports are other people's files: a collection folder may hold a link
// to /dev/zero or to ~/.vault-token, a FIFO that never ends, or gigabytes
// of anything. Every file an import reads goes through readOpened: a
// regular file, the same one that was looked at before opening, and at
// most maxInput bytes however large it says it is.

// skipError is a file that is not read, and why. In a folder the import
// goes on and lists the file with what was not mapped.
type skipError struct{ reason string }

func (e *skipError) Error() string { return e.reason }

func isSkip(err error) bool {
	var s *skipError
	return errors.As(err, &s)
}

// notRegular says what a file is when it is not a regular file, "" when it is.
func notRegular(m fs.FileMode) string {
	switch {
	case m.IsRegular():
		return ""
	case m&fs.ModeSymlink != 0:
		return "a symbolic link: sigscope follows no links in a collection folder (copy the file in instead)"
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO), not a regular file"
	case m&fs.ModeSocket != 0:
		return "a socket, not a regular file"
	case m&fs.ModeDevice != 0:
		return "a device, not a regular file"
	}
	return "not a regular file"
}

func tooBig() error {
	return &skipError{fmt.Sprintf("more than %d MiB, more than an export can be", maxInput>>20)}
}

// readOpened reads f, which want (from Lstat or Stat of its name) says is
// a regular file. A name swapped for a link, a FIFO or another file
// between the look and the open is refused, and a file that grows past
// maxInput while it is read (or claims a size of 0, as /proc files do) is
// cut off one byte past the limit.
func readOpened(f *os.File, want fs.FileInfo) ([]byte, error) {
	got, err := f.Stat()
	if err != nil {
		return nil, err
	}
	if r := notRegular(got.Mode()); r != "" {
		return nil, &skipError{r}
	}
	if !os.SameFile(want, got) {
		return nil, &skipError{"replaced by another file while it was opened"}
	}
	if got.Size() > maxInput {
		return nil, tooBig()
	}
	data, err := io.ReadAll(io.LimitReader(f, maxInput+1))
	if err != nil {
		return nil, err
	}
	if len(data) > maxInput {
		return nil, tooBig()
	}
	return data, nil
}

// readInputFile reads an export file the user named (a link they name is
// theirs to follow), refusing anything but a regular file.
func readInputFile(path string, st fs.FileInfo) ([]byte, error) {
	if r := notRegular(st.Mode()); r != "" {
		return nil, errors.New(r)
	}
	f, err := os.OpenFile(path, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return readOpened(f, st)
}

// collectionDir reads the files of a collection folder. Through os.Root
// no name, whatever its folders are swapped for, leads outside the folder;
// each file is checked with Lstat before it is opened and with fstat
// after, so a link (in the folder or swapped in) is never read. What
// the files hold together is bounded as one export is.
type collectionDir struct {
	root    *os.Root
	name    string // the folder as the user named it, for messages
	skipped []Finding
	total   int64
}

func openCollectionDir(dir string) (*collectionDir, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		return nil, err
	}
	return &collectionDir{root: root, name: dir}, nil
}

func (d *collectionDir) Close() error { return d.root.Close() }

// path is rel as the user would name it.
func (d *collectionDir) path(rel string) string { return filepath.Join(d.name, rel) }

// skip lists rel as not read and returns the *skipError saying why.
func (d *collectionDir) skip(rel, reason string) error {
	d.skipped = append(d.skipped, Finding{Where: filepath.ToSlash(rel), What: "not read: " + reason})
	return &skipError{reason}
}

// lstat is Lstat inside the folder; errors name the file as the user knows it.
func (d *collectionDir) lstat(rel string) (fs.FileInfo, error) {
	st, err := d.root.Lstat(rel)
	if err != nil {
		return nil, d.pathErr("read", rel, err)
	}
	return st, nil
}

func (d *collectionDir) pathErr(op, rel string, err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		err = pe.Err
	}
	return fmt.Errorf("%s %s: %w", op, d.path(rel), err)
}

// read reads rel, a regular file of the folder. Anything else is listed
// as skipped and gives a *skipError; a missing file an error that is
// fs.ErrNotExist.
func (d *collectionDir) read(rel string) ([]byte, error) {
	st, err := d.lstat(rel)
	if err != nil {
		return nil, err
	}
	if r := notRegular(st.Mode()); r != "" {
		return nil, d.skip(rel, r)
	}
	f, err := d.root.OpenFile(rel, os.O_RDONLY|openNonblock, 0)
	if err != nil {
		return nil, d.pathErr("open", rel, err)
	}
	defer f.Close()
	data, err := readOpened(f, st)
	var s *skipError
	if errors.As(err, &s) {
		return nil, d.skip(rel, s.reason)
	}
	if err != nil {
		return nil, d.pathErr("read", rel, err)
	}
	d.total += int64(len(data))
	if d.total > maxInput {
		return nil, fmt.Errorf("%s: the collection's files are more than %d MiB together, more than an export can be", d.name, maxInput>>20)
	}
	return data, nil
}

// list lists a folder of the collection ("." for its top), sorted by name.
// Entries carry their own type (a link is a link, not what it points to).
func (d *collectionDir) list(rel string) ([]fs.DirEntry, error) {
	f, err := d.root.Open(rel)
	if err != nil {
		return nil, d.pathErr("open", rel, err)
	}
	defer f.Close()
	entries, err := f.ReadDir(-1)
	if err != nil {
		return nil, d.pathErr("list", rel, err)
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].Name() < entries[j].Name() })
	return entries, nil
}

// subfolder reports whether rel is a folder to read. A link in its place
// is listed as skipped; a missing folder is simply absent.
func (d *collectionDir) subfolder(rel string) (bool, error) {
	st, err := d.lstat(rel)
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	if st.IsDir() {
		return true, nil
	}
	_ = d.skip(rel, notRegular(st.Mode()))
	return false, nil
}

// note copies what was skipped into the collection's report.
func (d *collectionDir) note(c *Collection) {
	for _, f := range d.skipped {
		c.Note(f.Where, "%s", f.What)
	}
}

// excerptMax bounds what an error quotes of a file: enough to find the
// place, too little to print much of a secret the file may hold.
const excerptMax = 40

// cutRunes cuts s to at most n bytes without splitting a UTF-8 sequence.
func cutRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// excerpt quotes at most excerptMax bytes of s, escaped for a terminal.
func excerpt(s string) string {
	cut := cutRunes(s, excerptMax)
	if cut != s {
		cut += "..."
	}
	return `"` + termsafe.Line(cut) + `"`
}

var quotedSpan = lazyre.New("`[^`]*`|'[^']*'|\"(?:[^\"\\\\]|\\\\.)*\"")

// boundMessage caps what a parser's error quotes of its input (yaml.v3
// quotes a duplicate key or an unknown anchor whole) and escapes it for a
// terminal.
func boundMessage(msg string) string {
	msg = quotedSpan.ReplaceAllStringFunc(msg, func(q string) string {
		if len(q) <= excerptMax+2 {
			return q
		}
		return q[:1] + cutRunes(q[1:], excerptMax) + "..." + q[len(q)-1:]
	})
	if cut := cutRunes(msg, 8*excerptMax); cut != msg {
		msg = cut + "..."
	}
	return termsafe.Text(msg)
}
