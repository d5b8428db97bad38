package checkpoint

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/nn"
)

// sample returns a small checkpoint at step with the weights of a
// mlp:4-3-2 model.
func sample(t testing.TB, step int) *Checkpoint {
	if t != nil {
		t.Helper()
	}
	m := nn.MustParse("mlp:4-3-2", 7)
	return &Checkpoint{
		Step: step, Epoch: step / 10,
		Config:    json.RawMessage(`{"model":"mlp:4-3-2","seed":7}`),
		State:     json.RawMessage(`{"sampler":{"pos":3},"loss":[0.5,1e-300]}`),
		Model:     nn.Weights(m),
		Optimizer: []byte("opaque optimizer bytes"),
	}
}

func TestSaveLoadRoundTrip(t *testing.T) {
	root := t.TempDir()
	c := sample(t, 40)
	dir, err := Save(root, c, 3)
	if err != nil {
		t.Fatal(err)
	}
	if want := filepath.Join(root, "step-00000040"); dir != want {
		t.Errorf("dir = %s, want %s", dir, want)
	}
	got, err := Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if got.Step != 40 || got.Epoch != 4 || !bytes.Equal(got.Optimizer, c.Optimizer) {
		t.Errorf("got step %d epoch %d optimizer %q", got.Step, got.Epoch, got.Optimizer)
	}
	for _, p := range []struct{ got, want json.RawMessage }{{got.Config, c.Config}, {got.State, c.State}} {
		var a, b bytes.Buffer
		json.Compact(&a, p.got)
		json.Compact(&b, p.want)
		if a.String() != b.String() {
			t.Errorf("JSON %s, want %s", a.String(), b.String())
		}
	}
	if len(got.Model) != len(c.Model) {
		t.Fatalf("%d tensors, want %d", len(got.Model), len(c.Model))
	}
	for i, w := range c.Model {
		g := got.Model[i]
		if g.Name != w.Name || !slices.Equal(g.Shape, w.Shape) || !slices.Equal(g.Data, w.Data) {
			t.Errorf("tensor %d: got %s %v, want %s %v", i, g.Name, g.Shape, w.Name, w.Shape)
		}
	}
	// Loading the weights into a fresh model of the same spec restores it.
	m := nn.MustParse("mlp:4-3-2", 99)
	if err := nn.LoadWeights(m, got.Model); err != nil {
		t.Fatal(err)
	}
	p, _ := m.Flat()
	q, _ := nn.MustParse("mlp:4-3-2", 7).Flat()
	if !slices.Equal(p, q) {
		t.Error("restored weights differ from the saved model's")
	}
	ents, _ := os.ReadDir(root)
	if len(ents) != 1 {
		t.Errorf("root holds %d entries, want only the checkpoint", len(ents))
	}
}

func TestKeepAndLatest(t *testing.T) {
	root := t.TempDir()
	if _, err := Latest(root); !errors.Is(err, ErrNone) {
		t.Errorf("Latest of an empty root: %v, want ErrNone", err)
	}
	if _, err := Latest(filepath.Join(root, "missing")); !errors.Is(err, ErrNone) {
		t.Errorf("Latest of a missing root: %v, want ErrNone", err)
	}
	for _, step := range []int{5, 10, 15, 20, 100_000_000} {
		if _, err := Save(root, sample(t, step), 3); err != nil {
			t.Fatal(err)
		}
	}
	all, err := List(root)
	if err != nil {
		t.Fatal(err)
	}
	var steps []int
	for _, e := range all {
		steps = append(steps, e.Step)
	}
	if want := []int{15, 20, 100_000_000}; !slices.Equal(steps, want) {
		t.Errorf("kept steps %v, want %v", steps, want)
	}
	e, err := Latest(root)
	if err != nil || e.Step != 100_000_000 {
		t.Errorf("Latest = %+v, %v", e, err)
	}
	// keep < 1 keeps everything.
	if _, err := Save(root, sample(t, 200_000_000), 0); err != nil {
		t.Fatal(err)
	}
	if all, _ := List(root); len(all) != 4 {
		t.Errorf("keep 0 left %d checkpoints, want 4", len(all))
	}
	// Saving the same step again replaces it.
	c := sample(t, 20)
	c.Optimizer = []byte("second")
	if _, err := Save(root, c, 0); err != nil {
		t.Fatal(err)
	}
	got, err := Load(filepath.Join(root, StepName(20)))
	if err != nil || string(got.Optimizer) != "second" {
		t.Errorf("replaced checkpoint: %v, optimizer %q", err, got.Optimizer)
	}
}

// What a crash leaves (a temporary folder with some files, a half-removed
// old checkpoint renamed away) is invisible to List and swept by the next
// Save; the complete checkpoints are untouched.
func TestCrashLeftovers(t *testing.T) {
	root := t.TempDir()
	if _, err := Save(root, sample(t, 10), 0); err != nil {
		t.Fatal(err)
	}
	files, err := Encode(sample(t, 20))
	if err != nil {
		t.Fatal(err)
	}
	// A crash after the model file of step 20, before its manifest.
	tmp := filepath.Join(root, ".step-00000020.tmp-123")
	os.Mkdir(tmp, 0o755)
	os.WriteFile(filepath.Join(tmp, ModelFile), files[ModelFile][:10], 0o644)
	trash := filepath.Join(root, ".trash-456")
	os.MkdirAll(filepath.Join(trash, "step-00000005"), 0o755)
	os.WriteFile(filepath.Join(root, "step-x"), nil, 0o644) // not a checkpoint name
	os.Mkdir(filepath.Join(root, "step-7"), 0o755)          // not zero-padded: not ours
	e, err := Latest(root)
	if err != nil || e.Step != 10 {
		t.Fatalf("Latest = %+v, %v; want step 10", e, err)
	}
	if _, err := Load(e.Dir); err != nil {
		t.Fatal(err)
	}
	if _, err := Save(root, sample(t, 30), 0); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{tmp, trash} {
		if _, err := os.Stat(p); !errors.Is(err, os.ErrNotExist) {
			t.Errorf("%s survived the next Save", p)
		}
	}
}

// Every way a checkpoint folder can be wrong gives one error that names
// the checkpoint and the problem.
func TestLoadErrors(t *testing.T) {
	good, err := Encode(sample(t, 40))
	if err != nil {
		t.Fatal(err)
	}
	manifest := func(edit func(m map[string]any)) []byte {
		var m map[string]any
		json.Unmarshal(good[ManifestFile], &m)
		edit(m)
		b, _ := json.Marshal(m)
		return b
	}
	// resum recomputes the manifest's checksum after an edit, so the
	// later checks are reached.
	resum := func(b []byte) []byte {
		var m Manifest
		json.Unmarshal(b, &m)
		m.Checksum, _ = m.selfSum()
		out, _ := json.Marshal(m)
		return out
	}
	cases := []struct {
		name  string
		edit  func(files map[string][]byte)
		wants string
	}{
		{"truncated model", func(f map[string][]byte) { f[ModelFile] = f[ModelFile][:len(f[ModelFile])-5] }, "model.safetensors is truncated"},
		{"empty optimizer", func(f map[string][]byte) { f[OptimizerFile] = nil }, "optimizer.safetensors is truncated: 0 bytes"},
		{"longer model", func(f map[string][]byte) { f[ModelFile] = append(f[ModelFile], 0) }, "model.safetensors is damaged"},
		{"flipped bit", func(f map[string][]byte) { f[ModelFile][len(f[ModelFile])-1] ^= 1 }, "SHA-256 does not match"},
		{"missing model", func(f map[string][]byte) { delete(f, ModelFile) }, "model.safetensors is missing"},
		{"no manifest", func(f map[string][]byte) { delete(f, ManifestFile) }, "no manifest.json"},
		{"truncated manifest", func(f map[string][]byte) { f[ManifestFile] = f[ManifestFile][:len(f[ManifestFile])/2] }, "manifest.json is damaged (truncated or not JSON)"},
		{"edited manifest", func(f map[string][]byte) {
			f[ManifestFile] = bytes.Replace(f[ManifestFile], []byte(`"step": 40`), []byte(`"step": 41`), 1)
		}, "checksum does not match"},
		{"future version", func(f map[string][]byte) {
			f[ManifestFile] = manifest(func(m map[string]any) { m["version"] = 2; m["new_field"] = true })
		}, "newer descent (checkpoint format version 2; this build reads up to 1)"},
		{"version zero", func(f map[string][]byte) {
			f[ManifestFile] = manifest(func(m map[string]any) { m["version"] = 0 })
		}, "version 0 is not a format version"},
		{"other format", func(f map[string][]byte) {
			f[ManifestFile] = manifest(func(m map[string]any) { m["format"] = "pytorch" })
		}, "not a descent checkpoint"},
		{"unknown field", func(f map[string][]byte) {
			f[ManifestFile] = manifest(func(m map[string]any) { m["extra"] = 1 })
		}, "unknown field"},
		{"negative step", func(f map[string][]byte) {
			f[ManifestFile] = resum(manifest(func(m map[string]any) { m["step"] = -1 }))
		}, "want counts ≥ 0"},
		{"unlisted optimizer", func(f map[string][]byte) {
			f[ManifestFile] = resum(manifest(func(m map[string]any) { delete(m["files"].(map[string]any), OptimizerFile) }))
		}, "does not list optimizer.safetensors"},
		{"weights not safetensors", func(f map[string][]byte) {
			f[ModelFile] = []byte("not a safetensors file at all")
			f[ManifestFile] = resum(manifest(func(m map[string]any) {
				m["files"].(map[string]any)[ModelFile] = sum(f[ModelFile])
			}))
		}, "model.safetensors: safetensors: header length"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			dir := t.TempDir()
			files := map[string][]byte{}
			for k, v := range good {
				files[k] = bytes.Clone(v)
			}
			c.edit(files)
			for k, v := range files {
				os.WriteFile(filepath.Join(dir, k), v, 0o644)
			}
			_, err := Load(dir)
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "checkpoint "+dir+": ") || !strings.Contains(msg, c.wants) || strings.Contains(msg, "\n") {
				t.Errorf("error %q, want one line starting with the folder and containing %q", msg, c.wants)
			}
		})
	}
}

func TestLoadWeightsMismatch(t *testing.T) {
	w := nn.Weights(nn.MustParse("mlp:4-3-2", 1))
	cases := []struct {
		model, want string
	}{
		{"mlp:4-5-2", "fc1.weight has shape [3 4], model mlp:4-5-2"},
		{"mlp:4-3-2-2", "has no fc3.weight"},
		{"mlp:4-3", "has a tensor fc2.weight that model mlp:4-3"},
	}
	for _, c := range cases {
		m := nn.MustParse(c.model, 1)
		before, _ := m.Flat()
		before = slices.Clone(before)
		err := nn.LoadWeights(m, w)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want %q", c.model, err, c.want)
		}
		if after, _ := m.Flat(); !slices.Equal(before, after) {
			t.Errorf("%s: a refused load changed the weights", c.model)
		}
	}
}

func TestEncodeRefuses(t *testing.T) {
	c := sample(t, 1)
	c.State = json.RawMessage(`{"x":`)
	if _, err := Encode(c); err == nil || !strings.Contains(err.Error(), "state is not valid JSON") {
		t.Errorf("err = %v", err)
	}
	c = sample(t, 1)
	c.Model[0].Data = c.Model[0].Data[1:]
	if _, err := Encode(c); err == nil {
		t.Error("a tensor shorter than its shape was written")
	}
}

// TestWeightsFileSpec reads model.safetensors by hand as the safetensors
// README specifies it, without this repository's decoder: 8 bytes of
// little-endian u64 N, N bytes of a UTF-8 JSON object (starting with '{',
// padded with spaces) mapping each tensor name to dtype, shape and
// data_offsets [begin, end) relative to the byte after the header, then
// the data, little-endian, row-major, covering the buffer exactly.
func TestWeightsFileSpec(t *testing.T) {
	m := nn.MustParse("mlp:784-16-10", 1)
	var b bytes.Buffer
	if err := WriteWeights(&b, nn.Weights(m), map[string]string{"format": "pt"}); err != nil {
		t.Fatal(err)
	}
	file := b.Bytes()
	n := binary.LittleEndian.Uint64(file[:8])
	hdr := file[8 : 8+n]
	if hdr[0] != '{' {
		t.Fatalf("header starts with %q, the spec wants '{'", hdr[0])
	}
	var h map[string]json.RawMessage
	if err := json.Unmarshal(hdr, &h); err != nil {
		t.Fatal(err)
	}
	var meta map[string]string
	if err := json.Unmarshal(h["__metadata__"], &meta); err != nil || meta["format"] != "pt" {
		t.Errorf("__metadata__ = %s", h["__metadata__"])
	}
	buf := file[8+n:]
	covered := 0
	for _, v := range m.Params() {
		var e struct {
			DType       string  `json:"dtype"`
			Shape       []int   `json:"shape"`
			DataOffsets []int64 `json:"data_offsets"`
		}
		if err := json.Unmarshal(h[v.Name], &e); err != nil {
			t.Fatalf("%s: %v", v.Name, err)
		}
		if e.DType != "F32" || !slices.Equal(e.Shape, v.Shape) || len(e.DataOffsets) != 2 {
			t.Fatalf("%s: entry %+v, want F32 %v", v.Name, e, v.Shape)
		}
		data := buf[e.DataOffsets[0]:e.DataOffsets[1]]
		if len(data) != 4*len(v.Value) {
			t.Fatalf("%s: %d bytes for %d values", v.Name, len(data), len(v.Value))
		}
		for i, x := range v.Value {
			if got := binary.LittleEndian.Uint32(data[4*i:]); got != mathFloat32bits(x) {
				t.Fatalf("%s[%d]: bytes %08x, want %v", v.Name, i, got, x)
			}
		}
		covered += len(data)
	}
	if covered != len(buf) || len(h) != len(m.Params())+1 {
		t.Errorf("tensors cover %d of %d data bytes; header has %d keys", covered, len(buf), len(h))
	}
	// Names and shapes are torch's nn.Linear state_dict for the same net.
	if s := string(hdr); !strings.Contains(s, `"fc1.weight":{"dtype":"F32","shape":[16,784]`) ||
		!strings.Contains(s, `"fc2.bias":{"dtype":"F32","shape":[10]`) {
		t.Errorf("header %s", s)
	}
}

func mathFloat32bits(x float32) uint32 { return math.Float32bits(x) }
