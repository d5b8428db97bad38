package playground

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
)

// dialTrace opens the trace socket of ts.
func dialTrace(t *testing.T, ts *httptest.Server) *websocket.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, _, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(ts.URL, "http")+"/api/trace.ws", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.CloseNow() })
	c.SetReadLimit(1 << 26) // the largest answers are 2 MB
	return c
}

// ask sends one query on c and returns the answer's type and bytes.
func ask(c *websocket.Conn, query string) (websocket.MessageType, []byte, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := c.Write(ctx, websocket.MessageText, []byte(query)); err != nil {
		return 0, nil, err
	}
	return c.Read(ctx)
}

// socketQuery is the message the page sends for the /api/trace query q.
func socketQuery(q string) string { return strings.TrimPrefix(q, "/api/trace?") }

// TestSocketEqualsTraceBin checks that each answer on the trace socket is,
// byte for byte, /api/trace.bin's answer to the same query (which
// TestTraceBinaryEqualsJSON checks against /api/trace and that against
// descent trace), that a bad query is answered with /api/trace's error
// line and status, and that the socket goes on answering after it.
func TestSocketEqualsTraceBin(t *testing.T) {
	_, ts := newTestServer(t)
	c := dialTrace(t, ts)
	eight := []string{"sgd:lr=0.001", "momentum:lr=0.001", "adagrad:lr=0.1", "rmsprop:lr=0.01", "adam:lr=0.05", "adam:lr=0.05,variant=note", "newton", "lbfgs"}
	queries := []string{
		traceQuery("rosenbrock", "", 500, eight[:5]),
		traceQuery("booth", "", 100, []string{"adam:lr=-1"}), // bad
		traceQuery("beale", "", 100, []string{"sgd:lr=1", "adam:lr=0.01"}),
		"/api/trace?func=rosenbrock&opt=adam&colour=red", // bad: unknown parameter
		traceQuery("saddle", "0.5,0.25", 30, []string{"sgd"}),
		"/api/trace?func=rosenbrock&opt=adam&steps=%zz", // bad: not a query string
		traceQuery("quadratic:cond=100", "", 0, []string{"adam"}),
		traceQuery("himmelblau", "-1e-300,7", MaxSteps, eight),
		traceQuery("rosenbrock", "", 500, eight[:5]), // again: the reused buffer
	}
	for _, q := range queries {
		typ, got, err := ask(c, socketQuery(q))
		if err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		code, want, _ := get(t, ts, strings.Replace(q, "/api/trace?", "/api/trace.bin?", 1))
		if code == 200 {
			if typ != websocket.MessageBinary || !bytes.Equal(got, want) {
				t.Errorf("%s: socket answered %v, %d bytes; /api/trace.bin %d bytes (equal: %v)", q, typ, len(got), len(want), bytes.Equal(got, want))
			}
			continue
		}
		var e, w struct {
			Error  string `json:"error"`
			Status int    `json:"status"`
		}
		if typ != websocket.MessageText || json.Unmarshal(got, &e) != nil || json.Unmarshal(want, &w) != nil {
			t.Fatalf("%s: socket answered %v %q to a query /api/trace.bin answers %d %s", q, typ, got, code, want)
		}
		if e.Status != code || e.Error == "" || e.Error != w.Error {
			t.Errorf("%s: socket error %d %q, /api/trace.bin %d %q", q, e.Status, e.Error, code, w.Error)
		}
	}
}

// TestSocketRefusals checks each way the socket refuses: a plain GET
// (426), a page of another origin (403), too many sockets (429), each in
// the API's error shape; a binary message (closed 1003), a message over
// MaxBody (closed 1009), and a query while every engine token is taken
// (an error message with status 429, the socket kept).
func TestSocketRefusals(t *testing.T) {
	s, ts := newTestServer(t)
	code, body, _ := get(t, ts, "/api/trace.ws")
	if code != http.StatusUpgradeRequired || !strings.Contains(string(body), `"error":"/api/trace.ws is a WebSocket`) {
		t.Errorf("plain GET: %d %s", code, body)
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	url := "ws" + strings.TrimPrefix(ts.URL, "http") + "/api/trace.ws"
	_, res, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {"http://evil.example"}}})
	if err == nil || res == nil || res.StatusCode != http.StatusForbidden {
		t.Fatalf("another origin: %v %v", err, res)
	}
	if b := readAll(t, res); !strings.Contains(b, `"error":"origin http://evil.example: want this server's own pages`) {
		t.Errorf("another origin: %s", b)
	}
	// The page's own origin is taken.
	c, _, err := websocket.Dial(ctx, url, &websocket.DialOptions{HTTPHeader: http.Header{"Origin": {ts.URL}}})
	if err != nil {
		t.Fatalf("same origin: %v", err)
	}
	c.CloseNow()

	for range maxSockets {
		s.sockets <- struct{}{}
	}
	_, res, err = websocket.Dial(ctx, url, nil)
	if err == nil || res == nil || res.StatusCode != http.StatusTooManyRequests || !strings.Contains(readAll(t, res), `"error":"64 trace sockets are open`) {
		t.Errorf("too many sockets: %v %v", err, res)
	}
	for range maxSockets {
		<-s.sockets
	}

	c = dialTrace(t, ts)
	if err := c.Write(ctx, websocket.MessageBinary, []byte("func=booth&opt=adam")); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusUnsupportedData {
		t.Errorf("binary message: %v, want close 1003", err)
	}

	c = dialTrace(t, ts)
	big := "func=booth&opt=" + strings.Repeat("a", MaxBody)
	if _, _, err := ask(c, big); websocket.CloseStatus(err) != websocket.StatusMessageTooBig {
		t.Errorf("message over MaxBody: %v, want close 1009", err)
	}

	c = dialTrace(t, ts)
	for range maxInFlight {
		s.traces <- struct{}{}
	}
	typ, b, err := ask(c, socketQuery(traceQuery("booth", "", 10, []string{"adam"})))
	for range maxInFlight {
		<-s.traces
	}
	if err != nil || typ != websocket.MessageText || !strings.Contains(string(b), `"status":429`) {
		t.Errorf("engine busy: %v %s", err, b)
	}
	if typ, _, err := ask(c, socketQuery(traceQuery("booth", "", 10, []string{"adam"}))); err != nil || typ != websocket.MessageBinary {
		t.Errorf("after a busy answer: %v %v", typ, err)
	}
}

func readAll(t *testing.T, res *http.Response) string {
	t.Helper()
	var b bytes.Buffer
	if _, err := b.ReadFrom(res.Body); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

// TestConcurrentSockets runs 50 sockets at once, each asking its own
// learning rates in turn, and checks every answer against /api/trace.bin's
// (run under -race by .ci/run).
func TestConcurrentSockets(t *testing.T) {
	_, ts := newTestServer(t)
	const clients, asks = 50, 4
	want := map[string][]byte{}
	query := func(i, k int) string {
		return socketQuery(traceQuery("rosenbrock", "", 300, []string{fmt.Sprintf("sgd:lr=%g", 0.0001*float64(1+(i+k)%7)), "adam:lr=0.05"}))
	}
	for i := range 7 {
		q := query(i, 0)
		_, want[q], _ = get(t, ts, "/api/trace.bin?"+q)
	}
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for i := range clients {
		c := dialTrace(t, ts)
		wg.Go(func() {
			for k := range asks {
				q := query(i, k)
				typ, b, err := ask(c, q)
				if err != nil || typ != websocket.MessageBinary || !bytes.Equal(b, want[q]) {
					errs <- fmt.Errorf("client %d, query %d: %v %v, %d bytes", i, k, err, typ, len(b))
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// TestSocketCloses checks that Shutdown closes an open socket with 1001
// (going away), which http.Server.Shutdown would not, and that a socket
// left idle is closed (1000).
func TestSocketCloses(t *testing.T) {
	short, ts1 := newTestServer(t)
	short.socketIdle = 200 * time.Millisecond
	c := dialTrace(t, ts1)
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if _, _, err := c.Read(ctx); websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("idle socket: %v, want close 1000", err)
	}

	s, ts := newTestServer(t)
	c = dialTrace(t, ts)
	if typ, _, err := ask(c, socketQuery(traceQuery("booth", "", 10, []string{"adam"}))); err != nil || typ != websocket.MessageBinary {
		t.Fatalf("before Shutdown: %v %v", typ, err)
	}
	done := make(chan error, 1)
	go func() { _, _, err := c.Read(ctx); done <- err }()
	if err := s.Shutdown(ctx); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-done:
		if websocket.CloseStatus(err) != websocket.StatusGoingAway {
			t.Errorf("after Shutdown: %v, want close 1001", err)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("Shutdown left the socket open")
	}
	if errors.Is(ctx.Err(), context.DeadlineExceeded) {
		t.Fatal("timed out")
	}
}
