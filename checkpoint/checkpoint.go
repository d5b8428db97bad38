package checkpoint

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/descentlab/descent/internal/atomicfile"
)

// Version is the manifest format this build writes, and the newest it
// reads.
const Version = 1

// Format is the manifest's "format" value.
const Format = "descent-checkpoint"

// The files of a checkpoint folder.
const (
	ManifestFile  = "manifest.json"
	ModelFile     = "model.safetensors"
	OptimizerFile = "optimizer.safetensors"
)

// MaxManifest is the largest manifest Load reads; a real one is a few
// kilobytes (the loss curve it may carry is bounded by the trainer).
const MaxManifest = 16 << 20

// Checkpoint is one saved training state.
type Checkpoint struct {
	Step  int // optimizer steps done
	Epoch int // epochs completed
	// Config is the run's configuration and State the loop's own state
	// (sampler, generators, running sums, metrics), both as JSON that this
	// package keeps but does not interpret. Each must be a JSON value.
	Config json.RawMessage
	State  json.RawMessage
	// Model is the weights, in the model's parameter order.
	Model []Tensor
	// Optimizer is the optimizer state as optim's MarshalBinary encodes it
	// (itself a safetensors file), kept as bytes: optim validates it when
	// it is loaded.
	Optimizer []byte
}

// Manifest is the content of manifest.json.
type Manifest struct {
	Format  string          `json:"format"`  // Format
	Version int             `json:"version"` // Version when written
	Step    int             `json:"step"`
	Epoch   int             `json:"epoch"`
	Config  json.RawMessage `json:"config"`
	State   json.RawMessage `json:"state"`
	// Files maps each other file of the folder to its size and SHA-256.
	Files map[string]FileSum `json:"files"`
	// Checksum is the SHA-256 of the manifest's compact JSON encoding with
	// Checksum itself empty, so that a damaged manifest is caught too.
	Checksum string `json:"checksum"`
}

// FileSum is the size and SHA-256 (hex) of one file.
type FileSum struct {
	Bytes  int64  `json:"bytes"`
	SHA256 string `json:"sha256"`
}

func sum(b []byte) FileSum {
	h := sha256.Sum256(b)
	return FileSum{Bytes: int64(len(b)), SHA256: hex.EncodeToString(h[:])}
}

// selfSum is the manifest's checksum: the SHA-256 of its compact JSON with
// the Checksum field empty. Compact JSON of the parsed value is the same
// whatever the whitespace of the file, so indentation does not matter.
func (m Manifest) selfSum() (string, error) {
	m.Checksum = ""
	b, err := json.Marshal(m)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// StepName is the folder name of the checkpoint at step: step-NNNNNNNN,
// zero-padded to 8 digits (wider past 99,999,999 steps; List sorts by the
// number, not the name).
func StepName(step int) string { return fmt.Sprintf("step-%08d", step) }

// parseStepName returns the step of a folder named by StepName.
func parseStepName(name string) (int, bool) {
	s, ok := strings.CutPrefix(name, "step-")
	if !ok || s == "" || strings.TrimLeft(s, "0123456789") != "" {
		return 0, false
	}
	n, err := strconv.Atoi(s)
	return n, err == nil && StepName(n) == name
}

// Encode returns the files of c as they are written to its folder, the
// manifest included. It fails on a checkpoint that cannot be written:
// negative counters, Config or State that are not JSON, bad tensors.
func Encode(c *Checkpoint) (map[string][]byte, error) {
	if c.Step < 0 || c.Epoch < 0 {
		return nil, fmt.Errorf("checkpoint: step %d, epoch %d: want counts ≥ 0", c.Step, c.Epoch)
	}
	for _, f := range []struct {
		name string
		v    json.RawMessage
	}{{"config", c.Config}, {"state", c.State}} {
		if !json.Valid(f.v) {
			return nil, fmt.Errorf("checkpoint: %s is not valid JSON", f.name)
		}
	}
	var model bytes.Buffer
	if err := WriteWeights(&model, c.Model, nil); err != nil {
		return nil, err
	}
	files := map[string][]byte{ModelFile: model.Bytes(), OptimizerFile: c.Optimizer}
	m := Manifest{Format: Format, Version: Version, Step: c.Step, Epoch: c.Epoch,
		Config: c.Config, State: c.State, Files: map[string]FileSum{}}
	for name, b := range files {
		m.Files[name] = sum(b)
	}
	var err error
	if m.Checksum, err = m.selfSum(); err != nil {
		return nil, err
	}
	mb, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return nil, err
	}
	files[ManifestFile] = append(mb, '\n')
	return files, nil
}

// Save writes c as root/StepName(c.Step), creating root if needed, then
// removes all but the newest keep checkpoints of root (keep < 1 keeps them
// all). It returns the new checkpoint's folder.
//
// The checkpoint is written in a temporary folder and renamed into place,
// so a crash leaves the previous checkpoints as they were and either no
// new one or a complete one (see the package documentation). A checkpoint
// already at that step is replaced.
func Save(root string, c *Checkpoint, keep int) (string, error) {
	files, err := Encode(c)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %v", err)
	}
	sweep(root)
	name := StepName(c.Step)
	final := filepath.Join(root, name)
	tmp, err := os.MkdirTemp(root, "."+name+".tmp-")
	if err != nil {
		return "", fmt.Errorf("checkpoint: %v", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %v", err)
	}
	// The manifest goes last: it vouches for the files before it.
	for _, f := range []string{ModelFile, OptimizerFile, ManifestFile} {
		if err := atomicfile.Write(filepath.Join(tmp, f), files[f]); err != nil {
			return "", fmt.Errorf("checkpoint: %v", err)
		}
	}
	if _, err := os.Lstat(final); err == nil {
		if err := remove(root, final); err != nil {
			return "", err
		}
	}
	if err := os.Rename(tmp, final); err != nil {
		return "", fmt.Errorf("checkpoint: %v", err)
	}
	ok = true
	atomicfile.SyncDir(root)
	if keep >= 1 {
		if err := Prune(root, keep); err != nil {
			return final, err
		}
	}
	return final, nil
}

// remove deletes a checkpoint folder by first renaming it to a temporary
// name, so that a crash midway leaves no damaged step-N folder.
func remove(root, dir string) error {
	trash, err := os.MkdirTemp(root, ".trash-")
	if err != nil {
		return fmt.Errorf("checkpoint: %v", err)
	}
	gone := filepath.Join(trash, filepath.Base(dir))
	if err := os.Rename(dir, gone); err != nil {
		os.Remove(trash)
		return fmt.Errorf("checkpoint: cannot remove %s: %v", dir, err)
	}
	atomicfile.SyncDir(root)
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("checkpoint: cannot remove %s: %v", dir, err)
	}
	return nil
}

// sweep removes the temporary folders that an interrupted Save or Prune
// left in root.
func sweep(root string) {
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		n := e.Name()
		if e.IsDir() && (strings.HasPrefix(n, ".trash-") || (strings.HasPrefix(n, ".step-") && strings.Contains(n, ".tmp-"))) {
			os.RemoveAll(filepath.Join(root, n))
		}
	}
}

// Entry is one checkpoint folder of a root.
type Entry struct {
	Step int
	Dir  string
}

// List returns the checkpoint folders of root (those named by StepName),
// oldest first. A root that does not exist has none.
func List(root string) ([]Entry, error) {
	ents, err := os.ReadDir(root)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("checkpoint: %v", err)
	}
	var out []Entry
	for _, e := range ents {
		if step, ok := parseStepName(e.Name()); ok && e.IsDir() {
			out = append(out, Entry{Step: step, Dir: filepath.Join(root, e.Name())})
		}
	}
	slices.SortFunc(out, func(a, b Entry) int { return a.Step - b.Step })
	return out, nil
}

// ErrNone is returned by Latest when root holds no checkpoint.
var ErrNone = errors.New("no checkpoint")

// Latest returns the folder of the newest checkpoint in root, or an error
// wrapping ErrNone. It does not load it: a damaged newest checkpoint is
// reported by Load, not skipped, so that nothing is silently lost.
func Latest(root string) (Entry, error) {
	all, err := List(root)
	if err != nil {
		return Entry{}, err
	}
	if len(all) == 0 {
		return Entry{}, fmt.Errorf("checkpoint: %s: %w", root, ErrNone)
	}
	return all[len(all)-1], nil
}

// Prune removes all but the newest keep checkpoints of root (keep ≥ 1).
func Prune(root string, keep int) error {
	if keep < 1 {
		return fmt.Errorf("checkpoint: keep %d: want at least 1", keep)
	}
	all, err := List(root)
	if err != nil {
		return err
	}
	for len(all) > keep {
		if err := remove(root, all[0].Dir); err != nil {
			return err
		}
		all = all[1:]
	}
	return nil
}

// Load reads and verifies the checkpoint in folder dir (see the package
// documentation for the checks). Errors start with "checkpoint DIR:".
func Load(dir string) (*Checkpoint, error) {
	c, err := load(os.DirFS(dir))
	if err != nil {
		return nil, fmt.Errorf("checkpoint %s: %w", dir, err)
	}
	return c, nil
}

// readFile reads name from fsys, refusing more than limit bytes.
func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	f, err := fsys.Open(name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	b, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("%s is larger than %d bytes", name, limit)
	}
	return b, nil
}

// ParseManifest parses and checks manifest.json: known format, a version
// this build reads, sane counters, the listed files and the manifest's own
// checksum.
func ParseManifest(b []byte) (*Manifest, error) {
	// The version first, alone, so that a newer manifest gets the version
	// error rather than whatever else changed in it.
	var head struct {
		Format  string          `json:"format"`
		Version json.RawMessage `json:"version"`
	}
	if err := json.Unmarshal(b, &head); err != nil {
		return nil, fmt.Errorf("%s is damaged (truncated or not JSON): %v", ManifestFile, err)
	}
	if head.Format != Format {
		return nil, fmt.Errorf("%s: format %q, want %q (not a descent checkpoint)", ManifestFile, head.Format, Format)
	}
	var v int
	if err := json.Unmarshal(head.Version, &v); err != nil || v < 1 {
		return nil, fmt.Errorf("%s: version %s is not a format version", ManifestFile, head.Version)
	}
	if v > Version {
		return nil, fmt.Errorf("written by a newer descent (checkpoint format version %d; this build reads up to %d): update descent to load it", v, Version)
	}
	var m Manifest
	d := json.NewDecoder(bytes.NewReader(b))
	d.DisallowUnknownFields()
	if err := d.Decode(&m); err != nil {
		return nil, fmt.Errorf("%s is damaged: %v", ManifestFile, err)
	}
	if d.More() {
		return nil, fmt.Errorf("%s is damaged: data after the JSON object", ManifestFile)
	}
	want, err := m.selfSum()
	if err != nil {
		return nil, fmt.Errorf("%s is damaged: %v", ManifestFile, err)
	}
	if m.Checksum != want {
		return nil, fmt.Errorf("%s is damaged: its checksum does not match its content", ManifestFile)
	}
	if m.Step < 0 || m.Epoch < 0 {
		return nil, fmt.Errorf("%s: step %d, epoch %d: want counts ≥ 0", ManifestFile, m.Step, m.Epoch)
	}
	if len(m.Config) == 0 || len(m.State) == 0 {
		return nil, fmt.Errorf("%s has no config or no state", ManifestFile)
	}
	for _, f := range []string{ModelFile, OptimizerFile} {
		if _, ok := m.Files[f]; !ok {
			return nil, fmt.Errorf("%s does not list %s", ManifestFile, f)
		}
	}
	for name, s := range m.Files {
		if name != ModelFile && name != OptimizerFile {
			return nil, fmt.Errorf("%s lists an unknown file %q", ManifestFile, name)
		}
		if s.Bytes < 0 || len(s.SHA256) != 2*sha256.Size {
			return nil, fmt.Errorf("%s: entry of %s has size %d and SHA-256 %q", ManifestFile, name, s.Bytes, s.SHA256)
		}
	}
	return &m, nil
}

func load(fsys fs.FS) (*Checkpoint, error) {
	mb, err := readFile(fsys, ManifestFile, MaxManifest)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no %s (not a checkpoint folder)", ManifestFile)
	}
	if err != nil {
		return nil, err
	}
	m, err := ParseManifest(mb)
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{}
	for _, name := range []string{ModelFile, OptimizerFile} {
		want := m.Files[name]
		b, err := readFile(fsys, name, want.Bytes)
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("%s is missing", name)
		}
		if err != nil {
			return nil, fmt.Errorf("%s is damaged: %v (the manifest says %d bytes)", name, err, want.Bytes)
		}
		if int64(len(b)) < want.Bytes {
			return nil, fmt.Errorf("%s is truncated: %d bytes, the manifest says %d", name, len(b), want.Bytes)
		}
		if got := sum(b); got.SHA256 != want.SHA256 {
			return nil, fmt.Errorf("%s is damaged: its SHA-256 does not match the manifest", name)
		}
		files[name] = b
	}
	model, _, err := ReadWeights(files[ModelFile])
	if err != nil {
		return nil, fmt.Errorf("%s: %v", ModelFile, err)
	}
	return &Checkpoint{Step: m.Step, Epoch: m.Epoch, Config: m.Config, State: m.State,
		Model: model, Optimizer: files[OptimizerFile]}, nil
}
