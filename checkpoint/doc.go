// Package checkpoint saves and loads training checkpoints: a model's
// weights, its optimizer's state and whatever else a training loop needs
// to continue exactly, in a folder that a crash can never leave half
// written.
//
// # Layout
//
// The checkpoints of a run live in one folder (descent train puts it at
// RUN/checkpoints), one sub-folder per checkpoint named by its step:
//
//	checkpoints/
//	  step-00000040/
//	    model.safetensors      the weights, F32, one tensor per parameter
//	                           ("fc1.weight" [16 784], "fc1.bias" [16], …)
//	    optimizer.safetensors  the optimizer state (optim.MarshalBinary)
//	    manifest.json          format version, step, epoch, config, the
//	                           loop's state, the size and SHA-256 of each file
//	  step-00000080/
//	    …
//
// The weights file is plain safetensors, so Python reads it directly:
//
//	from safetensors.numpy import load_file
//	w = load_file("runs/x/checkpoints/step-00000080/model.safetensors")
//	w["fc1.weight"].shape   # (16, 784)
//
// # Crash safety
//
// Save writes a checkpoint into a temporary folder beside the others
// (".step-N.tmp-…"): the two tensor files first, then the manifest, each
// through internal/atomicfile (temporary file, fsync, rename, fsync of the
// folder). Only then is the folder renamed to step-N and the parent folder
// synced. A crash at any moment therefore leaves either no step-N at all
// or a complete one, and never touches the checkpoints before it. Old
// checkpoints are removed only after the new one is in place, keeping the
// newest K (Prune), and a removal renames the folder away first so that a
// crash mid-removal leaves no half-deleted step-N behind. A re-save of the
// same step moves the old step-N aside to ".prev-step-N" and deletes it
// only once the new one is in place; List reads the old copy meanwhile and
// the next Save puts it back if the new one never arrived, so a SIGKILL at
// any stage leaves a loadable step-N (tested by killing a child process
// inside Save through a test hook). Temporary folders a crash left are
// swept by the next Save. Only regular files are read: a FIFO in place of
// a checkpoint file is refused from its Stat, never opened.
//
// # Run identity
//
// Checkpoint.Run names the run a checkpoint belongs to. The first Save into
// a root records it in RunFile; Save refuses a checkpoint of another run,
// and CheckRun lets a loader refuse one copied in by hand.
//
// # Loading
//
// Load trusts nothing it reads. It checks, in order: that the manifest is
// JSON of a known format, that its version is one this build reads (a
// newer one gets an error telling to update descent), that every file the
// manifest lists exists with the recorded size (a shorter file is reported
// as truncated) and SHA-256, that the weights file is valid safetensors of
// F32 tensors whose shapes match their sizes, and that the manifest's
// counters are sane. Each failure is one error naming the checkpoint and
// what is wrong. nn.LoadWeights then checks names and shapes against the
// model being restored, so a checkpoint of another architecture is refused
// before anything is copied.
//
// # Why a safetensors writer of our own
//
// The weights go through package safetensors, the same small reader and
// writer that optim uses for its state, rather than
// github.com/nlpodyssey/safetensors: optim must stay free of outside
// dependencies, so the code exists anyway; it is fuzzed (FuzzLoad here
// and FuzzDecode in safetensors) and checked against the header layout of
// the published specification (TestWeightsFileSpec); and one format
// implementation for both files keeps checkpoints consistent.
//
// # What this package does not know
//
// The loop's own state (sampler position and generator, dropout generator,
// running losses, metrics so far) and its configuration travel in the
// manifest as JSON that this package stores, under the manifest's own
// checksum, but does not interpret: train defines and validates them. The
// dependency runs one way, train → checkpoint → (safetensors,
// internal/atomicfile): a checkpoint holds named float32 tensors
// (Tensor), and nn.Weights and nn.LoadWeights convert a model to and
// from them, so that saving one's own weights needs no nn.
package checkpoint
