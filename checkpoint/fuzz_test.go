package checkpoint

import (
	"bytes"
	"encoding/json"
	"testing"
	"testing/fstest"
)

// FuzzParseManifest: any bytes either parse into a manifest that
// re-encodes and parses again to the same value, or give an error; never a
// panic.
func FuzzParseManifest(f *testing.F) {
	good, err := Encode(sample(f, 40))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good[ManifestFile])
	f.Add([]byte(`{}`))
	f.Add([]byte(`{"format":"descent-checkpoint","version":2}`))
	f.Add([]byte(`{"format":"descent-checkpoint","version":1e400}`))
	f.Add([]byte(`{"format":"descent-checkpoint","version":"1"}`))
	f.Add([]byte(`null`))
	f.Add(good[ManifestFile][:50])
	f.Fuzz(func(t *testing.T, b []byte) {
		m, err := ParseManifest(b)
		if err != nil {
			return
		}
		again, err := json.Marshal(m)
		if err != nil {
			t.Fatalf("parsed manifest does not re-encode: %v", err)
		}
		m2, err := ParseManifest(again)
		if err != nil {
			t.Fatalf("re-encoded manifest does not parse: %v\n%s", err, again)
		}
		if m2.Step != m.Step || m2.Epoch != m.Epoch || m2.Checksum != m.Checksum || len(m2.Files) != len(m.Files) {
			t.Fatalf("round trip changed the manifest: %+v → %+v", m, m2)
		}
	})
}

// FuzzLoad feeds Load a folder of fuzzed manifest, weights and optimizer
// files. With fix set, the manifest's file sums and its own checksum are
// made to match the fuzzed files first, so the fuzzer gets past the
// checksums into the safetensors decoding and the manifest checks. Load
// must return an error or a checkpoint that encodes again; never panic.
func FuzzLoad(f *testing.F) {
	good, err := Encode(sample(f, 40))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(good[ManifestFile], good[ModelFile], good[OptimizerFile], false)
	f.Add(good[ManifestFile], good[ModelFile][:len(good[ModelFile])-4], good[OptimizerFile], true)
	f.Add(good[ManifestFile], []byte("\x10\x00\x00\x00\x00\x00\x00\x00{}              "), []byte{}, true)
	f.Add(good[ManifestFile], []byte(`{"a":{"dtype":"F64","shape":[1],"data_offsets":[0,8]}}`), []byte{}, true)
	f.Add([]byte(`{"format":"descent-checkpoint","version":1}`), []byte{}, []byte{}, false)
	f.Fuzz(func(t *testing.T, manifest, model, opt []byte, fix bool) {
		if fix {
			var m Manifest
			if json.Unmarshal(manifest, &m) == nil {
				m.Files = map[string]FileSum{ModelFile: sum(model), OptimizerFile: sum(opt)}
				m.Checksum, _ = m.selfSum()
				if b, err := json.Marshal(m); err == nil {
					manifest = b
				}
			}
		}
		fsys := fstest.MapFS{
			ManifestFile:  {Data: manifest},
			ModelFile:     {Data: model},
			OptimizerFile: {Data: opt},
		}
		c, err := load(fsys)
		if err != nil {
			return
		}
		if !bytes.Equal(c.Optimizer, opt) {
			t.Fatal("loaded optimizer bytes differ from the file")
		}
		if _, err := Encode(c); err != nil {
			t.Fatalf("a loaded checkpoint does not encode: %v", err)
		}
	})
}
