package train

import (
	"context"
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/descentlab/descent/data"
)

// pixels returns n random examples of dim pixel bytes, labels in
// [0, classes).
func pixels(n, dim, classes int, seed uint64) *data.Dataset {
	r := rand.New(rand.NewPCG(seed, 3))
	d := &data.Dataset{Pixels: make([]uint8, n*dim), Y: make([]uint8, n), N: n, Dim: dim, Classes: classes, Shape: []int{dim}}
	for i := range d.Pixels {
		d.Pixels[i] = uint8(r.Uint32())
	}
	for i := range d.Y {
		d.Y[i] = uint8(r.IntN(classes))
	}
	d.Y[0] = uint8(classes - 1)
	return d
}

// TestPixelsTrainLikeFloats: a run on pixel bytes (converted batch by batch,
// or once for GD) gives the very weights and metrics of the same run on the
// same set converted to float32 first, as every set was held before.
func TestPixelsTrainLikeFloats(t *testing.T) {
	for _, batch := range []Batch{16, 1, FullBatch} {
		cfg := testConfig()
		cfg.Batch, cfg.Epochs = batch, 2
		trainSet, testSet := pixels(60, 8, 3, 1), pixels(30, 8, 3, 2)
		var runs [2]*Trainer
		for i, d := range []*data.Dataset{trainSet, trainSet.Float32()} {
			tr, err := New(cfg, d, testSet.Float32())
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.Run(context.Background(), nil); err != nil {
				t.Fatal(err)
			}
			runs[i] = tr
		}
		pa, _ := runs[0].Model().Flat()
		pb, _ := runs[1].Model().Flat()
		if !slices.Equal(pa, pb) || !reflect.DeepEqual(withoutSeconds(runs[0].Metrics()), withoutSeconds(runs[1].Metrics())) {
			t.Errorf("batch %v: training on pixel bytes differs from training on their floats", batch)
		}
	}
}

// TestFingerprintOfOlderCheckpoints: checkpoints written before pixels were
// kept as bytes hash the float32 values (printValues). The hash below is in
// the checkpoints of `descent train --data mnist --model mlp:784-16-10
// --opt adam --batch 50 --max-steps 20 --subset 1000 --checkpoint-every 10
// --seed 4` run by the binary of commit e9df847; it must still come out,
// from bytes or from floats, so that those checkpoints still resume.
func TestFingerprintOfOlderCheckpoints(t *testing.T) {
	trainSet, testSet, err := LoadData(Config{Data: DataMNIST, Subset: 1000})
	if err != nil {
		t.Fatal(err)
	}
	const want = "a99351cb3f1cde6e1a25f353b227dfe4d07840634d5802fdd46f86f81dbc907f"
	for _, d := range []*data.Dataset{trainSet, trainSet.Float32()} {
		if p := fingerprint(d, testSet, printValues); p.SHA256 != want || p.Train != 1000 || p.Test != 1000 || p.Scheme != printValues {
			t.Errorf("fingerprint %+v, want %s of 1000/1000 examples", p, want)
		}
	}
	if trainSet.Pixels == nil || testSet.X == nil {
		t.Fatal("LoadData should keep the training pixels as bytes and convert the test set")
	}
	if p := fingerprint(trainSet, testSet, printStored); p.SHA256 == want || p.Scheme != printStored {
		t.Errorf("printStored gave %+v", p)
	}
}

// TestRestoreFingerprintSchemes: a checkpoint whose fingerprint was taken
// the old way (no scheme in its state) is checked the old way and resumes;
// an unknown scheme is refused with one line.
func TestRestoreFingerprintSchemes(t *testing.T) {
	cfg := testConfig()
	trainSet, testSet := pixels(60, 8, 3, 1), pixels(30, 8, 3, 2).Float32()
	a, err := New(cfg, trainSet, testSet)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		a.Step()
	}
	ck, err := a.Checkpoint()
	if err != nil {
		t.Fatal(err)
	}
	var st map[string]json.RawMessage
	if err := json.Unmarshal(ck.State, &st); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		print dataPrint
		want  string // in the error; "" resumes
	}{
		{fingerprint(trainSet, testSet, printStored), ""},
		{fingerprint(trainSet, testSet, printValues), ""},
		{dataPrint{Train: 60, Test: 30, SHA256: fingerprint(trainSet, testSet, printStored).SHA256}, "data differ"},
		{dataPrint{Train: 60, Test: 30, SHA256: "00", Scheme: 7}, "fingerprint scheme 7"},
	} {
		st["data"], _ = json.Marshal(c.print)
		k := *ck
		k.State, _ = json.Marshal(st)
		_, err := Restore(cfg, &k, trainSet, testSet)
		if c.want == "" && err != nil || c.want != "" && (err == nil || !strings.Contains(err.Error(), c.want)) {
			t.Errorf("fingerprint %+v: err = %v, want %q", c.print, err, c.want)
		}
	}
}
