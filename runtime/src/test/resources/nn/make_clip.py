#!/usr/bin/python3
"""Writes clip.json: what torch.nn.utils.clip_grad_norm_ (norm_type 2, error_if_nonfinite False)
and clip_grad_value_ do to gradients, for UtilsTest.

Run with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/nn/make_clip.py

Every case has three parameters: two with a gradient and one (the last) without, which both
functions skip. Gradients are drawn from a seeded generator, rounded, and scaled per case; some
cases plant an inf or a NaN.

File format: {"torch": version, "cases": [case]}, where a case is {"name", "fn": "norm" |
"value", "dtype": "float64" | "float32", "arg": max_norm or clip_value, "grads": [tensor, tensor],
"expected_grads": [tensor, tensor], and for "norm" "total_norm"}, and a tensor is {"shape": [...],
"values": [row-major values, with "inf", "-inf" and "nan" as strings]}.
"""

import json
import math
import os

import torch

gen = torch.Generator().manual_seed(11)


def number(v):
    if math.isnan(v):
        return "nan"
    if math.isinf(v):
        return "inf" if v > 0 else "-inf"
    return v


def tensor(t):
    return {"shape": list(t.shape), "values": [number(v) for v in t.detach().double().reshape(-1).tolist()]}


def base():
    return [torch.randn(3, 4, generator=gen, dtype=torch.float64).round(decimals=4),
            torch.randn(5, generator=gen, dtype=torch.float64).round(decimals=4)]


CASES = [
    # name, fn, dtype, arg, scale, planted (parameter, flat index, value) or None
    ("norm_clips", "norm", torch.float64, 1.0, 3.0, None),
    ("norm_below_max_unchanged", "norm", torch.float64, 100.0, 1.0, None),
    ("norm_zero_max", "norm", torch.float64, 0.0, 1.0, None),
    ("norm_float32", "norm", torch.float32, 0.5, 2.0, None),
    ("norm_inf", "norm", torch.float64, 1.0, 1.0, (0, 5, math.inf)),
    ("norm_nan", "norm", torch.float64, 1.0, 1.0, (1, 2, math.nan)),
    ("value_clips", "value", torch.float64, 0.5, 1.0, None),
    ("value_float32", "value", torch.float32, 0.25, 1.0, None),
    ("value_nan_inf", "value", torch.float64, 1.0, 1.0, (0, 3, math.inf)),
]

cases = []
for name, fn, dtype, arg, scale, planted in CASES:
    grads = [(g * scale).to(dtype) for g in base()]
    if planted is not None:
        grads[planted[0]].view(-1)[planted[1]] = planted[2]
    if name == "value_nan_inf":
        grads[1].view(-1)[0] = math.nan
    params = [torch.zeros_like(g, requires_grad=True) for g in grads] + [torch.zeros(2, dtype=dtype, requires_grad=True)]
    for p, g in zip(params, grads):
        p.grad = g.clone()
    case = dict(name=name, fn=fn, dtype=str(dtype).replace("torch.", ""), arg=arg, grads=[tensor(g) for g in grads])
    if fn == "norm":
        total = torch.nn.utils.clip_grad_norm_(params, arg)
        case["total_norm"] = number(total.item())
    else:
        torch.nn.utils.clip_grad_value_(params, arg)
    assert params[2].grad is None
    case["expected_grads"] = [tensor(p.grad) for p in params[:2]]
    cases.append(case)

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "clip.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
