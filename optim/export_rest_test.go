package optim

// BF16 is the rounding to bfloat16 of Muon's Newton–Schulz iteration, for
// the test against torch's.
var BF16 = bf16
