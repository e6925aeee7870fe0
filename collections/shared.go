package collections

import "gopkg.in/yaml.v3"

// Helpers for the other YAML files sigscope reads and writes (the user's
// settings), so that their messages and their output read as a
// collection's do.

// DidYouMean suggests the closest of candidates to a misspelt word, as
// "; did you mean "x"?", or "".
func DidYouMean(word string, candidates []string) string { return didYouMean(word, candidates) }

// EncodeDocument writes a yaml.v3 document with a collection's indentation.
func EncodeDocument(doc *yaml.Node) ([]byte, error) { return encodeDoc(doc) }
