// Package collections carries the example collections inside the binary,
// so that `sigscope demo` runs the bundled demo collection wherever the
// binary is. Import it under another name beside sigscope's collections
// package.
package collections

import "embed"

// demo.yaml is generated from the demo backend's Amplify outputs and its
// overlay (examples/amplify): edit those, then run go generate.
//
//go:generate go run ./gendemo

// DemoPath is where the demo collection lives in the repository; it names
// the collection in messages and in the demo's (temporary) token cache.
const DemoPath = "examples/collections/demo.yaml"

// Demo is the text of examples/collections/demo.yaml.
//
//go:embed demo.yaml
var Demo []byte

// Files are the files the demo collection names beside itself (the JSON
// Schemas its assertions check), for the bundled demo wherever the binary
// is.
//
//go:embed schemas
var Files embed.FS
