package playground

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// BenchmarkTrace is the target: /api/trace for 5 optimizers ×
// 1,000 steps on rosenbrock, answered by the handler in the server
// (parsing, the engine and the JSON), without the network.
func BenchmarkTrace(b *testing.B) {
	s, err := New(Config{RunDir: b.TempDir()})
	if err != nil {
		b.Fatal(err)
	}
	q := traceQuery("rosenbrock", "", 1000, []string{"sgd:lr=0.001", "momentum:lr=0.001", "adagrad:lr=0.1", "rmsprop:lr=0.01", "adam:lr=0.05"})
	req := httptest.NewRequest("GET", q, nil)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		w := httptest.NewRecorder()
		s.ServeHTTP(w, req)
		if w.Code != http.StatusOK {
			b.Fatal(w.Code, w.Body.String())
		}
	}
	// On a shared machine the wall-clock ns/op counts other processes'
	// time too; the process's CPU time per request (GC included) does not.
	if cpu := cpuTime() - cpu0; cpu > 0 {
		b.ReportMetric(float64(cpu.Microseconds())/1000/float64(b.N), "cpu-ms/op")
	}
}
