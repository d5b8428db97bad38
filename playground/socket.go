package playground

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// The page's trace socket, /api/trace.ws. A fetch costs the page 7–13 ms
// in Chromium on a 2-core machine however small the answer (the browser's
// request machinery, not the server: a 5 × 500-step answer takes it
// 0.7 ms), which was a third of the redraw the playground promises in
// 50 ms; a message on an open WebSocket costs 1–2 ms. The socket carries
// exactly /api/trace.bin's answers: each text message the client sends is
// a query string of /api/trace (without "?"), answered, in order, by one
// binary message holding the bytes /api/trace.bin answers to that query,
// or by one text message {"error": "one line", "status": 400 | 429}.
const (
	maxSockets = 64              // open trace sockets
	socketIdle = 5 * time.Minute // a socket with no query for this long is closed
)

// traceSocket serves /api/trace.ws. The upgrade is refused, with the API's
// error shape, when the request is not a WebSocket handshake (426), comes
// from a page of another origin (403: another site must not drive the
// engine through the learner's browser), or when maxSockets are open (429).
func (s *Server) traceSocket(w http.ResponseWriter, r *http.Request) {
	if !headerHas(r.Header, "Connection", "upgrade") || !headerHas(r.Header, "Upgrade", "websocket") {
		w.Header().Set("Upgrade", "websocket")
		writeError(w, http.StatusUpgradeRequired, "/api/trace.ws is a WebSocket: open it with new WebSocket(url), or use /api/trace.bin")
		return
	}
	if err := sameOrigin(r); err != nil {
		writeError(w, http.StatusForbidden, err.Error())
		return
	}
	select {
	case s.sockets <- struct{}{}:
		defer func() { <-s.sockets }()
	default:
		writeError(w, http.StatusTooManyRequests, fmt.Sprintf("%d trace sockets are open: close one, or use /api/trace.bin", maxSockets))
		return
	}
	c, err := websocket.Accept(w, r, nil) // checks the origin again
	if err != nil {
		return // Accept has answered
	}
	defer c.CloseNow()
	c.SetReadLimit(MaxBody)
	// A watcher closes the socket, with a close frame that says why, when
	// it stays idle or the server shuts down; the Read below then returns.
	asked, ended := make(chan struct{}, 1), make(chan struct{})
	var watcher sync.WaitGroup
	watcher.Go(func() { s.watchSocket(c, asked, ended) })
	defer watcher.Wait() // until a close the watcher began is done
	defer close(ended)
	bp := tracePool.Get().(*[]byte)
	defer func() { tracePool.Put(bp) }()
	for {
		typ, msg, err := c.Read(context.Background())
		if err != nil {
			return // closed, idle, shutting down, or a message over MaxBody (closed 1009 by Read)
		}
		select {
		case asked <- struct{}{}:
		default:
		}
		if typ != websocket.MessageText {
			c.Close(websocket.StatusUnsupportedData, "send each query as a text message")
			return
		}
		answer, b := s.socketAnswer((*bp)[:0], string(msg))
		// Not a child of s.ctx: a shutdown that cancelled it while Write
		// returned would close the socket without its close frame.
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		if b != nil {
			err = c.Write(ctx, websocket.MessageBinary, b)
			keepTraceBuffer(bp, b)
		} else {
			err = c.Write(ctx, websocket.MessageText, answer)
		}
		cancel()
		if err != nil {
			return
		}
	}
}

// watchSocket closes c when no query came on asked for s.socketIdle
// (1000, "idle") or when the server shuts down (1001), until ended.
func (s *Server) watchSocket(c *websocket.Conn, asked, ended <-chan struct{}) {
	idle := time.NewTimer(s.socketIdle)
	defer idle.Stop()
	for {
		select {
		case <-asked:
			idle.Reset(s.socketIdle)
		case <-idle.C:
			c.Close(websocket.StatusNormalClosure, "idle")
			return
		case <-s.ctx.Done():
			c.Close(websocket.StatusGoingAway, "the server is shutting down")
			return
		case <-ended:
			return
		}
	}
}

// socketAnswer answers one query of the trace socket: the binary answer
// appended to b, or (b nil) the text of an error message.
func (s *Server) socketAnswer(b []byte, query string) (text, bin []byte) {
	select {
	case s.traces <- struct{}{}:
		defer func() { <-s.traces }()
	default:
		return socketError(http.StatusTooManyRequests, "too many requests at once; try again in a moment"), nil
	}
	b, err := appendTraceAnswer(b, query, true)
	if err != nil {
		return socketError(http.StatusBadRequest, err.Error()), nil
	}
	return nil, b
}

// socketError is the text message of an error: the API's error shape, and
// the status /api/trace.bin would have answered.
func socketError(status int, msg string) []byte {
	b, _ := json.Marshal(struct {
		Error  string `json:"error"`
		Status int    `json:"status"`
	}{strings.Join(strings.Fields(msg), " "), status})
	return b
}

// sameOrigin refuses a request whose Origin header names another host than
// the one it was sent to. A request without Origin does not come from a
// page (a browser always sends it on a WebSocket handshake) and is allowed.
func sameOrigin(r *http.Request) error {
	o := r.Header.Get("Origin")
	if o == "" {
		return nil
	}
	u, err := url.Parse(o)
	if err != nil || !strings.EqualFold(u.Host, r.Host) {
		return fmt.Errorf("origin %s: want this server's own pages (%s)", oneLine(o), oneLine(r.Host))
	}
	return nil
}

// headerHas reports whether the comma-separated header key holds token,
// in any case.
func headerHas(h http.Header, key, token string) bool {
	for _, v := range h.Values(key) {
		for _, t := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(t), token) {
				return true
			}
		}
	}
	return false
}
