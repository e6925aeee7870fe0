package importer

import "io/fs"

// isCorpusFormat reports whether an entry of testdata/ holds sources of
// one format (testdata/FORMAT/): testdata/fuzz is the go command's
// corpus of fuzz inputs, not a format.
func isCorpusFormat(e fs.DirEntry) bool {
	return e.IsDir() && e.Name() != "fuzz"
}
