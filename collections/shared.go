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

// YAMLError turns a yaml.v3 error on data into Errors with the line.
func YAMLError(name string, data []byte, err error) error { return yamlError(name, data, err) }

// KindName says what a node is, for messages: "a mapping", "a list",
// "a boolean", "nothing (null)", or a scalar's quoted text.
func KindName(n *yaml.Node) string { return kindName(n) }
