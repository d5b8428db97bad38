package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"sync/atomic"
	"syscall"
)

// interrupt catches the first SIGINT or SIGTERM while a long command runs:
// the command checks ctx between its units of work, finishes the one in
// progress (every file is written atomically), and returns stopped's error
// (exit 130 or 143). A second signal acts as usual and ends the process at
// once.
type interrupt struct {
	ctx  context.Context
	stop func()
	got  atomic.Value
}

func catchInterrupt(parent context.Context) *interrupt {
	ctx, cancel := context.WithCancel(parent)
	in := &interrupt{ctx: ctx}
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	go func() {
		select {
		case s := <-sigs:
			in.got.Store(s)
			signal.Stop(sigs)
			cancel()
		case <-ctx.Done():
		}
	}()
	in.stop = func() {
		signal.Stop(sigs)
		cancel()
	}
	return in
}

// interrupted reports whether a signal came.
func (in *interrupt) interrupted() bool { return in.got.Load() != nil }

// stopped returns the error that ends the command after a signal: one line
// with what, and exit 130 (SIGINT) or 143 (SIGTERM).
func (in *interrupt) stopped(format string, a ...any) error {
	code, name := 130, "SIGINT"
	if s, _ := in.got.Load().(os.Signal); s == syscall.SIGTERM {
		code, name = 143, "SIGTERM"
	}
	return &exitError{code, fmt.Errorf("%s: %s", name, fmt.Sprintf(format, a...))}
}
