package torchbridge

import (
	"bytes"
	"encoding/json"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/descentlab/descent/optim"
	"github.com/descentlab/descent/safetensors"
)

// Metadata keys of the torch-layout file.
const (
	MetaClass       = "optim.class"
	MetaParamGroups = "optim.param_groups"
	MetaParamNames  = "optim.param_names"
	MetaMethod      = "descent.method"
	MetaDType       = "descent.dtype"
	MetaGroups      = "descent.groups"
)

// classes maps descent's methods to torch.optim's classes.
var classes = map[string]string{
	"sgd": "SGD", "adagrad": "Adagrad", "rmsprop": "RMSprop", "adam": "Adam", "adamw": "AdamW",
	"nadam": "NAdam", "radam": "RAdam", "adamax": "Adamax", "adadelta": "Adadelta", "rprop": "Rprop", "asgd": "ASGD",
}

// Class returns the torch.optim class of a descent method, and whether it
// has one.
func Class(method string) (string, bool) {
	c, ok := classes[method]
	return c, ok
}

// methodOf returns the descent method of a torch.optim class.
func methodOf(class string) (string, bool) {
	for m, c := range classes {
		if c == class {
			return m, true
		}
	}
	return "", false
}

// maxStep is the largest step count an F32 scalar holds exactly.
const maxStep = 1 << 24

// stateKey is the metadata key of optim.Optimizer's saved state.
const stateKey = "descent.optim"

// state mirrors the JSON header of optim.Optimizer.MarshalBinary (format
// version 1), field for field, so that Import writes the same bytes.
type state struct {
	Version int                           `json:"version"`
	DType   string                        `json:"dtype"`
	Method  string                        `json:"method"`
	Groups  []optim.GroupState            `json:"groups"`
	Steps   map[string]int64              `json:"steps"`
	Scalars map[string]map[string]float64 `json:"scalars,omitempty"`
}

// Export converts weights and an optimizer state saved by
// optim.Optimizer.MarshalBinary into the torch layout (see the package
// documentation). Every parameter of the state must have a tensor in
// weights, whose shape its buffers take.
func Export(weights []safetensors.Float32Tensor, optState []byte) ([]byte, error) {
	tensors, meta, err := safetensors.Decode(optState)
	if err != nil {
		return nil, fmt.Errorf("torchbridge: optimizer state: %w", err)
	}
	raw, ok := meta[stateKey]
	if !ok {
		return nil, fmt.Errorf("torchbridge: optimizer state: not an optim.Optimizer state (no %s metadata)", stateKey)
	}
	var h state
	if err := json.Unmarshal([]byte(raw), &h); err != nil {
		return nil, fmt.Errorf("torchbridge: optimizer state: bad metadata: %v", err)
	}
	if h.Version != 1 {
		return nil, fmt.Errorf("torchbridge: optimizer state: version %d, this build converts version 1", h.Version)
	}
	class, ok := classes[h.Method]
	if !ok {
		return nil, fmt.Errorf("torchbridge: method %q has no torch.optim class (want one of %s)", h.Method, strings.Join(slices.Sorted(maps.Keys(classes)), ", "))
	}
	shapes := map[string][]int{}
	var out []safetensors.Tensor
	for _, w := range weights {
		shapes[w.Name] = w.Shape
		out = append(out, safetensors.NewF32("model."+w.Name, w.Shape, w.Data))
	}
	bufs := map[string][]safetensors.Tensor{} // by parameter name
	for _, t := range tensors {
		i := strings.LastIndexByte(t.Name, '/')
		if i < 0 {
			return nil, fmt.Errorf("torchbridge: optimizer state: tensor %q is not named PARAM/BUFFER", t.Name)
		}
		bufs[t.Name[:i]] = append(bufs[t.Name[:i]], t)
	}
	var names, specs []string
	var groups []map[string]any
	for gi, g := range h.Groups {
		group, err := torchGroup(g.Hyper)
		if err != nil {
			return nil, fmt.Errorf("torchbridge: group %d: %w", gi, err)
		}
		ids := []int{}
		for _, name := range g.Params {
			id := len(names)
			ids = append(ids, id)
			names = append(names, name)
			shape, ok := shapes[name]
			if !ok {
				return nil, fmt.Errorf("torchbridge: parameter %q of the optimizer state has no weights", name)
			}
			prefix := "optim.state." + strconv.Itoa(id) + "."
			for _, b := range bufs[name] {
				b.Name = prefix + b.Name[len(name)+1:]
				if got, want := int64(len(b.Data)), int64(product(shape))*int64(dtypeBytes(b.DType)); got != want {
					return nil, fmt.Errorf("torchbridge: %s buffer of %q has %d bytes, its shape %v wants %d", b.Name, name, got, shape, want)
				}
				b.Shape = shape
				out = append(out, b)
			}
			step := h.Steps[name]
			if step < 0 || step > maxStep {
				return nil, fmt.Errorf("torchbridge: parameter %q: step %d: want 0 ≤ step ≤ %d (torch keeps it as a float32)", name, step, maxStep)
			}
			out = append(out, safetensors.NewF32(prefix+"step", []int{}, []float32{float32(step)}))
			for _, k := range slices.Sorted(maps.Keys(h.Scalars[name])) {
				out = append(out, safetensors.NewF64(prefix+k, []int{}, []float64{h.Scalars[name][k]}))
			}
		}
		group["params"] = ids
		groups = append(groups, group)
		specs = append(specs, g.Hyper)
	}
	m := map[string]string{MetaClass: class, MetaMethod: h.Method, MetaDType: h.DType}
	for k, v := range map[string]any{MetaParamGroups: groups, MetaParamNames: names, MetaGroups: specs} {
		b, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		m[k] = string(b)
	}
	var b bytes.Buffer
	if err := safetensors.Encode(&b, out, m); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// torchGroup turns a full descent spec into torch's param_group entries:
// the same keys (beta1 and beta2 as betas), numbers as JSON numbers,
// booleans as booleans; descent's variant key is left out.
func torchGroup(spec string) (map[string]any, error) {
	_, kvs, err := splitSpec(spec)
	if err != nil {
		return nil, err
	}
	g := map[string]any{}
	var betas [2]json.Number
	for _, kv := range kvs {
		k, v := kv[0], kv[1]
		switch {
		case k == "variant":
		case k == "beta1":
			betas[0] = json.Number(v)
		case k == "beta2":
			betas[1] = json.Number(v)
		case v == "true" || v == "false":
			g[k] = v == "true"
		default:
			if _, err := strconv.ParseFloat(v, 64); err == nil {
				g[k] = json.Number(v)
			} else {
				g[k] = v
			}
		}
	}
	if betas[0] != "" || betas[1] != "" {
		g["betas"] = betas[:]
	}
	return g, nil
}

// splitSpec splits NAME:k=v,... into the name and its pairs.
func splitSpec(spec string) (string, [][2]string, error) {
	name, rest, _ := strings.Cut(spec, ":")
	var kvs [][2]string
	if rest != "" {
		for _, part := range strings.Split(rest, ",") {
			k, v, ok := strings.Cut(part, "=")
			if !ok {
				return "", nil, fmt.Errorf("spec %q: %q is not key=value", spec, part)
			}
			kvs = append(kvs, [2]string{k, v})
		}
	}
	return name, kvs, nil
}

func product(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

func dtypeBytes(dtype string) int {
	if dtype == safetensors.F64 || dtype == safetensors.I64 {
		return 8
	}
	return 4
}

// Import converts a torch-layout file (Export's, or torch_bridge.py's) into
// weights and an optimizer state that optim.Optimizer.UnmarshalBinary
// loads. The method comes from descent.method or else from optim.class;
// each group's spec takes torch's values for the keys torch has and, for
// the others, descent.groups' values or else the method's defaults. A
// parameter whose state has buffers but no step (torch's SGD keeps none)
// gets step 1, so that its momentum buffer is used, not reset.
func Import(file []byte) (weights []safetensors.Float32Tensor, optState []byte, err error) {
	tensors, meta, err := safetensors.Decode(file)
	if err != nil {
		return nil, nil, fmt.Errorf("torchbridge: %w", err)
	}
	im, err := importMeta(meta)
	if err != nil {
		return nil, nil, err
	}
	weights, params, err := im.readTensors(tensors)
	if err != nil {
		return nil, nil, err
	}
	optState, err = im.state(params)
	if err != nil {
		return nil, nil, err
	}
	return weights, optState, nil
}

// imported is what Import reads from a torch-layout file's metadata.
type imported struct {
	method string
	groups []map[string]json.RawMessage
	names  []string // parameter names by torch id
	specs  []string // descent.groups, or nil
	dtype  string   // the state's buffers' dtype, "" until known
}

// importParam is one parameter's optimizer state in a torch-layout file.
type importParam struct {
	step    int64
	hasStep bool
	bufs    []safetensors.Tensor
	scalars map[string]float64
}

// importMeta reads and checks the method, the groups and the names.
func importMeta(meta map[string]string) (*imported, error) {
	method := meta[MetaMethod]
	if class := meta[MetaClass]; class != "" {
		m, ok := methodOf(class)
		if !ok {
			return nil, fmt.Errorf("torchbridge: %s %q: want one of %s", MetaClass, class, strings.Join(slices.Sorted(maps.Values(classes)), ", "))
		}
		if method != "" && method != m {
			return nil, fmt.Errorf("torchbridge: %s is %q but %s is %q", MetaMethod, method, MetaClass, class)
		}
		method = m
	}
	if method == "" {
		return nil, fmt.Errorf("torchbridge: the file names no optimizer (no %s or %s metadata)", MetaClass, MetaMethod)
	}
	im := &imported{method: method, dtype: meta[MetaDType]}
	if err := unmarshalMeta(meta, MetaParamGroups, &im.groups, true); err != nil {
		return nil, err
	}
	if err := unmarshalMeta(meta, MetaParamNames, &im.names, true); err != nil {
		return nil, err
	}
	if err := unmarshalMeta(meta, MetaGroups, &im.specs, false); err != nil {
		return nil, err
	}
	if im.specs != nil && len(im.specs) != len(im.groups) {
		return nil, fmt.Errorf("torchbridge: %d descent.groups for %d param_groups", len(im.specs), len(im.groups))
	}
	return im, nil
}

// readTensors sorts the file's tensors into the model's weights and each
// parameter's optimizer state, by torch id.
func (im *imported) readTensors(tensors []safetensors.Tensor) ([]safetensors.Float32Tensor, map[int]*importParam, error) {
	var weights []safetensors.Float32Tensor
	params := map[int]*importParam{}
	for _, t := range tensors {
		if name, ok := strings.CutPrefix(t.Name, "model."); ok {
			v, err := t.AsFloat32()
			if err != nil {
				return nil, nil, fmt.Errorf("torchbridge: weights: %w", err)
			}
			weights = append(weights, safetensors.Float32Tensor{Name: name, Shape: slices.Clone(t.Shape), Data: v})
			continue
		}
		rest, ok := strings.CutPrefix(t.Name, "optim.state.")
		idText, buf, ok2 := strings.Cut(rest, ".")
		id, err := strconv.Atoi(idText)
		if !ok || !ok2 || err != nil || id < 0 || id >= len(im.names) {
			return nil, nil, fmt.Errorf("torchbridge: tensor %q is neither model.NAME nor optim.state.ID.BUFFER with ID < %d", t.Name, len(im.names))
		}
		p := params[id]
		if p == nil {
			p = &importParam{}
			params[id] = p
		}
		if err := im.addState(p, t, id, buf); err != nil {
			return nil, nil, err
		}
	}
	if im.dtype == "" {
		im.dtype = safetensors.F32
	}
	return weights, params, nil
}

// addState puts tensor t, buffer buf of parameter id, into p: its step, a
// scalar (NAdam's μ product, ASGD's η and μ) or a buffer.
func (im *imported) addState(p *importParam, t safetensors.Tensor, id int, buf string) error {
	switch {
	case buf == "step":
		s, err := scalar(t)
		if err != nil || s < 0 || s > maxStep || s != math.Trunc(s) {
			return fmt.Errorf("torchbridge: %s: want one whole number in [0, %d]", t.Name, maxStep)
		}
		p.step, p.hasStep = int64(s), true
	case len(t.Shape) == 0 && (buf == "mu_product" || buf == "eta" || buf == "mu"):
		s, err := scalar(t)
		if err != nil {
			return fmt.Errorf("torchbridge: %s: %v", t.Name, err)
		}
		if p.scalars == nil {
			p.scalars = map[string]float64{}
		}
		p.scalars[buf] = s
	default:
		if t.DType != safetensors.F32 && t.DType != safetensors.F64 {
			return fmt.Errorf("torchbridge: %s is %s, want F32 or F64", t.Name, t.DType)
		}
		if im.dtype == "" {
			im.dtype = t.DType
		}
		if t.DType != im.dtype {
			return fmt.Errorf("torchbridge: %s is %s, the state's buffers are %s", t.Name, t.DType, im.dtype)
		}
		t.Name = im.names[id] + "/" + buf
		t.Shape = []int{product(t.Shape)}
		p.bufs = append(p.bufs, t)
	}
	return nil
}

// state builds the optimizer state optim loads from the groups and each
// parameter's state.
func (im *imported) state(params map[int]*importParam) ([]byte, error) {
	h := state{Version: 1, DType: im.dtype, Method: im.method, Steps: map[string]int64{}, Scalars: map[string]map[string]float64{}}
	var out []safetensors.Tensor
	seen := map[int]bool{}
	for gi, g := range im.groups {
		var base string
		if im.specs != nil {
			base = im.specs[gi]
		}
		spec, err := descentSpec(im.method, base, g)
		if err != nil {
			return nil, fmt.Errorf("torchbridge: param_groups[%d]: %w", gi, err)
		}
		var ids []int
		if err := json.Unmarshal(g["params"], &ids); err != nil {
			return nil, fmt.Errorf("torchbridge: param_groups[%d]: params: want a list of ids: %v", gi, err)
		}
		gs := optim.GroupState{Hyper: spec}
		for _, id := range ids {
			if id < 0 || id >= len(im.names) || seen[id] {
				return nil, fmt.Errorf("torchbridge: param_groups[%d]: parameter id %d unknown or listed twice (%d names)", gi, id, len(im.names))
			}
			seen[id] = true
			name := im.names[id]
			gs.Params = append(gs.Params, name)
			p := params[id]
			if p == nil {
				h.Steps[name] = 0
				continue
			}
			step := p.step
			if !p.hasStep && len(p.bufs) > 0 {
				step = 1
			}
			h.Steps[name] = step
			if len(p.scalars) > 0 {
				h.Scalars[name] = p.scalars
			}
			slices.SortFunc(p.bufs, func(a, b safetensors.Tensor) int { return strings.Compare(a.Name, b.Name) })
			out = append(out, p.bufs...)
		}
		h.Groups = append(h.Groups, gs)
	}
	for id := range params {
		if !seen[id] {
			return nil, fmt.Errorf("torchbridge: optim.state.%d belongs to no param_group", id)
		}
	}
	hj, err := json.Marshal(h)
	if err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := safetensors.Encode(&b, out, map[string]string{stateKey: string(hj)}); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// unmarshalMeta decodes the JSON of metadata key into v.
func unmarshalMeta(meta map[string]string, key string, v any, required bool) error {
	raw, ok := meta[key]
	if !ok {
		if required {
			return fmt.Errorf("torchbridge: no %s metadata", key)
		}
		return nil
	}
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("torchbridge: %s: %v", key, err)
	}
	return nil
}

// scalar returns the one element of a scalar F32 or F64 tensor.
func scalar(t safetensors.Tensor) (float64, error) {
	switch t.DType {
	case safetensors.F32:
		v, err := t.AsFloat32()
		if err != nil || len(v) != 1 {
			return 0, fmt.Errorf("want one F32 value")
		}
		return float64(v[0]), nil
	case safetensors.F64:
		v, err := t.AsFloat64()
		if err != nil || len(v) != 1 {
			return 0, fmt.Errorf("want one F64 value")
		}
		return v[0], nil
	}
	return 0, fmt.Errorf("is %s, want F32 or F64", t.DType)
}

// descentSpec builds the full spec of a group: the method's keys in their
// order, each with torch's value where the group has the key (betas for
// beta1 and beta2), else base's (a full spec from descent.groups), else the
// default. A value equal to base's keeps base's text, so a round trip
// gives back the same spec.
func descentSpec(method, base string, group map[string]json.RawMessage) (string, error) {
	opts, err := optim.Options(method)
	if err != nil {
		return "", err
	}
	baseVals := map[string]string{}
	if base != "" {
		name, kvs, err := splitSpec(base)
		if err != nil {
			return "", err
		}
		if name != method {
			return "", fmt.Errorf("descent.groups spec %q is not for %q", base, method)
		}
		for _, kv := range kvs {
			baseVals[kv[0]] = kv[1]
		}
	}
	torch := map[string]json.RawMessage{}
	for k, v := range group {
		torch[k] = v
	}
	if raw, ok := group["betas"]; ok {
		var betas []json.Number
		if err := json.Unmarshal(raw, &betas); err != nil || len(betas) != 2 {
			return "", fmt.Errorf("betas %s: want a pair of numbers", raw)
		}
		torch["beta1"], torch["beta2"] = json.RawMessage(betas[0]), json.RawMessage(betas[1])
	}
	var b strings.Builder
	b.WriteString(method)
	for _, o := range opts {
		v, ok := baseVals[o.Key]
		if !ok {
			v = o.Default
		}
		if raw, ok := torch[o.Key]; ok && string(raw) != "null" {
			tv, err := specValue(raw)
			if err != nil {
				return "", fmt.Errorf("%s: %v", o.Key, err)
			}
			if !sameValue(tv, v) {
				v = tv
			}
		}
		if b.Len() == len(method) {
			b.WriteByte(':')
		} else {
			b.WriteByte(',')
		}
		b.WriteString(o.Key + "=" + v)
	}
	h, err := optim.ParseSpec(b.String())
	if err != nil {
		return "", err
	}
	// optim's own full text of it, as a saved state's groups carry it.
	return optim.FullSpec(h), nil
}

// specValue writes a JSON value of a param_group as a spec value.
func specValue(raw json.RawMessage) (string, error) {
	var v any
	d := json.NewDecoder(bytes.NewReader(raw))
	d.UseNumber()
	if err := d.Decode(&v); err != nil {
		return "", err
	}
	switch v := v.(type) {
	case bool:
		return strconv.FormatBool(v), nil
	case json.Number:
		f, err := strconv.ParseFloat(string(v), 64)
		if err != nil {
			return "", err
		}
		return strconv.FormatFloat(f, 'g', -1, 64), nil
	case string:
		return v, nil
	}
	return "", fmt.Errorf("%s: want a number, a boolean or a string", raw)
}

// sameValue reports whether two spec values are equal as numbers or text.
func sameValue(a, b string) bool {
	if a == b {
		return true
	}
	x, err1 := strconv.ParseFloat(a, 64)
	y, err2 := strconv.ParseFloat(b, 64)
	return err1 == nil && err2 == nil && x == y
}
