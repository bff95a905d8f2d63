#!/usr/bin/python3
"""Writes functional.json: torch.autograd.functional's jacobian, hessian, vjp, jvp and hvp of two
functions, for AutogradFunctionalTest.

Run with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/autograd/make_functional.py

The functions, written the same way on the Java side:
  matrix(x, w) = tanh(x @ w), x of shape [2, 3], w of shape [3, 2];
  scalar(x, y) = sum(sin(x) * y) + sum(x * x * y), x and y of shape [3].
Inputs, cotangents and tangents are drawn from a seeded generator, rounded to 4 decimals and
stored, so the Java side replays them exactly; rerunning gives the same file. A tensor is
{"shape": [...], "values": [row-major float64 values]}.
"""

import json
import os

import torch
import torch.autograd.functional as F

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(6)


def rand(*shape):
    return torch.randn(*shape, generator=gen).round(decimals=4)


def tensor(t):
    return {"shape": list(t.shape), "values": t.detach().reshape(-1).tolist()}


def matrix(x, w):
    return torch.tanh(x @ w)


def scalar(x, y):
    return (torch.sin(x) * y).sum() + (x * x * y).sum()


x, w = rand(2, 3), rand(3, 2)
v = rand(2, 2)
tx, tw = rand(2, 3), rand(3, 2)
jac = F.jacobian(matrix, (x, w))
out, vjp = F.vjp(matrix, (x, w), v)
_, jvp = F.jvp(matrix, (x, w), (tx, tw))
matrix_case = {
    "inputs": [tensor(x), tensor(w)],
    "v": tensor(v),
    "tangents": [tensor(tx), tensor(tw)],
    "output": tensor(out),
    "jacobian": [tensor(j) for j in jac],
    "vjp": [tensor(g) for g in vjp],
    "jvp": tensor(jvp),
}

a, b = rand(3), rand(3)
va, vb = rand(3), rand(3)
hess = F.hessian(scalar, (a, b))
out, hvp = F.hvp(scalar, (a, b), (va, vb))
_, svjp = F.vjp(scalar, (a, b))
scalar_case = {
    "inputs": [tensor(a), tensor(b)],
    "v": [tensor(va), tensor(vb)],
    "output": tensor(out),
    "hessian": [[tensor(h) for h in row] for row in hess],
    "hvp": [tensor(h) for h in hvp],
    "vjp": [tensor(g) for g in svjp],
}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "functional.json"), "w") as f:
    json.dump({"torch": torch.__version__, "matrix": matrix_case, "scalar": scalar_case}, f)
    f.write("\n")
