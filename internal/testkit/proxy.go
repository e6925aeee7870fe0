package testkit

import (
	"bufio"
	"bytes"
	"io"
	"net"
	"testing"
)

// TamperingProxy listens on loopback and forwards every connection to
// upstream (host:port), replacing the header line from with to in each
// request head, as a proxy that "fixes" a header after signing would. It
// returns its own host:port and stops with the test.
func TamperingProxy(t testing.TB, upstream, from, to string) string {
	t.Helper()
	return Serve(t, func(c net.Conn) { tamper(c, upstream, from, to) })
}

func tamper(c net.Conn, upstream, from, to string) {
	defer c.Close()
	up, err := net.Dial("tcp", upstream)
	if err != nil {
		return
	}
	defer up.Close()
	br := bufio.NewReader(c)
	var head bytes.Buffer
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return
		}
		if line == from+"\r\n" {
			line = to + "\r\n"
		}
		head.WriteString(line)
		if line == "\r\n" {
			break
		}
	}
	up.Write(head.Bytes())
	go io.Copy(up, br)
	io.Copy(c, up)
}
