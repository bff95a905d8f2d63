#!/usr/bin/python3
"""Writes shape_ops_jvp.json: forward-mode products (torch.autograd.forward_ad) of the ops that
move elements without arithmetic (views, copies, joining, splitting, indexing, repeating,
triangles), for ShapeOpsJvpReferenceTest.

Run from anywhere with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/reference/make_shape_ops_jvp.py

File format: {"torch": version, "cases": [case, ...]}, one case per line, where a case is

    {"name": unique id, "op": a name apply() below evaluates, "args": {...},
     "inputs": [tensor, ...], "tangents": [tensor or null, ...], "value": tensor, "jvp": tensor}

"value" is the op's result and "jvp" its tangent when each input moves along its tangent (null:
the input is held constant, a plain tensor in torch, an input without a tangent in Nabla). A
tensor is {"shape": [...], "values": [row-major flat float64 values], "prep": [d0, d1]}, where
the optional "prep" names the two dimensions to transpose after building the tensor from its
values (so the op sees a non-contiguous operand). An index argument is {"shape", "values"} of
int64. Every number is drawn from a seeded generator and rounded to three decimals, so the
output is deterministic: rerunning the script gives the same file.
"""

import torch
import torch.autograd.forward_ad as fwAD

from make_reference import view_op, write

F64 = torch.float64
_seed = [17000]


def randn(*shape):
    _seed[0] += 1
    g = torch.Generator().manual_seed(_seed[0])
    x = torch.randn(shape, generator=g, dtype=F64)
    return torch.round(x * 1000) / 1000


def transposed(*shape):
    """A (d0, d1)-transposed tensor of `shape`, recorded with its prep: the last two dimensions swapped."""
    stored = list(shape)
    stored[-1], stored[-2] = stored[-2], stored[-1]
    x = randn(*stored)
    n = len(shape)
    return x.transpose(n - 2, n - 1), [n - 2, n - 1]


def index(values, shape=None):
    t = torch.tensor(values, dtype=torch.int64)
    return t if shape is None else t.view(shape)


VIEWS = ("t", "transpose", "view", "reshape", "unsqueeze", "squeeze", "expand", "narrow")


def apply(op, xs, a):
    """Evaluates one op exactly as ShapeOpsJvpReferenceTest maps it onto Nabla's API."""
    x = xs[0]
    if op in VIEWS:
        return view_op(x, op, a)
    if op == "permute":
        return x.permute(a["dims"])
    if op == "flatten":
        return x.flatten(a["start"], a["end"])
    if op == "contiguous":
        return x.contiguous()
    if op == "clone":
        return x.clone()
    if op == "cat":
        return torch.cat(xs, a["dim"])
    if op == "stack":
        return torch.stack(xs, a["dim"])
    if op == "split":
        return x.split(a["size"], a["dim"])[a["piece"]]
    if op == "chunk":
        return x.chunk(a["n"], a["dim"])[a["piece"]]
    if op == "indexSelect":
        return x.index_select(a["dim"], dec_index(a["index"]))
    if op == "gather":
        return x.gather(a["dim"], dec_index(a["index"]))
    if op == "indexAdd":
        return xs[0].index_add(a["dim"], dec_index(a["index"]), xs[1])
    if op == "scatterAdd":
        return xs[0].scatter_add(a["dim"], dec_index(a["index"]), xs[1])
    if op == "repeat":
        return x.repeat(a["repeats"])
    if op == "tril":
        return x.tril(a["diagonal"])
    if op == "triu":
        return x.triu(a["diagonal"])
    raise ValueError("unknown op " + op)


def enc(t, prep=None):
    out = {"shape": list(t.shape), "values": [round(v, 12) for v in t.contiguous().view(-1).tolist()]}
    if prep is not None:
        out["prep"] = prep
    return out


def enc_index(t):
    return {"shape": list(t.shape), "values": t.contiguous().view(-1).tolist()}


def dec_index(e):
    return torch.tensor(e["values"], dtype=torch.int64).view(e["shape"])


def operand(spec):
    """A tensor and its encoding from a shape (a contiguous tensor) or ("T", shape) (a transposed one)."""
    if len(spec) == 2 and spec[0] == "T":
        x, prep = transposed(*spec[1])
        stored = x.transpose(*prep)
        return x, enc(stored, prep)
    x = randn(*spec)
    return x, enc(x)


CASES = []


def case(name, op, inputs, args=None, constant=()):
    """inputs: operand specs; constant: positions of inputs held constant (no tangent)."""
    args = dict(args or {})
    for k, v in list(args.items()):
        if isinstance(v, torch.Tensor):
            args[k] = enc_index(v)
    xs, encs, ts, tencs = [], [], [], []
    for i, spec in enumerate(inputs):
        x, e = operand(spec)
        xs.append(x)
        encs.append(e)
        if i in constant:
            ts.append(None)
            tencs.append(None)
        else:
            t, te = operand(spec)
            ts.append(t)
            tencs.append(te)
    with fwAD.dual_level():
        duals = [x if t is None else fwAD.make_dual(x, t) for x, t in zip(xs, ts)]
        y = apply(op, duals, args)
        primal, tangent = fwAD.unpack_dual(y)
        if tangent is None:
            tangent = torch.zeros_like(primal)
    CASES.append({"name": name, "op": op, "args": args, "inputs": encs, "tangents": tencs,
                  "value": enc(primal), "jvp": enc(tangent)})


case("t", "t", [(3, 4)])
case("t_transposed", "t", [("T", (3, 4))])
case("transpose_3d", "transpose", [(2, 3, 4)], {"dim0": 0, "dim1": 2})
case("view", "view", [(3, 4)], {"shape": [2, 6]})
case("view_flat_3d", "view", [(2, 3, 4)], {"shape": [-1]})
case("reshape_copies_transposed", "reshape", [("T", (3, 4))], {"shape": [12]})
case("reshape_0d", "reshape", [()], {"shape": [1, 1]})
case("unsqueeze", "unsqueeze", [(3, 4)], {"dim": 1})
case("unsqueeze_last_transposed", "unsqueeze", [("T", (2, 3, 4))], {"dim": -1})
case("squeeze", "squeeze", [(3, 1, 4)], {"dim": 1})
case("expand", "expand", [(3, 1)], {"shape": [2, 3, 4]})
case("narrow", "narrow", [(3, 4)], {"dim": 1, "start": 1, "length": 2})
case("narrow_transposed", "narrow", [("T", (4, 3))], {"dim": 0, "start": 2, "length": 2})
case("permute", "permute", [(2, 3, 4)], {"dims": [2, 0, 1]})
case("permute_negative_transposed", "permute", [("T", (2, 3, 4))], {"dims": [-1, 0, 1]})
case("flatten_range_transposed", "flatten", [("T", (2, 3, 4))], {"start": 1, "end": 2})
case("contiguous_transposed", "contiguous", [("T", (3, 4))])
case("clone", "clone", [(2, 3)])
case("cat", "cat", [(3, 2), (3, 4)], {"dim": 1})
case("cat_3d_transposed", "cat", [(1, 3, 2), ("T", (2, 3, 2)), (1, 3, 2)], {"dim": 0})
case("cat_constant", "cat", [(1, 4), (2, 4), (1, 4)], {"dim": 0}, constant=(0, 2))
case("stack", "stack", [(3, 4), ("T", (3, 4)), (3, 4)], {"dim": 1})
case("stack_constant_last", "stack", [(4,), (4,)], {"dim": -1}, constant=(1,))
case("stack_0d", "stack", [(), ()], {"dim": 0})
case("split", "split", [(3, 5)], {"size": 3, "dim": 1, "piece": 1})
case("chunk_transposed", "chunk", [("T", (4, 3))], {"n": 2, "dim": 0, "piece": 0})
case("index_select", "indexSelect", [(3, 4)], {"dim": 0, "index": index([2, 0, 2, 1, 0])})
case("index_select_dim1_transposed", "indexSelect", [("T", (2, 3))], {"dim": 1, "index": index([2, 0, 2, 1, 0])})
case("gather", "gather", [(3, 4)], {"dim": 1, "index": index([0, 2, 1, 0, 3, 3], (3, 2))})
case("gather_3d_transposed", "gather", [("T", (2, 3, 2))], {"dim": 2, "index": index([1, 0, 0, 1, 1, 1, 0, 0], (2, 2, 2))})
case("index_add", "indexAdd", [(3, 4), (5, 4)], {"dim": 0, "index": index([2, 0, 2, 1, 0])})
case("index_add_constant_self", "indexAdd", [("T", (2, 3)), (2, 5)], {"dim": 1, "index": index([2, 0, 2, 1, 0])},
     constant=(0,))
case("index_add_constant_source", "indexAdd", [(3, 4), ("T", (5, 4))], {"dim": 0, "index": index([2, 0, 2, 1, 0])},
     constant=(1,))
case("scatter_add", "scatterAdd", [(3, 4), (2, 4)], {"dim": 0, "index": index([2, 0, 1, 2, 0, 0, 1, 2], (2, 4))})
case("scatter_add_constant_self", "scatterAdd", [(4, 4), ("T", (4, 1))], {"dim": 1, "index": index([3, 0, 3, 1], (4, 1))},
     constant=(0,))
case("scatter_add_0d", "scatterAdd", [(), ()], {"dim": 0, "index": index(0)})
case("repeat", "repeat", [(3, 4)], {"repeats": [2, 1, 3]})
case("repeat_transposed", "repeat", [("T", (2, 3))], {"repeats": [2, 2]})
case("tril", "tril", [(3, 4)], {"diagonal": 0})
case("tril_batch_transposed", "tril", [("T", (2, 3, 4))], {"diagonal": -1})
case("triu", "triu", [(4, 3)], {"diagonal": 1})

names = [c["name"] for c in CASES]
assert len(names) == len(set(names)), "duplicate case names"
write("shape_ops_jvp.json", CASES)
