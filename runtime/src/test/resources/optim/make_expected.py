#!/usr/bin/python3
"""Writes expected.json: parameters after each step of torch.optim's SGD, Adam and AdamW, for OptimizerReferenceTest.

Run with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/optim/make_expected.py

Every case replays the same fixed float64 parameters and gradients (stored explicitly, drawn
from a seeded generator and rounded), so the Java side only sets gradients and calls step().
Rerunning gives the same file.

File format: {"torch": version, "cases": [case]}, where a case is
{"name", "optimizer": "sgd"|"adam"|"adamw", "groups": [{"params": [indices], "options": {torch keyword
arguments: lr, momentum, dampening, weight_decay, nesterov, maximize, betas, eps, amsgrad}}],
"params": [tensor], "grads": [[tensor or null, one per parameter], one per step],
"expected": [[tensor, one per parameter], one per step: the values after that step]},
and a tensor is {"shape": [...], "values": [row-major float64 values]}. A null gradient means the
parameter has no gradient at that step (PyTorch skips it and leaves its state alone).
"""

import json
import os

import torch

gen = torch.Generator().manual_seed(5)
STEPS = 5


def rand(*shape):
    return torch.randn(*shape, generator=gen, dtype=torch.float64).round(decimals=4)


def tensor(t):
    return {"shape": list(t.shape), "values": t.detach().reshape(-1).tolist()}


PARAMS = [rand(3, 2), rand(4)]
GRADS = [[rand(3, 2), None if step == 2 else rand(4)] for step in range(STEPS)]

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam, "adamw": torch.optim.AdamW}

CASES = [
    ("sgd_plain", "sgd", [([0, 1], dict(lr=0.1))]),
    ("sgd_momentum_dampening_decay", "sgd", [([0, 1], dict(lr=0.05, momentum=0.9, dampening=0.1, weight_decay=0.01))]),
    ("sgd_nesterov", "sgd", [([0, 1], dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.001))]),
    ("sgd_maximize", "sgd", [([0, 1], dict(lr=0.1, momentum=0.5, maximize=True))]),
    ("sgd_groups", "sgd", [([0], dict(lr=0.1)), ([1], dict(lr=0.01, momentum=0.9))]),
    ("adam_default", "adam", [([0, 1], dict())]),
    ("adam_full", "adam", [([0, 1], dict(lr=0.01, betas=(0.8, 0.99), eps=1e-6, weight_decay=0.1, amsgrad=True))]),
    ("adam_maximize", "adam", [([0, 1], dict(lr=0.02, maximize=True))]),
    ("adam_groups", "adam", [([1], dict(lr=0.05)), ([0], dict(lr=0.001, betas=(0.5, 0.9)))]),
    ("adamw_default", "adamw", [([0, 1], dict())]),
    ("adamw_amsgrad", "adamw", [([0, 1], dict(lr=0.01, weight_decay=0.05, amsgrad=True))]),
    ("adamw_no_decay", "adamw", [([0, 1], dict(lr=0.03, weight_decay=0.0))]),
]

cases = []
for name, kind, groups in CASES:
    params = [p.clone().requires_grad_(True) for p in PARAMS]
    torch_groups = [dict(params=[params[i] for i in idx], **opts) for idx, opts in groups]
    opt = OPTIMIZERS[kind](torch_groups, foreach=False) if kind != "sgd" else OPTIMIZERS[kind](torch_groups, lr=groups[0][1]["lr"])
    expected = []
    for step in range(STEPS):
        for p, g in zip(params, GRADS[step]):
            p.grad = None if g is None else g.clone()
        opt.step()
        expected.append([tensor(p) for p in params])
    cases.append({
        "name": name, "optimizer": kind,
        "groups": [{"params": idx, "options": opts} for idx, opts in groups],
        "params": [tensor(p) for p in PARAMS],
        "grads": [[None if g is None else tensor(g) for g in step] for step in GRADS],
        "expected": expected,
    })

out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.json")
with open(out_path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
