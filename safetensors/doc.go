// Package safetensors reads and writes the safetensors format
// (https://huggingface.co/docs/safetensors, format spec in the
// huggingface/safetensors README): an 8-byte little-endian header length N,
// N bytes of JSON mapping tensor names to {dtype, shape, data_offsets} plus
// an optional "__metadata__" string map, then the raw little-endian data.
//
// Files written here open in Python with safetensors' load_file (numpy or
// torch), and files written there are read here. Descent's optimizer
// state, checkpoints and model weights are safetensors files.
//
// # Reading
//
// Decode parses a whole file held in memory and validates everything a
// hostile file could get wrong (header length against the file, JSON,
// dtypes, shapes against byte sizes, offsets, holes and overlaps) before it
// returns any tensor; the tensors alias the input. Tensor.AsFloat32,
// AsFloat64 and AsInt64 decode one tensor's elements after checking its
// dtype. ReadFloat32 reads a file of F32 tensors (model weights).
//
// # Writing
//
// Encode writes tensors held in memory. A Writer streams instead: the
// header is written from the tensors' names, dtypes and shapes, then each
// tensor's elements are written in order, converted through a small
// buffer, so a large state is never copied whole into bytes:
//
//	w, err := safetensors.NewWriter(f, []safetensors.Info{
//		{Name: "w", DType: safetensors.F32, Shape: []int{256, 784}},
//		{Name: "step", DType: safetensors.I64, Shape: []int{}},
//	}, nil)
//	w.Float32s(weights)        // may be split across several calls
//	w.Int64s([]int64{step})
//	err = w.Close()            // checks every tensor was written whole
//
// The package has no dependencies beyond the standard library, so that
// package optim, which saves its state in this format, stays free of them.
package safetensors
