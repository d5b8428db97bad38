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
	// RunFile, in the root beside the step folders, holds the identity of
	// the run the checkpoints belong to (Checkpoint.Run).
	RunFile = "run-id"
)

// prevPrefix names the folder a same-step Save moves the old checkpoint
// to while the new one is renamed in: ".prev-step-N". Until the new one
// is in place List reads the old one from there.
const prevPrefix = ".prev-"

// testHook, when set (by the tests only), is called at each stage of Save
// so that a test can kill the process there.
var testHook func(stage string)

func hook(stage string) {
	if testHook != nil {
		testHook(stage)
	}
}

// MaxManifest is the largest manifest Load reads; a real one is a few
// kilobytes (the loss curve it may carry is bounded by the trainer).
const MaxManifest = 16 << 20

// Checkpoint is one saved training state.
type Checkpoint struct {
	Step  int // optimizer steps done
	Epoch int // epochs completed
	// Run identifies the run the checkpoint belongs to (any short string
	// of letters, digits and '-'; empty in checkpoints of older descents).
	// Save records it in the root's RunFile and refuses a checkpoint of
	// another run; CheckRun refuses to load one.
	Run string
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
	Run     string          `json:"run,omitempty"`
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
	if !validRun(c.Run) {
		return nil, fmt.Errorf("checkpoint: run identity %q: want up to 64 letters, digits and '-'", c.Run)
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
	m := Manifest{Format: Format, Version: Version, Step: c.Step, Epoch: c.Epoch, Run: c.Run,
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
// already at that step is replaced, and kept until its replacement is in
// place. A checkpoint of another run than the root's (Checkpoint.Run
// against RunFile) is refused.
func Save(root string, c *Checkpoint, keep int) (string, error) {
	files, err := Encode(c)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(root, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	if err := claimRun(root, c.Run); err != nil {
		return "", err
	}
	sweep(root)
	name := StepName(c.Step)
	final := filepath.Join(root, name)
	tmp, err := os.MkdirTemp(root, "."+name+".tmp-")
	if err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	ok := false
	defer func() {
		if !ok {
			os.RemoveAll(tmp)
		}
	}()
	if err := os.Chmod(tmp, 0o755); err != nil {
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	// The manifest goes last: it vouches for the files before it.
	for _, f := range []string{ModelFile, OptimizerFile, ManifestFile} {
		if err := atomicfile.Write(filepath.Join(tmp, f), files[f]); err != nil {
			return "", fmt.Errorf("checkpoint: %w", err)
		}
	}
	hook("written")
	// A checkpoint at the same step is moved aside, not deleted, until the
	// new one is in place: List reads it from its .prev- name meanwhile,
	// and the next Save puts it back if a crash came first.
	prev := filepath.Join(root, prevPrefix+name)
	if _, err := os.Lstat(final); err == nil {
		if err := os.Rename(final, prev); err != nil {
			return "", fmt.Errorf("checkpoint: %w", err)
		}
		atomicfile.SyncDir(root)
		hook("moved-aside")
	}
	if err := os.Rename(tmp, final); err != nil {
		if _, perr := os.Lstat(prev); perr == nil {
			os.Rename(prev, final) // put the old one back
		}
		return "", fmt.Errorf("checkpoint: %w", err)
	}
	ok = true
	atomicfile.SyncDir(root)
	hook("renamed")
	if err := removePrev(root, prev); err != nil {
		return final, err
	}
	hook("replaced")
	if keep >= 1 {
		if err := Prune(root, keep); err != nil {
			return final, err
		}
	}
	return final, nil
}

// removePrev deletes the old copy of a re-saved checkpoint, if there is
// one, renaming it away first like remove.
func removePrev(root, prev string) error {
	if _, err := os.Lstat(prev); err != nil {
		return nil
	}
	return remove(root, prev)
}

// validRun reports whether id can be a run identity.
func validRun(id string) bool {
	if len(id) > 64 {
		return false
	}
	for _, r := range id {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-') {
			return false
		}
	}
	return true
}

// RunOf returns the run identity recorded in root's RunFile, or "" if
// there is none.
func RunOf(root string) (string, error) {
	b, err := readFile(os.DirFS(root), RunFile, 64)
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("checkpoint: %s: %w", filepath.Join(root, RunFile), err)
	}
	id := strings.TrimSpace(string(b))
	if !validRun(id) {
		return "", fmt.Errorf("checkpoint: %s is damaged: %q is not a run identity", filepath.Join(root, RunFile), id)
	}
	return id, nil
}

// claimRun records run as root's run, or checks that it is root's run.
func claimRun(root, run string) error {
	have, err := RunOf(root)
	if err != nil {
		return err
	}
	switch {
	case have == run:
		return nil
	case have != "":
		return fmt.Errorf("checkpoint: %s holds the checkpoints of run %s, not of run %s", root, have, showRun(run))
	}
	if run == "" {
		return nil
	}
	if err := atomicfile.Write(filepath.Join(root, RunFile), []byte(run+"\n")); err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	return nil
}

func showRun(id string) string {
	if id == "" {
		return "(none recorded)"
	}
	return id
}

// CheckRun returns an error unless c belongs to the run whose checkpoints
// root holds: c.Run must equal the identity in root's RunFile (both empty
// for checkpoints of older descents). It catches a checkpoint folder of
// another run copied in among a run's own.
func CheckRun(root string, c *Checkpoint, dir string) error {
	have, err := RunOf(root)
	if err != nil {
		return err
	}
	if have != c.Run {
		return fmt.Errorf("checkpoint %s belongs to another run (run %s; the checkpoints of %s are of run %s): remove it", dir, showRun(c.Run), root, showRun(have))
	}
	return nil
}

// remove deletes a checkpoint folder by first renaming it to a temporary
// name, so that a crash midway leaves no damaged step-N folder.
func remove(root, dir string) error {
	trash, err := os.MkdirTemp(root, ".trash-")
	if err != nil {
		return fmt.Errorf("checkpoint: %w", err)
	}
	gone := filepath.Join(trash, filepath.Base(dir))
	if err := os.Rename(dir, gone); err != nil {
		os.Remove(trash)
		return fmt.Errorf("checkpoint: cannot remove %s: %w", dir, err)
	}
	atomicfile.SyncDir(root)
	if err := os.RemoveAll(trash); err != nil {
		return fmt.Errorf("checkpoint: cannot remove %s: %w", dir, err)
	}
	return nil
}

// sweep removes the temporary folders that an interrupted Save or Prune
// left in root, and puts back the old copy of a re-saved checkpoint whose
// replacement never arrived.
func sweep(root string) {
	ents, _ := os.ReadDir(root)
	for _, e := range ents {
		n := e.Name()
		if !e.IsDir() {
			continue
		}
		if name, ok := strings.CutPrefix(n, prevPrefix); ok {
			if _, isStep := parseStepName(name); isStep {
				final := filepath.Join(root, name)
				if _, err := os.Lstat(final); errors.Is(err, fs.ErrNotExist) {
					os.Rename(filepath.Join(root, n), final)
				} else {
					remove(root, filepath.Join(root, n))
				}
				atomicfile.SyncDir(root)
			}
			continue
		}
		if strings.HasPrefix(n, ".trash-") || (strings.HasPrefix(n, ".step-") && strings.Contains(n, ".tmp-")) {
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
		return nil, fmt.Errorf("checkpoint: %w", err)
	}
	var out []Entry
	have := map[int]bool{}
	for _, e := range ents {
		if step, ok := parseStepName(e.Name()); ok && e.IsDir() {
			out = append(out, Entry{Step: step, Dir: filepath.Join(root, e.Name())})
			have[step] = true
		}
	}
	// The old copy of a checkpoint whose re-save a crash interrupted
	// before its replacement was renamed in stands for it.
	for _, e := range ents {
		name, ok := strings.CutPrefix(e.Name(), prevPrefix)
		if step, isStep := parseStepName(name); ok && isStep && e.IsDir() && !have[step] {
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
// Only a regular file is opened: a FIFO or device in its place would
// block or never end, so it is refused from its Stat before the open.
func readFile(fsys fs.FS, name string, limit int64) ([]byte, error) {
	if fi, err := fs.Stat(fsys, name); err != nil {
		return nil, err
	} else if !fi.Mode().IsRegular() {
		return nil, fmt.Errorf("%s is not a regular file (%v)", name, fi.Mode().Type())
	}
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
		return nil, fmt.Errorf("%s is damaged (truncated or not JSON): %w", ManifestFile, err)
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
		return nil, fmt.Errorf("%s is damaged: %w", ManifestFile, err)
	}
	if d.More() {
		return nil, fmt.Errorf("%s is damaged: data after the JSON object", ManifestFile)
	}
	want, err := m.selfSum()
	if err != nil {
		return nil, fmt.Errorf("%s is damaged: %w", ManifestFile, err)
	}
	if m.Checksum != want {
		return nil, fmt.Errorf("%s is damaged: its checksum does not match its content", ManifestFile)
	}
	if m.Step < 0 || m.Epoch < 0 {
		return nil, fmt.Errorf("%s: step %d, epoch %d: want counts ≥ 0", ManifestFile, m.Step, m.Epoch)
	}
	if !validRun(m.Run) {
		return nil, fmt.Errorf("%s: run identity %q: want up to 64 letters, digits and '-'", ManifestFile, m.Run)
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
			return nil, fmt.Errorf("%s is damaged: %w (the manifest says %d bytes)", name, err, want.Bytes)
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
		return nil, fmt.Errorf("%s: %w", ModelFile, err)
	}
	return &Checkpoint{Step: m.Step, Epoch: m.Epoch, Run: m.Run, Config: m.Config, State: m.State,
		Model: model, Optimizer: files[OptimizerFile]}, nil
}
