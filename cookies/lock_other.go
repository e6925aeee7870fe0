//go:build !unix

package cookies

// lockFile is a no-op where flock is not available: saves still merge with
// what is on disk, but two processes saving at the same instant may race.
func lockFile(string) (func(), error) { return func() {}, nil }
