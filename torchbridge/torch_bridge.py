"""torch_bridge: PyTorch's side of descent's torchbridge package.

A file in torch's layout (descent export-torch writes one) holds a model's
weights and an optimizer's state_dict() as safetensors tensors:

    model.NAME               the weights (model.state_dict() names)
    optim.state.ID.BUFFER    each state buffer, in its parameter's shape
    optim.state.ID.step      the step, a float32 scalar (torch 1.13's form)

with metadata optim.class, optim.param_groups (JSON) and optim.param_names
(the parameter name of each id). Only numpy and torch are needed (the
safetensors format is parsed here, it is one page).

    import torch, torch_bridge
    model = MyNet()                       # parameter names as descent's
    opt = torch_bridge.load("adam.safetensors", model)   # weights + optimizer
    ...                                   # train on
    torch_bridge.save("back.safetensors", model, opt)    # descent import-torch reads it

The learning rate restored is each group's current one; a scheduler that goes
on needs its own state_dict (or initial_lr) restored: see go doc torchbridge.
"""
import json
import struct

import numpy as np
import torch

_DTYPES = {"F32": np.float32, "F64": np.float64, "I64": np.int64}
_NAMES = {np.dtype(v): k for k, v in _DTYPES.items()}


def read_safetensors(path):
    """Returns ({name: numpy array}, metadata dict) of a safetensors file."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    header = json.loads(data[8:8 + n])
    meta = header.pop("__metadata__", {})
    body = data[8 + n:]
    out = {}
    for name, e in header.items():
        a, b = e["data_offsets"]
        arr = np.frombuffer(body[a:b], dtype=np.dtype(_DTYPES[e["dtype"]]).newbyteorder("<"))
        out[name] = arr.reshape(e["shape"]).copy()
    return out, meta


def write_safetensors(path, tensors, meta):
    """Writes {name: numpy array} (F32, F64 or I64) and string metadata."""
    header, blobs, off = {}, [], 0
    if meta:
        header["__metadata__"] = meta
    for name, arr in tensors.items():
        arr = np.ascontiguousarray(arr)
        b = arr.astype(arr.dtype.newbyteorder("<")).tobytes()
        header[name] = {"dtype": _NAMES[arr.dtype], "shape": list(arr.shape), "data_offsets": [off, off + len(b)]}
        blobs.append(b)
        off += len(b)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)))
        f.write(h)
        for b in blobs:
            f.write(b)


def read(path):
    """Returns (model state_dict, optimizer class name, optimizer state_dict,
    parameter names by id) of a file in torch's layout."""
    tensors, meta = read_safetensors(path)
    model, state = {}, {}
    for name, arr in tensors.items():
        if name.startswith("model."):
            model[name[len("model."):]] = torch.from_numpy(arr)
        elif name.startswith("optim.state."):
            pid, buf = name[len("optim.state."):].split(".", 1)
            state.setdefault(int(pid), {})[buf] = torch.from_numpy(arr)
        else:
            raise ValueError("tensor %r is neither model.NAME nor optim.state.ID.BUFFER" % name)
    groups = json.loads(meta["optim.param_groups"])
    return model, meta["optim.class"], {"state": state, "param_groups": groups}, json.loads(meta["optim.param_names"])


def load(path, model):
    """Loads the weights into model and returns a torch.optim optimizer of the
    file's class over model's parameters, grouped as in the file, with the
    file's state and hyperparameters."""
    weights, cls, sd, names = read(path)
    model.load_state_dict(weights)
    params = dict(model.named_parameters())
    groups = []
    for g in sd["param_groups"]:
        hyper = {k: v for k, v in g.items() if k != "params"}
        if "betas" in hyper:
            hyper["betas"] = tuple(hyper["betas"])
        groups.append(dict(hyper, params=[params[names[i]] for i in g["params"]]))
    opt = getattr(torch.optim, cls)(groups)
    opt.load_state_dict(sd)
    return opt


def save(path, model, optimizer):
    """Writes model's weights and optimizer's state in torch's layout."""
    by_id = {id(p): n for n, p in model.named_parameters()}
    names = [by_id[id(p)] for g in optimizer.param_groups for p in g["params"]]
    sd = optimizer.state_dict()
    tensors = {"model." + k: v.detach().numpy() for k, v in model.state_dict().items()}
    for pid, st in sorted(sd["state"].items()):
        for buf, v in st.items():
            if v is None:
                continue
            if buf == "step":
                v = torch.as_tensor(v, dtype=torch.float32)
            elif not torch.is_tensor(v):
                v = torch.as_tensor(v, dtype=torch.float64)
            tensors["optim.state.%d.%s" % (pid, buf)] = v.detach().numpy()
    groups = []
    for g in sd["param_groups"]:
        g = {k: (list(v) if isinstance(v, tuple) else v) for k, v in g.items()}
        groups.append(g)
    meta = {"optim.class": type(optimizer).__name__, "optim.param_groups": json.dumps(groups),
            "optim.param_names": json.dumps(names)}
    write_safetensors(path, tensors, meta)
