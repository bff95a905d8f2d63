#!/usr/bin/python3
"""Writes reduction_jvp.json: PyTorch's forward-mode values (torch.autograd.forward_ad) of the
reductions, normalisations, scans and matrix products, for ReductionJvpReferenceTest.

Run with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/forward/make_reduction_jvp.py

Each case is {"name", "op", "args": {...}, "inputs": [tensor...], "tangents": [tensor or null...],
"output": tensor, "tangent": tensor}: the op applied to dual inputs (an input whose tangent is
null is a plain tensor), its value and its output tangent. A tensor is {"shape": [...],
"values": [row-major float64 values]}. Inputs and tangents are drawn from a seeded generator and
rounded to 4 decimals (so the Java side replays them exactly), except the hand-written ties of
max, min and amax (the tangent is the mean of the tied tangents) and the constant row of std
(whose tangent torch gives as 0). Not stored: max()/min() when the extreme is NaN, where torch's
tangent is NaN and Nabla's is the mean of the NaNs' tangents, the transpose of the backward both
libraries share.
"""

import json
import os

import torch
import torch.autograd.forward_ad as fwAD

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(17)


def rand(*shape):
    return torch.randn(shape, generator=gen).round(decimals=4)


def tensor(t):
    return {"shape": list(t.shape), "values": t.detach().reshape(-1).tolist()}


OPS = {
    "sum": lambda x, a: x.sum(),
    "sum_dim": lambda x, a: x.sum(a["dim"], keepdim=a["keepdim"]),
    "mean": lambda x, a: x.mean(),
    "mean_dim": lambda x, a: x.mean(a["dim"], keepdim=a["keepdim"]),
    "max": lambda x, a: x.max(),
    "min": lambda x, a: x.min(),
    "amax": lambda x, a: x.amax(a["dim"], keepdim=a["keepdim"]),
    "softmax": lambda x, a: x.softmax(a["dim"]),
    "log_softmax": lambda x, a: x.log_softmax(a["dim"]),
    "var": lambda x, a: x.var(a["dim"], keepdim=a["keepdim"]),
    "std": lambda x, a: x.std(a["dim"], keepdim=a["keepdim"]),
    "logsumexp": lambda x, a: x.logsumexp(a["dim"], keepdim=a["keepdim"]),
    "cumsum": lambda x, a: x.cumsum(a["dim"]),
    "mm": lambda x, y, a: x.mm(y),
    "bmm": lambda x, y, a: x.bmm(y),
    "matmul": lambda x, y, a: x.matmul(y),
}

cases = []


def case(name, op, args, inputs, tangents):
    with fwAD.dual_level():
        duals = [x if t is None else fwAD.make_dual(x, t) for x, t in zip(inputs, tangents)]
        out = OPS[op](*duals, args)
        primal, tangent = fwAD.unpack_dual(out)
        if tangent is None:
            tangent = torch.zeros_like(primal)
        cases.append({
            "name": name,
            "op": op,
            "args": args,
            "inputs": [tensor(x) for x in inputs],
            "tangents": [None if t is None else tensor(t) for t in tangents],
            "output": tensor(primal),
            "tangent": tensor(tangent),
        })


def unary(name, op, args, shape):
    case(name, op, args, [rand(*shape)], [rand(*shape)])


for shape in [(), (5,), (3, 4), (2, 3, 4)]:
    s = "x".join(map(str, shape)) or "scalar"
    for op in ["sum", "mean", "max", "min"]:
        unary(f"{op} {s}", op, {}, shape)
    for dim in range(-max(len(shape), 1), max(len(shape), 1)):
        for op in ["softmax", "log_softmax", "cumsum"]:
            unary(f"{op} {s} dim {dim}", op, {"dim": dim}, shape)
        for keepdim in [False, True]:
            args = {"dim": dim, "keepdim": keepdim}
            for op in ["sum_dim", "mean_dim", "amax", "logsumexp"] + (["var", "std"] if shape else []):
                unary(f"{op} {s} dim {dim}{' keepdim' if keepdim else ''}", op, args, shape)

ties = torch.tensor([[2.0, 2.0, 2.0, 0.0], [1.0, 5.0, 5.0, -1.0], [7.0, 7.0, 7.0, 7.0]])
case("max ties", "max", {}, [ties], [rand(3, 4)])
case("min ties", "min", {}, [-ties], [rand(3, 4)])
for dim in [0, 1]:
    case(f"amax ties dim {dim}", "amax", {"dim": dim, "keepdim": False}, [ties], [rand(3, 4)])
constant_row = torch.tensor([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
case("std constant row", "std", {"dim": 1, "keepdim": True}, [constant_row], [rand(2, 3)])

for op, a, b in [("mm", (3, 4), (4, 2)), ("mm", (1, 3), (3, 1)), ("bmm", (2, 3, 4), (2, 4, 2)),
                 ("matmul", (3, 4), (4, 2))]:
    name = f"{op} {'x'.join(map(str, a))} {'x'.join(map(str, b))}"
    x, y = rand(*a), rand(*b)
    case(name, op, {}, [x, y], [rand(*a), rand(*b)])
    case(name + " first only", op, {}, [x, y], [rand(*a), None])
    case(name + " second only", op, {}, [x, y], [None, rand(*b)])

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "reduction_jvp.json")
with open(path, "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
