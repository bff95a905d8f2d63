#!/usr/bin/python3
"""Writes forward_ad.json: the tangents PyTorch's forward-mode AD (torch.autograd.forward_ad)
gives for dev.nabla.nn.Functional's ops, for FunctionalForwardADReferenceTest.

    /usr/bin/python3 runtime/src/test/resources/functional/make_forward_ad.py

Every input and tangent is drawn from a seeded generator, rounded to three decimals and stored in
the file, so the Java side never reproduces torch's RNG; rerunning the script gives the same file.

Format: {"torch": version, "cases": [case, ...]}, one case per line:
    {"name", "op", "args": {...}, "inputs": [tensor or null, ...], "tangents": [tensor or null, one per input],
     "expected": the output, "tangent": the output's tangent}
A tensor is {"dtype": "float64"|"int64"|"bool", "shape": [...], "values": [row-major]}. The inputs
with a tangent are made dual (fwAD.make_dual) inside one fwAD.dual_level(); the others (indices,
targets, bool masks, batch norm's running statistics) are plain. PyTorch 1.13 has no
F.scaled_dot_product_attention, so "sdpa" is written out as PyTorch 2's definition:
softmax(q k^T / sqrt(E) + mask) v, a bool mask keeping where it is true, causal keeping j <= i.
"""
import json
import math
import os

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F

F64 = torch.float64
_seed = [4000]


def randn(*shape, scale=1.0):
    _seed[0] += 1
    g = torch.Generator().manual_seed(_seed[0])
    x = torch.randn(shape, generator=g, dtype=F64) * scale
    return torch.round(x * 1000) / 1000


def enc(t):
    if t is None:
        return None
    values = t.detach().reshape(-1).tolist()
    if t.dtype == torch.bool:
        values = [1 if v else 0 for v in values]
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape), "values": values}


def sdpa(q, k, v, mask, causal):
    s = q @ k.transpose(-2, -1) / math.sqrt(q.size(-1))
    if causal:
        keep = torch.ones(q.size(-2), k.size(-2), dtype=torch.bool).tril()
        s = s.masked_fill(~keep, float("-inf"))
    elif mask is not None and mask.dtype == torch.bool:
        s = s.masked_fill(~mask, float("-inf"))
    elif mask is not None:
        s = s + mask
    return s.softmax(-1) @ v


def call(op, x, a):
    if op == "linear":
        return F.linear(x[0], x[1], x[2])
    if op == "conv1d":
        return F.conv1d(x[0], x[1], x[2], a["stride"], a["padding"], a["dilation"], a["groups"])
    if op == "conv2d":
        return F.conv2d(x[0], x[1], x[2], a["stride"], a["padding"], a["dilation"], a["groups"])
    if op == "max_pool2d":
        return F.max_pool2d(x[0], a["kernel"], a["stride"], a["padding"])
    if op == "avg_pool2d":
        return F.avg_pool2d(x[0], a["kernel"], a["stride"], a["padding"])
    if op == "adaptive_avg_pool2d":
        return F.adaptive_avg_pool2d(x[0], (a["h"], a["w"]))
    if op == "batch_norm":
        return F.batch_norm(x[0], x[1], x[2], x[3], x[4], a["training"], a["momentum"], a["eps"])
    if op == "layer_norm":
        return F.layer_norm(x[0], a["shape"], x[1], x[2], a["eps"])
    if op == "embedding":
        return F.embedding(x[0], x[1])
    if op == "gelu":
        return F.gelu(x[0])
    if op == "silu":
        return F.silu(x[0])
    if op == "softplus":
        return F.softplus(x[0])
    if op == "leaky_relu":
        return F.leaky_relu(x[0], a["slope"])
    if op == "dropout_eval":
        return F.dropout(x[0], a["p"], training=False)
    if op == "sdpa":
        return sdpa(x[0], x[1], x[2], x[3], a["causal"])
    if op == "cross_entropy":
        return F.cross_entropy(x[0], x[1], ignore_index=a["ignore_index"], label_smoothing=a["label_smoothing"])
    if op == "nll_loss":
        return F.nll_loss(x[0], x[1])
    if op == "bce_with_logits":
        return F.binary_cross_entropy_with_logits(x[0], x[1])
    raise ValueError(op)


cases = []


def case(name, op, inputs, plain=(), **args):
    """inputs: the op's tensors; those at the indices in plain (and non-float64 ones) get no tangent."""
    dual = [t is not None and t.dtype == F64 and i not in plain for i, t in enumerate(inputs)]
    tangents = [randn(*t.shape) if d else None for t, d in zip(inputs, dual)]
    stored = [None if t is None else t.clone() for t in inputs]
    with fwAD.dual_level():
        x = [fwAD.make_dual(t, u) if d else t for t, u, d in zip(inputs, tangents, dual)]
        out = call(op, x, args)
        primal, tangent = fwAD.unpack_dual(out)
    cases.append({"name": name, "op": op, "args": args, "inputs": [enc(t) for t in stored],
                  "tangents": [enc(t) for t in tangents], "expected": enc(primal), "tangent": enc(tangent)})


def conv(stride=1, padding=0, dilation=1, groups=1):
    return dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


def distinct(*shape):
    """Distinct values, so that each pooling window's maximum (and so its tangent) is unambiguous."""
    n = 1
    for s in shape:
        n *= s
    _seed[0] += 1
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(_seed[0]))
    return (perm.to(F64) / 7 - n / 14).reshape(shape)


case("linear_2d", "linear", [randn(3, 4), randn(5, 4), randn(5)])
case("linear_2d_input_only", "linear", [randn(3, 4), randn(5, 4), randn(5)], plain=(1, 2))
case("linear_3d_no_bias", "linear", [randn(2, 3, 4), randn(5, 4), None])
case("conv1d", "conv1d", [randn(2, 4, 11), randn(6, 2, 3), randn(6)], **conv(stride=2, padding=2, dilation=2, groups=2))
case("conv2d_padded", "conv2d", [randn(2, 2, 4, 5), randn(3, 2, 3, 3), randn(3)], **conv(padding=1))
case("conv2d_strided_dilated_groups", "conv2d", [randn(2, 4, 7, 7), randn(4, 2, 3, 2), None],
     **conv(stride=2, padding=1, dilation=2, groups=2))
case("conv2d_weight_only", "conv2d", [randn(1, 3, 5, 5), randn(2, 3, 2, 2), randn(2)], plain=(0, 2), **conv(stride=2))
case("conv2d_unbatched", "conv2d", [randn(2, 4, 4), randn(3, 2, 2, 2), randn(3)], **conv(stride=2))
case("max_pool2d", "max_pool2d", [distinct(2, 2, 5, 7)], kernel=3, stride=2, padding=1)
case("avg_pool2d", "avg_pool2d", [randn(2, 2, 5, 7)], kernel=3, stride=2, padding=1)
case("adaptive_avg_pool2d", "adaptive_avg_pool2d", [randn(2, 3, 5, 7)], h=3, w=2)
case("batch_norm_train", "batch_norm", [randn(3, 2, 4, 3), randn(2, scale=0.1), randn(2, scale=0.1).abs() + 0.5,
     randn(2), randn(2)], plain=(1, 2), training=True, momentum=0.1, eps=1e-5)
case("batch_norm_eval", "batch_norm", [randn(3, 2, 4, 3), randn(2, scale=0.1), randn(2, scale=0.1).abs() + 0.5,
     randn(2), randn(2)], plain=(1, 2), training=False, momentum=0.1, eps=1e-5)
case("layer_norm", "layer_norm", [randn(2, 3, 4), randn(3, 4), randn(3, 4)], shape=[3, 4], eps=1e-5)
case("embedding", "embedding", [torch.tensor([[0, 2, 2], [4, 1, 0]]), randn(5, 3)])
case("gelu", "gelu", [randn(3, 4, scale=2)])
case("silu", "silu", [randn(3, 4, scale=2)])
case("softplus", "softplus", [torch.tensor([-30.0, -3, -0.5, 0.1, 2, 19.5, 25], dtype=F64)])
case("leaky_relu", "leaky_relu", [randn(3, 4)], slope=0.05)
case("dropout_eval", "dropout_eval", [randn(3, 4)], p=0.4)
case("sdpa", "sdpa", [randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 3), None], causal=False)
case("sdpa_bool_mask", "sdpa", [randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 3),
     torch.tensor([[True, False, True, True, False], [False, False, True, False, True], [True, True, True, False, True]])],
     causal=False)
case("sdpa_float_mask", "sdpa", [randn(2, 3, 4), randn(2, 5, 4), randn(2, 5, 3), randn(3, 5)], causal=False)
case("sdpa_causal", "sdpa", [randn(2, 4, 3), randn(2, 4, 3), randn(2, 4, 2), None], causal=True)
case("cross_entropy", "cross_entropy", [randn(4, 3), torch.tensor([2, 0, 1, 2])], ignore_index=-100,
     label_smoothing=0.0)
case("cross_entropy_ignore_smoothing", "cross_entropy", [randn(4, 3), torch.tensor([2, 1, 0, 1])], ignore_index=1,
     label_smoothing=0.2)
case("cross_entropy_spatial", "cross_entropy", [randn(2, 3, 3), torch.tensor([[0, 2, 1], [2, 1, 0]])],
     ignore_index=-100, label_smoothing=0.1)
case("nll_loss", "nll_loss", [randn(4, 3).log_softmax(1), torch.tensor([2, 0, 1, 2])])
case("bce_with_logits", "bce_with_logits", [randn(3, 4, scale=2), torch.rand(3, 4, generator=torch.Generator()
     .manual_seed(5), dtype=F64)])

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "forward_ad.json"), "w") as f:
    f.write('{"torch": "%s", "cases": [\n' % torch.__version__)
    f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
    f.write("\n]}\n")
