package optim

import (
	"fmt"
	"strings"
)

// HyperError is an invalid hyperparameter or spec: a value out of range, an
// unknown method or option, a malformed option. errors.As finds it through
// every wrapping (LoadState, the train package, the command line), so a
// program can tell which key was bad and what was allowed without reading
// the message.
type HyperError struct {
	Method string // the method, e.g. "adam"; "" when the method name itself is bad
	Key    string // the spec key, e.g. "lr"; "method" for an unknown method name
	Value  string // the rejected value as a spec writes it ("" when none was given)
	Want   string // what is allowed, in words
	msg    string
}

func (e *HyperError) Error() string { return e.msg }

// hyperErr returns a *HyperError for key=value of method, with the message
// "method: invalid key=value: want want".
func hyperErr(method, key, value, want string) *HyperError {
	return &HyperError{Method: method, Key: key, Value: value, Want: want,
		msg: fmt.Sprintf("%s: invalid %s=%s: want %s", method, key, value, want)}
}

// hyperErrf returns a *HyperError whose message is written by format.
func hyperErrf(method, key, value, want, format string, args ...any) *HyperError {
	return &HyperError{Method: method, Key: key, Value: value, Want: want, msg: fmt.Sprintf(format, args...)}
}

// ParamError is a parameter that an optimizer cannot take, or a saved state
// that does not fit the optimizer's parameters: a missing or extra name, a
// buffer of the wrong length or with damaged values. Param names the
// parameter ("" when the problem is not one parameter's, e.g. a group
// count); Key the part of its state (a buffer name, "step", "groups"). Err,
// when set, is the cause (a *HyperError for bad saved hyperparameters).
type ParamError struct {
	Param string
	Key   string
	Err   error
	msg   string
}

func (e *ParamError) Error() string { return e.msg }

func (e *ParamError) Unwrap() error { return e.Err }

// paramErr returns a *ParamError with the message "optim: " + the format's.
func paramErr(param, key, format string, args ...any) *ParamError {
	return &ParamError{Param: param, Key: key, msg: "optim: " + fmt.Sprintf(format, args...)}
}

// wrapParamErr returns a *ParamError caused by err, with the message
// "optim: prefix: err".
func wrapParamErr(param, key, prefix string, err error) *ParamError {
	return &ParamError{Param: param, Key: key, Err: err, msg: "optim: " + prefix + ": " + err.Error()}
}

// badEnum is the error of an enum field f of method set to v.
func badEnum(method string, f field, v string) *HyperError {
	want := "one of " + strings.Join(f.allowed, ", ")
	return hyperErrf(method, f.key, v, want, "%s: invalid %s=%q: want %s", method, f.key, v, want)
}

// typeName is "float32" or "float64", the element type of T.
func typeName[T Float](T) string {
	if dtypeOf[T]() == "F32" {
		return "float32"
	}
	return "float64"
}
