// Package playground is the web server behind descent serve: a page where a
// learner moves the sliders and watches the optimizers, on the real engine.
//
// # Pages
//
// "/" is the 2-D page: a test function's filled contour map, any number of
// optimizer rows (up to MaxOptimizers) built from optim.Schema, their
// paths animated over the map, a loss chart, a table of results and the
// explanation of each method (explain.Explain, formulas as MathML). The
// whole state lives in the URL. "/mnist" trains networks on MNIST with
// several optimizers (train, written as descent compare writes a
// comparison) and streams the metrics as Server-Sent Events.
//
// Every asset is embedded (go:embed); the page loads nothing from the
// network and computes nothing the API does not return, so what a learner
// sees is what descent trace prints.
//
// # API
//
//	GET  /api/functions                 the test functions: name, formula, window, start, minima
//	GET  /api/optimizers                every method's hyperparameters (optim.Schema) and newton/lbfgs
//	GET  /api/trace?func=F&start=X,Y&steps=N&opt=SPEC...
//	                                    {"func", "paths": [{"opt", "points": [[x, y, loss], ...], ...}]}
//	GET  /api/trace.bin?(trace's parameters)   the same answer with the points as float64 (what the page reads)
//	GET  /api/trace.ws                  a WebSocket: each text message is trace's query string,
//	                                    answered in order by /api/trace.bin's bytes (a binary
//	                                    message) or {"error", "status"} (a text message)
//	GET  /api/field?func=F&xlim=A,B&ylim=C,D&w=W&h=H   the map's bands as PNG (viz.Field)
//	GET  /api/explain?method=M&lang=en|ja               explain.Explain as JSON
//	GET  /api/download?format=csv|png|gif&(trace's parameters)[&xlim=A,B&ylim=C,D]
//	POST /api/train                     start a comparison on MNIST (JSON body)
//	GET  /api/train                     the state of the current or last comparison
//	GET  /api/train/events              its events as Server-Sent Events, from the first:
//	                                    begin, start, step, epoch, diverged, finish,
//	                                    done | cancelled | failed, end
//	POST /api/train/cancel              stop it; the partial comparison and a checkpoint are written
//	GET  /runs/...                      the files of the run folder
//
// Bad input is answered 400 with {"error": "one clear line"}; a body over
// MaxBody bytes 413; more concurrent requests than the server takes 429; a
// second comparison while one runs 409. The server binds the loopback
// address unless told otherwise and serves nothing outside its embedded
// assets and its run folder.
package playground
