//go:build !unix

package importer

// openNonblock is 0 where opening a FIFO does not wait for a writer.
const openNonblock = 0
