"""Reference numbers for nn's batch normalisation (torch.nn.BatchNorm1d).

Run with Debian's python3-torch 1.13: /usr/bin/python3 gen_batchnorm.py
writes batchnorm_reference.json beside this file. For each case: a small
MLP Linear -> BatchNorm1d -> act per hidden layer, Linear out, with its
float32 parameters (torch's state_dict names and layouts), two training
batches (train mode: loss and every parameter's gradient after each
batch's backward, gradients zeroed in between; the running statistics
after both), and an evaluation batch (eval mode: the logits and mean
cross-entropy). No optimizer step is taken, so the parameters stay as
written.
"""
import json
import os

import torch

torch.manual_seed(13)
ACTS = {"relu": torch.nn.ReLU, "tanh": torch.nn.Tanh, "sigmoid": torch.nn.Sigmoid}


def case(sizes, act, n_train, n_eval):
    layers = []
    for i in range(1, len(sizes)):
        layers.append(("fc%d" % i, torch.nn.Linear(sizes[i - 1], sizes[i])))
        if i < len(sizes) - 1:
            bn = torch.nn.BatchNorm1d(sizes[i])  # eps 1e-5, momentum 0.1
            with torch.no_grad():  # not the identity, so γ and β are tested
                bn.weight.copy_(1 + 0.5 * torch.randn(sizes[i]))
                bn.bias.copy_(0.3 * torch.randn(sizes[i]))
            layers.append(("bn%d" % i, bn))
            layers.append(("act%d" % i, ACTS[act]()))
    net = torch.nn.Sequential(__import__("collections").OrderedDict(layers))
    params = {k: v.detach().flatten().tolist() for k, v in net.named_parameters()}
    out = {"sizes": sizes, "act": act, "params": params, "train": []}
    loss_fn = torch.nn.CrossEntropyLoss()
    net.train()
    for _ in range(2):
        x = torch.randn(n_train, sizes[0]) * 2 + 0.5
        y = torch.randint(0, sizes[-1], (n_train,))
        net.zero_grad()
        loss = loss_fn(net(x), y)
        loss.backward()
        out["train"].append({
            "x": x.flatten().tolist(), "y": y.tolist(), "loss": loss.item(),
            "grads": {k: v.grad.flatten().tolist() for k, v in net.named_parameters()},
        })
    out["buffers"] = {k: v.flatten().tolist() for k, v in net.state_dict().items()
                      if k.endswith("running_mean") or k.endswith("running_var")}
    net.eval()
    x = torch.randn(n_eval, sizes[0])
    y = torch.randint(0, sizes[-1], (n_eval,))
    with torch.no_grad():
        logits = net(x)
        out["eval"] = {"x": x.flatten().tolist(), "y": y.tolist(),
                       "logits": logits.flatten().tolist(), "loss": loss_fn(logits, y).item()}
    return out


cases = [case([6, 5, 4, 3], "relu", 8, 5), case([7, 6, 3], "tanh", 2, 4), case([5, 4, 4, 4, 3], "sigmoid", 16, 3)]
here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "batchnorm_reference.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f)
