"""Checks descent's torchbridge once against real torch 1.13.

Run from the repository root with Debian's python3-torch:
    /usr/bin/python3 testdata/torch/check_bridge.py > testdata/torch/bridge_check.txt

1. Go (torchbridge's TestTorchCheck, phase export) takes 5 steps of Adam and
   of SGD (two parameter groups each, the second's rate halved midway),
   exports state and weights in torch's layout, and records the gradients of
   5 more steps and its own result after them.
2. Here, torch_bridge.load puts the export into a torch model and a
   torch.optim.Adam / SGD; torch takes the same 5 steps with the same
   gradients; its weights and state are compared with descent's, and saved
   with torch_bridge.save.
3. Go (phase import) imports torch's result, loads it into a descent
   optimizer and compares it with its own.
"""
import os
import subprocess
import sys
import tempfile

import torch

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(os.path.dirname(here))
sys.path.insert(0, os.path.join(root, "torchbridge"))
import torch_bridge  # noqa: E402

CASES = ["adam", "sgd"]
STEPS = 5


class Net(torch.nn.Module):
    """fc1 (4→3) and fc2 (3→2), named as in torchbridge's tests."""

    def __init__(self):
        super().__init__()
        self.fc1 = torch.nn.Linear(4, 3)
        self.fc2 = torch.nn.Linear(3, 2)


def go(phase, d):
    env = dict(os.environ, DESCENT_TORCH_CHECK=d, DESCENT_TORCH_PHASE=phase)
    r = subprocess.run(["go", "test", "-count=1", "-run", "^TestTorchCheck$", "-v", "./torchbridge"],
                       cwd=root, env=env, capture_output=True, text=True)
    if r.returncode != 0:
        sys.exit("go test (%s) failed:\n%s%s" % (phase, r.stdout, r.stderr))
    return [l for l in r.stdout.splitlines() if l.startswith(phase + " ")]


def main():
    print("torch", torch.__version__)
    with tempfile.TemporaryDirectory() as d:
        go("export", d)
        for name in CASES:
            model = Net()
            opt = torch_bridge.load(os.path.join(d, name + ".safetensors"), model)
            grads, _ = torch_bridge.read_safetensors(os.path.join(d, name + "_grads.safetensors"))
            params = dict(model.named_parameters())
            for k in range(STEPS):
                for n, p in params.items():
                    p.grad = torch.from_numpy(grads["%d.%s" % (k, n)])
                opt.step()
            want, _, want_sd, names = torch_bridge.read(os.path.join(d, name + "_go.safetensors"))
            dw = max((params[n].detach() - want[n]).abs().max().item() for n in params)
            db, nbuf = 0.0, 0
            sd = opt.state_dict()
            for pid, st in want_sd["state"].items():
                for buf, v in st.items():
                    if buf == "step":
                        if isinstance(opt, torch.optim.SGD):
                            continue  # torch's SGD counts no steps: it carries descent's count unchanged
                        got = sd["state"][pid].get("step")
                        if got is not None and float(got) != float(v):
                            sys.exit("%s: parameter %s: step %s in torch, %s in descent" % (name, names[pid], got, v))
                        continue
                    db = max(db, (sd["state"][pid][buf] - v.reshape(sd["state"][pid][buf].shape)).abs().max().item())
                    nbuf += 1
            lrs = [g["lr"] for g in opt.param_groups]
            print("torch %s: loaded descent's state (%d buffers, lr %s), %d steps in torch against %d in descent: "
                  "max |Δw| %.3g, max |Δbuffer| %.3g" % (type(opt).__name__, nbuf, lrs, STEPS, STEPS, dw, db))
            if dw > 1e-5 or db > 1e-5:
                sys.exit("%s: torch and descent differ by more than 1e-5" % name)
            torch_bridge.save(os.path.join(d, name + "_torch.safetensors"), model, opt)
        for line in go("import", d):
            print(line)
    print("ok")


if __name__ == "__main__":
    main()
