package testkit

import (
	"bufio"
	"context"
	"fmt"
	"net"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Deadline is a context whose deadline passes when Expire is called, not
// when a clock says: a test makes a timeout happen at the moment it has
// synchronised on (a server has written its part and the client has read
// it), so a slow machine cannot make it come early. Its Err is
// context.DeadlineExceeded once expired, as a timeout's is.
type Deadline struct {
	context.Context
	once sync.Once
	done chan struct{}
}

// NewDeadline is a Deadline not yet expired.
func NewDeadline() *Deadline {
	return &Deadline{Context: context.Background(), done: make(chan struct{})}
}

func (d *Deadline) Done() <-chan struct{} { return d.done }

func (d *Deadline) Err() error {
	select {
	case <-d.done:
		return context.DeadlineExceeded
	default:
		return nil
	}
}

// Expire makes the deadline pass; later calls do nothing.
func (d *Deadline) Expire() { d.once.Do(func() { close(d.done) }) }

// WaitRead waits until the peer of the server side c (the client) has read
// every byte c sent, by watching the client socket's receive queue in
// /proc/net/tcp: a state of the connection, not a guess at how long the
// client takes. Where /proc/net/tcp cannot be read it returns an error.
func WaitRead(c net.Conn) error {
	client, ok1 := c.RemoteAddr().(*net.TCPAddr)
	server, ok2 := c.LocalAddr().(*net.TCPAddr)
	if !ok1 || !ok2 {
		return fmt.Errorf("not a TCP connection: %v", c.RemoteAddr())
	}
	for {
		queued, err := receiveQueue(client.Port, server.Port)
		if err != nil {
			return err
		}
		if queued == 0 {
			return nil
		}
		time.Sleep(time.Millisecond) // polls a state; the test's own timeout bounds it
	}
}

// receiveQueue is the rx_queue of the socket from local port to remote
// port, from /proc/net/tcp and tcp6.
func receiveQueue(local, remote int) (int64, error) {
	want := fmt.Sprintf(":%04X", local)
	peer := fmt.Sprintf(":%04X", remote)
	for _, name := range []string{"/proc/net/tcp", "/proc/net/tcp6"} {
		f, err := os.Open(name)
		if err != nil {
			return 0, fmt.Errorf("read the socket table: %w", err)
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			fields := strings.Fields(sc.Text())
			if len(fields) < 5 || !strings.HasSuffix(fields[1], want) || !strings.HasSuffix(fields[2], peer) {
				continue
			}
			_, rx, _ := strings.Cut(fields[4], ":")
			n, err := strconv.ParseInt(rx, 16, 64)
			f.Close()
			if err != nil {
				return 0, fmt.Errorf("%s: rx_queue %q: %w", name, fields[4], err)
			}
			return n, nil
		}
		f.Close()
	}
	return 0, fmt.Errorf("no socket from port %d to %d in /proc/net/tcp", local, remote)
}

// ServeStalled serves every connection the same way: it reads the request,
// writes answer, runs then (a Deadline's Expire, say, once WaitRead says the
// client has it) and keeps the connection open and silent until the test
// ends. It returns the host:port.
func ServeStalled(t testing.TB, answer string, then func(net.Conn)) string {
	t.Helper()
	done := make(chan struct{})
	t.Cleanup(func() { close(done) })
	return Serve(t, func(c net.Conn) {
		defer c.Close()
		if _, err := http.ReadRequest(bufio.NewReader(c)); err != nil {
			return
		}
		c.Write([]byte(answer))
		then(c)
		<-done
	})
}

// ExpireWhenRead is a then for ServeStalled: the deadline passes once the
// client has read the answer.
func ExpireWhenRead(t testing.TB, d *Deadline) func(net.Conn) {
	return func(c net.Conn) {
		if err := WaitRead(c); err != nil {
			t.Error(err)
		}
		d.Expire()
	}
}
