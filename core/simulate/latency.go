package simulate

import (
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// latencyConn emulates network round-trip time on the server side of a raw
// TCP connection (below TLS): the first Write after accept and the first
// Write after each Read wait one Latency each, so every response flight,
// the TCP handshake included, costs one round trip.
type latencyConn struct {
	net.Conn
	d           time.Duration
	afterAccept atomic.Bool // the TCP handshake's round trip is still owed
	afterRead   atomic.Bool // a request arrived since the last response
	done        chan struct{}
	closeOnce   sync.Once
}

// withLatency wraps c; with d <= 0 it returns c unchanged.
func withLatency(c net.Conn, d time.Duration) net.Conn {
	if d <= 0 {
		return c
	}
	lc := &latencyConn{Conn: c, d: d, done: make(chan struct{})}
	lc.afterAccept.Store(true)
	return lc
}

// Read marks that the next Write starts a new response flight.
func (c *latencyConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.afterRead.Store(true)
	}
	return n, err
}

// Write waits for the owed round trips, then writes.
func (c *latencyConn) Write(b []byte) (int, error) {
	owed := 0
	if c.afterAccept.Swap(false) {
		owed++
	}
	if c.afterRead.Swap(false) {
		owed++
	}
	if owed > 0 {
		t := time.NewTimer(time.Duration(owed) * c.d)
		select {
		case <-t.C:
		case <-c.done:
			t.Stop()
			return 0, net.ErrClosed
		}
	}
	return c.Conn.Write(b)
}

// Close interrupts a pending delay and closes the connection.
func (c *latencyConn) Close() error {
	c.closeOnce.Do(func() { close(c.done) })
	return c.Conn.Close()
}

// countingListener counts accepted connections and applies latency.
type countingListener struct {
	net.Listener
	d     time.Duration
	count *atomic.Int64
}

// Accept accepts, counts and wraps the next connection.
func (l *countingListener) Accept() (net.Conn, error) {
	c, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.count.Add(1)
	return withLatency(c, l.d), nil
}
