package train

import (
	"errors"
	"strings"
	"testing"

	"github.com/descentlab/descent/checkpoint"
)

// TestCheckpointConfigWraps: a recorded config that fails Validate comes
// back from CheckpointConfig wrapped with %w, so errors.As finds the
// *FieldError naming the field through "train: checkpoint config: …".
func TestCheckpointConfigWraps(t *testing.T) {
	ck := &checkpoint.Checkpoint{Config: []byte(`{"data":"mnist","model":"mlp:784-10","opt":"adam","batch":10,"epochs":0,"seed":1}`)}
	_, err := CheckpointConfig(ck)
	if err == nil {
		t.Fatal("a config with epochs 0 was accepted")
	}
	var fe *FieldError
	if !errors.As(err, &fe) || fe.Field != "epochs" {
		t.Fatalf("errors.As(%q, *FieldError) = %v, field %+v; want field epochs", err, errors.As(err, &fe), fe)
	}
	if !strings.HasPrefix(err.Error(), "train: checkpoint config: ") {
		t.Fatalf("error %q lost its prefix", err)
	}
}
