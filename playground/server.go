package playground

import (
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Limits on what one request may ask for.
const (
	MaxSteps      = 10_000  // steps of one trace
	MaxOptimizers = 8       // optimizers of one trace or comparison
	MaxBody       = 1 << 16 // bytes of a request body
	maxInFlight   = 64      // concurrent /api/trace and /api/field requests
	maxRenders    = 2       // concurrent PNG/GIF downloads
	maxFieldSide  = 2000    // pixels of one side of /api/field
)

//go:embed assets
var assets embed.FS

// Config configures a Server.
type Config struct {
	// RunDir is the folder each comparison of the MNIST page is written
	// under (one subfolder per comparison) and /runs/ serves; it is
	// created when the first comparison starts.
	RunDir string
	// Log receives one line per comparison started and finished; nil
	// discards them.
	Log io.Writer
}

// Server serves the playground. Create it with New; it is an http.Handler.
type Server struct {
	cfg     Config
	mux     *http.ServeMux
	traces  chan struct{} // a token per /api/trace or /api/field in flight
	renders chan struct{} // a token per download being drawn
	sockets chan struct{} // a token per open /api/trace.ws
	// socketIdle is how long a trace socket may stay without a query
	// (socketIdle; tests shorten it).
	socketIdle time.Duration
	trainer    *trainer
	// ctx is cancelled by Shutdown: the trace sockets, which
	// http.Server.Shutdown does not close, close on it.
	ctx    context.Context
	cancel context.CancelFunc
}

// New returns a Server.
func New(cfg Config) (*Server, error) {
	if cfg.RunDir == "" {
		return nil, errors.New("playground: Config.RunDir is empty: want the folder for the comparisons")
	}
	if cfg.Log == nil {
		cfg.Log = io.Discard
	}
	s := &Server{
		cfg:        cfg,
		mux:        http.NewServeMux(),
		traces:     make(chan struct{}, maxInFlight),
		renders:    make(chan struct{}, maxRenders),
		sockets:    make(chan struct{}, maxSockets),
		socketIdle: socketIdle,
	}
	s.ctx, s.cancel = context.WithCancel(context.Background())
	s.trainer = newTrainer(cfg.RunDir, cfg.Log)
	static, err := fs.Sub(assets, "assets")
	if err != nil {
		return nil, err
	}
	page := func(name string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			b, err := fs.ReadFile(static, name)
			if err != nil {
				writeError(w, http.StatusNotFound, "no such page")
				return
			}
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Header().Set("Cache-Control", "no-cache")
			w.Write(b)
		}
	}
	s.mux.HandleFunc("GET /{$}", page("index.html"))
	s.mux.HandleFunc("GET /mnist", page("mnist.html"))
	s.mux.Handle("GET /static/", fileErrors(http.StripPrefix("/static/", http.FileServerFS(static))))
	s.mux.HandleFunc("GET /api/functions", s.functions)
	s.mux.HandleFunc("GET /api/optimizers", s.optimizers)
	s.mux.HandleFunc("GET /api/trace", s.limited(s.traces, func(w http.ResponseWriter, r *http.Request) { s.trace(w, r, false) }))
	s.mux.HandleFunc("GET /api/trace.bin", s.limited(s.traces, func(w http.ResponseWriter, r *http.Request) { s.trace(w, r, true) }))
	s.mux.HandleFunc("GET /api/trace.ws", s.traceSocket)
	s.mux.HandleFunc("GET /api/field", s.limited(s.traces, s.field))
	s.mux.HandleFunc("GET /api/explain", s.explain)
	s.mux.HandleFunc("GET /api/download", s.limited(s.renders, s.download))
	s.mux.HandleFunc("POST /api/train", s.trainStart)
	s.mux.HandleFunc("GET /api/train", s.trainStatus)
	s.mux.HandleFunc("GET /api/train/events", s.trainEvents)
	s.mux.HandleFunc("POST /api/train/cancel", s.trainCancel)
	s.mux.Handle("GET /runs/", fileErrors(http.StripPrefix("/runs/", http.FileServer(runFS{http.Dir(cfg.RunDir)}))))
	s.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, fmt.Sprintf("%s %s: no such page or API (see / and /api/functions)", r.Method, r.URL.Path))
	})
	return s, nil
}

// ServeHTTP implements http.Handler. A panic in a handler (a bug, never
// user input) is answered 500 with the error shape instead of a dropped
// connection.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			fmt.Fprintf(s.cfg.Log, "descent serve: internal error on %s: %v\n", r.URL, v)
			writeError(w, http.StatusInternalServerError, "internal error")
		}
	}()
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if r.Body != nil {
		r.Body = http.MaxBytesReader(w, r.Body, MaxBody)
	}
	s.mux.ServeHTTP(w, r)
}

// limited runs h while holding one of the tokens of sem, answering 429
// when none is free.
func (s *Server) limited(sem chan struct{}, h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		select {
		case sem <- struct{}{}:
			defer func() { <-sem }()
			h(w, r)
		default:
			writeError(w, http.StatusTooManyRequests, "too many requests at once; try again in a moment")
		}
	}
}

// Shutdown closes the open trace sockets (status 1001, going away) and
// cancels a running comparison, waiting, until ctx is done, for it to
// write its partial results and the checkpoint of the optimizer it was
// training.
func (s *Server) Shutdown(ctx context.Context) error {
	s.cancel()
	return s.trainer.shutdown(ctx)
}

// Serve listens on addr and serves s until ctx is cancelled, then shuts
// down: it stops accepting requests, cancels a running comparison (which
// writes what it has and a checkpoint) and waits up to 10 s for both.
// ready, if not nil, is called with the URL once the server listens.
func Serve(ctx context.Context, s *Server, addr string, ready func(url string)) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %v", addr, err)
	}
	hs := &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    1 << 16,
		// No WriteTimeout: the event stream of a comparison is long-lived.
		// Every other answer is computed within the request limits.
	}
	if ready != nil {
		ready("http://" + ln.Addr().String() + "/")
	}
	errc := make(chan error, 1)
	go func() { errc <- hs.Serve(ln) }()
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	terr := s.Shutdown(sctx)
	herr := hs.Shutdown(sctx)
	if errors.Is(herr, context.DeadlineExceeded) {
		herr = hs.Close()
	}
	return errors.Join(terr, herr)
}

// IsLoopback reports whether addr (host:port) names a loopback address.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// runFS serves the run folder: files and folders only, never a symbolic
// link that could lead outside it, and no hidden files.
type runFS struct{ dir http.Dir }

func (f runFS) Open(name string) (http.File, error) {
	for _, part := range strings.Split(name, "/") {
		if strings.HasPrefix(part, ".") {
			return nil, fs.ErrNotExist
		}
	}
	full := filepath.Join(string(f.dir), filepath.FromSlash(filepath.Clean("/"+name)))
	if fi, err := os.Lstat(full); err == nil && fi.Mode()&os.ModeSymlink != 0 {
		return nil, fs.ErrNotExist
	}
	return f.dir.Open(name)
}

// fileErrors answers the errors of a file server h (a missing file, a
// path it refuses) in the API's shape, {"error": "one line"}, instead of
// its plain text.
func fileErrors(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.ServeHTTP(&fileErrorWriter{ResponseWriter: w, r: r}, r)
	})
}

type fileErrorWriter struct {
	http.ResponseWriter
	r      *http.Request
	failed bool
}

func (w *fileErrorWriter) WriteHeader(code int) {
	if code < 400 {
		w.ResponseWriter.WriteHeader(code)
		return
	}
	w.failed = true
	msg := http.StatusText(code)
	if code == http.StatusNotFound {
		msg = "no such file"
	}
	writeError(w.ResponseWriter, code, fmt.Sprintf("%s %s: %s", w.r.Method, w.r.URL.Path, msg))
}

func (w *fileErrorWriter) Write(b []byte) (int, error) {
	if w.failed { // the file server's own text, replaced above
		return len(b), nil
	}
	return w.ResponseWriter.Write(b)
}

// writeJSON writes v as JSON with status code.
func writeJSON(w http.ResponseWriter, code int, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, http.StatusInternalServerError, "internal error: "+err.Error())
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(code)
	w.Write(b)
}

// writeError writes the one error shape, {"error": msg}, msg on one line.
func writeError(w http.ResponseWriter, code int, msg string) {
	msg = strings.Join(strings.Fields(msg), " ")
	b, _ := json.Marshal(map[string]string{"error": msg})
	w.Header().Set("Content-Type", "application/json")
	w.Header().Del("Content-Disposition")
	w.WriteHeader(code)
	w.Write(b)
}
