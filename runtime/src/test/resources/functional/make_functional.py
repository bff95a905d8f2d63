#!/usr/bin/python3
"""Writes functional.json: dev.nabla.nn.Functional's ops evaluated by PyTorch, for FunctionalReferenceTest.

    /usr/bin/python3 runtime/src/test/resources/functional/make_functional.py

Every input is drawn from a seeded generator, rounded to three decimals and stored in the file,
so the Java side never reproduces torch's RNG; rerunning the script gives the same file.

Format: {"torch": version, "cases": [case, ...]}, one case per line:
    {"name", "op", "args": {...}, "inputs": [tensor or null, ...], "expected": tensor,
     "gradOutput": tensor, "grads": [tensor or null, one per input],
     "after": [tensor or null, one per input]}            (a value case), or
    {"name", "op", "args", "inputs", "error": "torch's message", "message": "part of Nabla's"}
A tensor is {"dtype": "float64"|"int64", "shape": [...], "values": [row-major]}. "grads" are
the gradients of sum(output * gradOutput) with respect to each float64 input (null for an input
that is absent or not differentiated); "after" holds inputs that the op updates in place
(batch norm's running statistics) as they are after the call.
"""
import json
import os

import torch
import torch.nn.functional as F

F64 = torch.float64
_seed = [2000]


def randn(*shape, scale=1.0):
    _seed[0] += 1
    g = torch.Generator().manual_seed(_seed[0])
    x = torch.randn(shape, generator=g, dtype=F64) * scale
    return torch.round(x * 1000) / 1000


def enc(t):
    if t is None:
        return None
    return {"dtype": str(t.dtype).replace("torch.", ""), "shape": list(t.shape),
            "values": t.detach().reshape(-1).tolist()}


def call(op, inputs, args):
    x = inputs
    if op == "conv1d":
        return F.conv1d(x[0], x[1], x[2], args["stride"], args["padding"], args["dilation"], args["groups"])
    if op == "conv2d":
        return F.conv2d(x[0], x[1], x[2], args["stride"], args["padding"], args["dilation"], args["groups"])
    if op == "linear":
        return F.linear(x[0], x[1], x[2])
    if op == "max_pool2d":
        return F.max_pool2d(x[0], args["kernel"], args["stride"], args["padding"])
    if op == "avg_pool2d":
        return F.avg_pool2d(x[0], args["kernel"], args["stride"], args["padding"])
    if op == "adaptive_avg_pool2d":
        return F.adaptive_avg_pool2d(x[0], (args["h"], args["w"]))
    if op == "batch_norm":
        return F.batch_norm(x[0], x[1], x[2], x[3], x[4], args["training"], args["momentum"], args["eps"])
    if op == "leaky_relu":
        return F.leaky_relu(x[0], args["slope"])
    if op == "one_hot":
        return F.one_hot(x[0], args["classes"])
    raise ValueError(op)


# Inputs that get a gradient: the floating ones, except batch norm's running statistics.
def differentiable(op, i, t):
    return t is not None and t.dtype == F64 and not (op == "batch_norm" and i in (1, 2))


cases = []


def value(name, op, inputs, **args):
    inputs = [None if t is None else t.clone() for t in inputs]
    leaves = [t.requires_grad_() if differentiable(op, i, t) else t for i, t in enumerate(inputs)]
    before = [None if t is None else t.detach().clone() for t in leaves]
    out = call(op, leaves, args)
    case = {"name": name, "op": op, "args": args, "inputs": [enc(t) for t in before], "expected": enc(out)}
    if out.dtype == F64:
        gout = randn(*out.shape)
        wrt = [t for t in leaves if t is not None and t.requires_grad]
        grads = iter(torch.autograd.grad(out, wrt, gout))
        case["gradOutput"] = enc(gout)
        case["grads"] = [enc(next(grads)) if t is not None and t.requires_grad else None for t in leaves]
    case["after"] = [enc(t) if op == "batch_norm" and i in (1, 2) and t is not None else None
                     for i, t in enumerate(leaves)]
    cases.append(case)


def error(name, op, inputs, message, **args):
    try:
        call(op, inputs, args)
    except (RuntimeError, ValueError) as e:
        cases.append({"name": name, "op": op, "args": args, "inputs": [enc(t) for t in inputs],
                      "error": str(e).split("\n")[0], "message": message})
        return
    raise AssertionError(name + " did not fail")


def conv_args(stride=1, padding=0, dilation=1, groups=1):
    return dict(stride=stride, padding=padding, dilation=dilation, groups=groups)


# ---------------------------------------------------------------- convolutions
value("conv2d_basic", "conv2d", [randn(2, 3, 5, 6), randn(4, 3, 3, 3), randn(4)], **conv_args())
value("conv2d_padded", "conv2d", [randn(2, 2, 4, 4), randn(3, 2, 3, 3), randn(3)], **conv_args(padding=1))
value("conv2d_strided", "conv2d", [randn(1, 2, 7, 6), randn(3, 2, 3, 2), None], **conv_args(stride=2, padding=1))
value("conv2d_dilated", "conv2d", [randn(2, 2, 7, 7), randn(2, 2, 3, 3), randn(2)], **conv_args(padding=2, dilation=2))
value("conv2d_groups", "conv2d", [randn(2, 4, 5, 5), randn(6, 2, 3, 3), randn(6)], **conv_args(padding=1, groups=2))
value("conv2d_unbatched", "conv2d", [randn(2, 4, 4), randn(3, 2, 2, 2), randn(3)], **conv_args(stride=2))
value("conv2d_1x1", "conv2d", [randn(3, 4, 3, 3), randn(5, 4, 1, 1), randn(5)], **conv_args())
value("conv1d_basic", "conv1d", [randn(2, 3, 9), randn(4, 3, 3), randn(4)], **conv_args())
value("conv1d_all", "conv1d", [randn(2, 4, 11), randn(6, 2, 3), randn(6)],
      **conv_args(stride=2, padding=2, dilation=2, groups=2))
value("conv1d_unbatched", "conv1d", [randn(2, 6), randn(3, 2, 2), None], **conv_args(padding=1))
error("conv2d_channels", "conv2d", [randn(2, 3, 5, 5), randn(4, 2, 3, 3), None],
      "weight of size [4, 2, 3, 3], expected input[2, 3, 5, 5] to have 2 channels, but got 3 channels instead",
      **conv_args())
error("conv1d_channels", "conv1d", [randn(2, 3, 5), randn(4, 2, 3), None],
      "weight of size [4, 2, 3], expected input[2, 3, 5] to have 2 channels, but got 3 channels instead", **conv_args())
error("conv2d_bias", "conv2d", [randn(2, 3, 5, 5), randn(4, 3, 3, 3), randn(3)],
      "expected bias to be 1-dimensional with 4 elements, but got bias of size [3] instead", **conv_args())
error("conv2d_group_weight", "conv2d", [randn(2, 2, 5, 5), randn(3, 1, 3, 3), None],
      "expected weight to be divisible by 2 at dimension 0", **conv_args(groups=2))
error("conv2d_kernel_too_big", "conv2d", [randn(1, 3, 2, 2), randn(4, 3, 3, 3), None],
      "Calculated padded input size per channel: (2 x 2). Kernel size: (3 x 3). Kernel size can't be greater than"
      " actual input size", **conv_args())
error("conv2d_stride", "conv2d", [randn(1, 3, 5, 5), randn(4, 3, 3, 3), None], "non-positive stride is not supported",
      **conv_args(stride=0))
error("conv2d_padding", "conv2d", [randn(1, 3, 5, 5), randn(4, 3, 3, 3), None], "negative padding is not supported",
      **conv_args(padding=-1))
error("conv2d_input_dims", "conv2d", [randn(5, 5), randn(4, 3, 3, 3), None],
      "Expected 3D (unbatched) or 4D (batched) input to conv2d, but got input of size: [5, 5]", **conv_args())

# ---------------------------------------------------------------- linear
value("linear_2d", "linear", [randn(3, 4), randn(5, 4), randn(5)])
value("linear_3d_no_bias", "linear", [randn(2, 3, 4), randn(5, 4), None])

# ---------------------------------------------------------------- pooling
# Distinct values, so that each window's maximum (and so the gradient) is unambiguous.
def distinct(*shape):
    n = 1
    for s in shape:
        n *= s
    _seed[0] += 1
    perm = torch.randperm(n, generator=torch.Generator().manual_seed(_seed[0]))
    return (perm.to(F64) / 7 - n / 14).reshape(shape)


value("max_pool2d_2", "max_pool2d", [distinct(2, 3, 6, 6)], kernel=2, stride=2, padding=0)
value("max_pool2d_overlap_pad", "max_pool2d", [distinct(2, 2, 5, 7)], kernel=3, stride=2, padding=1)
value("max_pool2d_negative_pad", "max_pool2d", [distinct(1, 1, 4, 4) - 100], kernel=2, stride=1, padding=1)
# Ties: the gradient goes to the first maximum of each window in row-major order, padding and
# overlapping windows included.
value("max_pool2d_ties", "max_pool2d", [torch.zeros(1, 2, 4, 5, dtype=F64)], kernel=3, stride=1, padding=1)
value("max_pool2d_some_ties", "max_pool2d", [(torch.arange(2 * 3 * 6 * 6, dtype=F64).reshape(2, 3, 6, 6) * 7 % 5)],
      kernel=3, stride=2, padding=1)
value("max_pool2d_unbatched", "max_pool2d", [distinct(2, 5, 5)], kernel=2, stride=2, padding=0)
value("avg_pool2d_2", "avg_pool2d", [randn(2, 3, 6, 6)], kernel=2, stride=2, padding=0)
value("avg_pool2d_pad", "avg_pool2d", [randn(2, 2, 5, 7)], kernel=3, stride=2, padding=1)
value("adaptive_avg_pool2d_uneven", "adaptive_avg_pool2d", [randn(2, 3, 5, 7)], h=3, w=2)
value("adaptive_avg_pool2d_global", "adaptive_avg_pool2d", [randn(2, 3, 4, 4)], h=1, w=1)
value("adaptive_avg_pool2d_up", "adaptive_avg_pool2d", [randn(1, 2, 3, 3)], h=4, w=5)
error("max_pool2d_pad", "max_pool2d", [randn(1, 1, 5, 5)], "pad should be at most half of kernel size, but got pad=2"
      " and kernel_size=2", kernel=2, stride=2, padding=2)
error("avg_pool2d_too_small", "avg_pool2d", [randn(1, 3, 1, 1)], "Output size is too small", kernel=2, stride=2,
      padding=0)

# ---------------------------------------------------------------- batch norm
def bn(name, shape, training, affine=True, stats=True):
    c = shape[1]
    inputs = [randn(*shape), randn(c, scale=0.1) if stats else None, randn(c, scale=0.1).abs() + 0.5 if stats else None,
              randn(c) if affine else None, randn(c) if affine else None]
    value(name, "batch_norm", inputs, training=training, momentum=0.1, eps=1e-5)


bn("batch_norm_2d_train", (6, 3), True)
bn("batch_norm_3d_train", (4, 2, 5), True)
bn("batch_norm_4d_train", (3, 2, 4, 3), True)
bn("batch_norm_4d_eval", (3, 2, 4, 3), False)
bn("batch_norm_no_affine_no_stats", (5, 3, 2), True, affine=False, stats=False)
error("batch_norm_one_value", "batch_norm", [randn(1, 3), None, None, None, None],
      "Expected more than 1 value per channel when training", training=True, momentum=0.1, eps=1e-5)
error("batch_norm_eval_without_stats", "batch_norm", [randn(4, 3), None, None, None, None],
      "running_mean must be defined in evaluation mode", training=False, momentum=0.1, eps=1e-5)
error("batch_norm_stats_size", "batch_norm", [randn(4, 3), torch.zeros(2, dtype=F64), torch.ones(2, dtype=F64), None,
      None], "running_mean should contain 3 elements not 2", training=True, momentum=0.1, eps=1e-5)

# ---------------------------------------------------------------- element-wise
value("leaky_relu", "leaky_relu", [randn(3, 4)], slope=0.05)
value("one_hot", "one_hot", [torch.tensor([[0, 2], [1, 3]])], classes=4)
value("one_hot_inferred", "one_hot", [torch.tensor([2, 0, 1])], classes=-1)
error("one_hot_too_large", "one_hot", [torch.tensor([1, 5])], "Class values must be smaller than num_classes.",
      classes=3)
error("one_hot_negative", "one_hot", [torch.tensor([-1])], "Class values must be non-negative.", classes=3)

here = os.path.dirname(os.path.abspath(__file__))
with open(os.path.join(here, "functional.json"), "w") as f:
    f.write('{"torch": "%s", "cases": [\n' % torch.__version__)
    f.write(",\n".join(json.dumps(c, separators=(",", ":")) for c in cases))
    f.write("\n]}\n")
