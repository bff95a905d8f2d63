#!/usr/bin/python3
"""Writes jvp.json: the output and the output tangent (forward-mode AD, a Jacobian-vector product)
of every differentiable op of Nabla's public API, evaluated by PyTorch, for JvpReferenceTest.

Run from anywhere with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/reference/make_jvp.py

Inputs and tangents are float64 (a few float32, for the dtype conversions) with values given by a
fixed formula below (no random generator), stored explicitly in the file; rerunning the script
gives the same file.

Format: {"torch": version, "cases": [case, ...]}, one case per line, where a case is

    {"name": unique id, "op": a name apply() below evaluates (JvpReferenceTest maps it onto the
     Nabla method it names), "inputs": [tensor, ...] (each carries a tangent),
     "tangents": [tensor, one per input], "constants": [tensor or null, ...] (index, mask, target
     and running-statistics tensors that carry no tangent; null for an absent optional tensor),
     "args": {...}, "outputs": [{"value": tensor, "tangent": tensor}, ...] (one per result; split
     and chunk give several), "method": how the reference tangent was computed, "note": why, for
     any method but "forward_ad"}                                     (a value case), or
    {"name", "op", "inputs", "tangents", "constants", "args", "error": torch's message}
                                                   (an op torch refuses under forward mode)

and a tensor is make_reference.py's {"dtype", "shape", "values"}. The methods are

    "forward_ad":  torch.autograd.forward_ad (dual_level, make_dual, unpack_dual), one forward pass;
    "composite":   forward_ad through torch ops that compute what Nabla's op is defined as, for an op
                   torch 1.13 lacks (scaled_dot_product_attention arrived in torch 2.0).

torch 1.13's forward AD covers every op here (nll_loss, max_pool2d and batch norm included), so no
case needs the double-backward fallback (torch.autograd.functional.jvp); a case torch refuses stops
the script unless it is declared an error case.

An output's tangent is zeros where torch has none (a result that does not depend on the inputs).
"""

import math

import torch
import torch.autograd.forward_ad as fwAD
import torch.nn.functional as F

from make_reference import BOOL, F32, F64, I64, enc, write

# ------------------------------------------------------------------ inputs, from a formula


def vals(shape, k, scale=1.0, shift=0.0, dtype=F64):
    """Deterministic values, distinct in practice: scale * sin of a quadratic in the element index,
    rounded to 4 decimals, plus shift. k selects the sequence, so inputs and tangents differ."""
    n = 1
    for s in shape:
        n *= s
    v = [round(scale * math.sin(0.731 * k + 1.37 * i + 0.0917 * i * i), 4) + shift for i in range(n)]
    return torch.tensor(v, dtype=F64).reshape(shape).to(dtype)


def positive(shape, k, dtype=F64):
    """Values in [0.2, 1.7]."""
    return vals(shape, k, 0.75, 0.95, dtype)


def grid(shape, k):
    """Multiples of 1/64 in [-1, 1], exact in float32 and float64 alike."""
    return torch.round(vals(shape, k) * 64) / 64


def T(values, dtype=F64):
    return torch.tensor(values, dtype=dtype)


def idx(values):
    return torch.tensor(values, dtype=I64)


def mask(values):
    return torch.tensor(values, dtype=BOOL)


# ------------------------------------------------------------------ ops, as Nabla defines them

BINARY = {"add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow,
          "maximum": torch.maximum, "minimum": torch.minimum}
UNARY = {"neg": torch.neg, "abs": torch.abs, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt,
         "sin": torch.sin, "cos": torch.cos, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
         "erf": torch.erf, "sign": torch.sign, "log1p": torch.log1p, "rsqrt": torch.rsqrt,
         "contiguous": lambda x: x.contiguous(),
         "clone": torch.clone, "detach": lambda x: x.detach(), "t": lambda x: x.t(), "flatten": torch.flatten,
         "sum": torch.sum, "mean": torch.mean, "max": torch.max, "min": torch.min,
         "gelu": F.gelu, "silu": F.silu, "softplus": F.softplus}
INPLACE = {"add_": "add_", "sub_": "sub_", "mul_": "mul_"}


def attention(q, k, v, m, causal):
    """Nabla's scaledDotProductAttention as torch 2.0's F.scaled_dot_product_attention defines it:
    softmax(q k^T / sqrt(E) + mask) v, a BOOL mask true where attending is allowed, causal the
    top-left lower triangle."""
    scores = q.matmul(k.transpose(-2, -1)) / math.sqrt(q.shape[-1])
    if causal:
        m = torch.ones(q.shape[-2], k.shape[-2], dtype=BOOL).tril()
    if m is not None:
        scores = scores.masked_fill(~m, -math.inf) if m.dtype == BOOL else scores + m
    return scores.softmax(-1).matmul(v)


def apply(op, xs, cs, a):
    """Evaluates one op exactly as JvpReferenceTest maps it onto Nabla's API; a list of results."""
    x = xs[0] if xs else None
    if op in BINARY:
        return [BINARY[op](xs[0], xs[1])]
    if op.endswith("Scalar") and op[:-6] in BINARY:
        name, v = op[:-6], a["value"]
        return [BINARY[name](x, torch.tensor(v, dtype=x.dtype) if name in ("maximum", "minimum") else v)]
    if op in UNARY:
        return [UNARY[op](x)]
    if op in INPLACE:
        return [getattr(x.clone(), op)(xs[1])]
    if op.endswith("_Scalar"):
        return [getattr(x.clone(), op[:-6])(a["value"])]
    simple = {
        "clamp": lambda: torch.clamp(x, a["min"], a["max"]),
        "clampMin": lambda: torch.clamp(x, min=a["min"]),
        "clampMax": lambda: torch.clamp(x, max=a["max"]),
        "where": lambda: torch.where(cs[0], xs[0], xs[1]),
        "maskedFill": lambda: x.masked_fill(cs[0], a["value"]),
        "sumDim": lambda: x.sum(a["dim"], keepdim=a["keepDim"]),
        "meanDim": lambda: x.mean(a["dim"], keepdim=a["keepDim"]),
        "softmax": lambda: torch.softmax(x, a["dim"]),
        "logSoftmax": lambda: torch.log_softmax(x, a["dim"]),
        "matmul": lambda: torch.matmul(xs[0], xs[1]),
        "mm": lambda: torch.mm(xs[0], xs[1]),
        "bmm": lambda: torch.bmm(xs[0], xs[1]),
        "transpose": lambda: x.transpose(a["dim0"], a["dim1"]),
        "reshape": lambda: x.reshape(a["shape"]),
        "view": lambda: x.view(a["shape"]),
        "unsqueeze": lambda: x.unsqueeze(a["dim"]),
        "squeeze": lambda: x.squeeze(a["dim"]),
        "expand": lambda: x.expand(a["shape"]),
        "expandAs": lambda: xs[0].expand_as(xs[1]),
        "narrow": lambda: x.narrow(a["dim"], a["start"], a["length"]),
        "cat": lambda: torch.cat(xs, a["dim"]),
        "stack": lambda: torch.stack(xs, a["dim"]),
        "indexSelect": lambda: x.index_select(a["dim"], cs[0]),
        "gather": lambda: x.gather(a["dim"], cs[0]),
        "toDtype": lambda: x.to({"float32": F32, "float64": F64}[a["dtype"]]),
        "toDevice": lambda: x.to("cpu"),
        "zero_": lambda: x.clone().zero_(),
        "fill_": lambda: x.clone().fill_(a["value"]),
        "copy_": lambda: (xs[1].clone() if len(xs) > 1 else torch.zeros(a["shape"], dtype=F64)).copy_(x),
        "uniform_": lambda: x.clone().uniform_(a["low"], a["high"]),
        "normal_": lambda: x.clone().normal_(a["mean"], a["std"]),
        "permute": lambda: x.permute(a["dims"]),
        "flattenRange": lambda: x.flatten(a["start"], a["end"]),
        "repeat": lambda: x.repeat(*a["repeats"]),
        "cumsum": lambda: x.cumsum(a["dim"]),
        "var": lambda: torch.var(x, a["dim"], keepdim=a["keepDim"]),
        "std": lambda: torch.std(x, a["dim"], keepdim=a["keepDim"]),
        "logsumexp": lambda: torch.logsumexp(x, a["dim"], keepdim=a["keepDim"]),
        "amax": lambda: torch.amax(x, a["dim"], keepdim=a["keepDim"]),
        "tril": lambda: x.tril(a["diagonal"]),
        "triu": lambda: x.triu(a["diagonal"]),
        "scatterAdd": lambda: xs[0].scatter_add(a["dim"], cs[0], xs[1]),
        "out": lambda: BINARY[a["binary"]](xs[0], xs[1], out=torch.empty(xs[0].shape, dtype=F64)),
        # dev.nabla.nn.Functional
        "linear": lambda: F.linear(xs[0], xs[1], xs[2] if len(xs) > 2 else None),
        "conv1d": lambda: F.conv1d(xs[0], xs[1], xs[2] if len(xs) > 2 else None, a["stride"], a["padding"],
                                   a["dilation"], a["groups"]),
        "conv2d": lambda: F.conv2d(xs[0], xs[1], xs[2] if len(xs) > 2 else None, a["stride"], a["padding"],
                                   a["dilation"], a["groups"]),
        "maxPool2d": lambda: F.max_pool2d(x, a["kernel"], a["stride"], a["padding"]),
        "avgPool2d": lambda: F.avg_pool2d(x, a["kernel"], a["stride"], a["padding"]),
        "adaptiveAvgPool2d": lambda: F.adaptive_avg_pool2d(x, (a["h"], a["w"])),
        "batchNorm": lambda: F.batch_norm(x, cs[0], cs[1], xs[1] if len(xs) > 1 else None,
                                          xs[2] if len(xs) > 2 else None, a["training"], a["momentum"], a["eps"]),
        "dropout": lambda: F.dropout(x, a["p"], a["training"]),
        "leakyRelu": lambda: F.leaky_relu(x, a["slope"]),
        "layerNorm": lambda: F.layer_norm(x, a["shape"], xs[1] if len(xs) > 1 else None,
                                          xs[2] if len(xs) > 2 else None, a["eps"]),
        "embedding": lambda: F.embedding(cs[0], x),
        "scaledDotProductAttention": lambda: attention(xs[0], xs[1], xs[2], cs[0] if cs else None, a["causal"]),
        "crossEntropy": lambda: F.cross_entropy(x, cs[0]),
        "crossEntropySmoothed": lambda: F.cross_entropy(x, cs[0], ignore_index=a["ignoreIndex"],
                                                        label_smoothing=a["labelSmoothing"]),
        "nllLoss": lambda: F.nll_loss(x, cs[0]),
        "binaryCrossEntropyWithLogits": lambda: F.binary_cross_entropy_with_logits(xs[0], xs[1]),
    }
    if op in simple:
        return [simple[op]()]
    if op == "split":
        return list(x.split(a["size"], a["dim"]))
    if op == "chunk":
        return list(x.chunk(a["n"], a["dim"]))
    raise ValueError("unknown op " + op)


# ------------------------------------------------------------------ cases

CASES = []
NAMES = set()
COMPOSITE = {"scaledDotProductAttention": "torch 1.13 has no F.scaled_dot_product_attention (torch 2.0); "
                                          "forward_ad through softmax(q k^T / sqrt(E) + mask) v, its definition"}


def fresh(cs):
    """Copies of the constants, so that ops updating them (batch norm's running statistics) leave the
    stored ones as built."""
    return [None if c is None else c.clone() for c in cs]


def case(name, op, inputs, constants=(), tangents=None, error=False, **args):
    """Records one case: torch's output and output tangent at inputs in the direction tangents
    (default: a formula sequence per input). error: torch refuses forward mode through this op."""
    assert name not in NAMES, "duplicate case " + name
    NAMES.add(name)
    if tangents is None:
        tangents = [vals(x.shape, 50 + 7 * i + len(CASES), dtype=x.dtype) for i, x in enumerate(inputs)]
    c = {"name": name, "op": op, "inputs": [enc(x) for x in inputs], "tangents": [enc(t) for t in tangents],
         "constants": [None if x is None else enc(x) for x in constants], "args": args}
    try:
        with fwAD.dual_level():
            duals = [fwAD.make_dual(x, t) for x, t in zip(inputs, tangents)]
            outs = [fwAD.unpack_dual(o) for o in apply(op, duals, fresh(constants), args)]
            results = [(o.primal.detach().clone(), None if o.tangent is None else o.tangent.clone()) for o in outs]
    except RuntimeError as e:
        if not error:
            raise
        c["error"] = str(e).split("\n")[0]
        CASES.append(c)
        return
    assert not error, name + ": expected torch to refuse forward mode"
    c["outputs"] = [{"value": enc(p), "tangent": enc(torch.zeros_like(p) if t is None else t)} for p, t in results]
    if op in COMPOSITE:
        c["method"], c["note"] = "composite", COMPOSITE[op]
    else:
        c["method"] = "forward_ad"
    CASES.append(c)


def pointwise():
    a, b = vals((3, 4), 1), vals((3, 4), 2)
    for op in ("add", "sub", "mul", "div", "maximum", "minimum"):
        case(op, op, [a, vals((3, 4), 3, shift=2.5) if op == "div" else b])
        other = vals((3, 1), 5, shift=1.5) if op == "div" else vals((3, 1), 5)
        case(op + "_broadcast", op, [vals((2, 1, 4), 4), other])
        case(op + "Scalar", op + "Scalar", [a], value=0.375)
    # maximum and minimum split the tangent evenly where the operands tie, as torch does
    tie = T([[0.5, -1.0, 2.0], [0.25, 0.25, -3.0]])
    case("maximum_ties", "maximum", [tie, T([[0.5, 0.0, 2.0], [1.0, 0.25, -3.0]])])
    case("minimum_ties", "minimum", [tie, T([[0.5, 0.0, 2.0], [1.0, 0.25, -3.0]])])
    case("maximumScalar_ties", "maximumScalar", [tie], value=0.25)
    case("pow", "pow", [positive((3, 4), 6), vals((3, 4), 7)])
    case("pow_broadcast", "pow", [positive((2, 3), 8), vals((3,), 9, scale=2)])
    case("powScalar", "powScalar", [positive((3, 4), 10)], value=2.5)
    case("powScalar_negative_base", "powScalar", [vals((3, 4), 11)], value=3.0)
    for op in ("neg", "abs", "exp", "sin", "cos", "tanh", "sigmoid", "relu", "erf"):
        case(op, op, [vals((3, 4), 12, scale=2)])
    for op in ("log", "sqrt", "log1p", "rsqrt"):
        case(op, op, [positive((3, 4), 13)])
    zeros = T([[0.0, -0.5, 0.5], [0.0, 1.5, -2.0]])
    case("sign", "sign", [zeros])
    case("abs_at_zero", "abs", [zeros])
    case("relu_at_zero", "relu", [zeros])
    case("clamp", "clamp", [vals((3, 4), 14, scale=2)], min=-0.5, max=0.75)
    case("clamp_at_bounds", "clamp", [T([[-0.5, 0.75, 0.1], [-1.0, 2.0, 0.75]])], min=-0.5, max=0.75)
    case("clampMin", "clampMin", [vals((3, 4), 15, scale=2)], min=-0.25)
    case("clampMax", "clampMax", [vals((3, 4), 16, scale=2)], max=0.25)
    cond = mask([[True, False, True, False], [False, False, True, True], [True, True, False, False]])
    case("where", "where", [vals((3, 4), 17), vals((3, 4), 18)], [cond])
    case("where_broadcast", "where", [vals((3, 1), 19), vals((4,), 20)], [cond])
    case("maskedFill", "maskedFill", [vals((3, 4), 21)], [cond], value=-1.5)
    case("maskedFill_broadcast", "maskedFill", [vals((2, 3, 4), 22)], [mask([True, False, False, True])], value=0.5)


def conversions():
    case("toDtype_float32", "toDtype", [grid((2, 3), 23)], tangents=[grid((2, 3), 24)], dtype="float32")
    case("toDtype_float64", "toDtype", [grid((2, 3), 25).float()], tangents=[grid((2, 3), 26).float()],
         dtype="float64")
    case("toDtype_same", "toDtype", [vals((2, 3), 27)], dtype="float64")
    case("toDevice_cpu", "toDevice", [vals((2, 3), 28)])
    case("contiguous_transposed", "contiguous", [vals((3, 2), 29).t()],
         tangents=[vals((3, 2), 30).t()])
    case("clone", "clone", [vals((2, 3), 31)])
    case("detach", "detach", [vals((2, 3), 32)])
    for op in ("add", "sub", "mul", "div"):
        case(op + "Out", "out", [vals((2, 3), 33), vals((2, 3), 34, shift=2.5)], error=True, binary=op)


def inplace():
    case("add_", "add_", [vals((3, 4), 35), vals((4,), 36)])
    case("sub_", "sub_", [vals((3, 4), 37), vals((3, 1), 38)])
    case("mul_", "mul_", [vals((3, 4), 39), vals((3, 4), 40)])
    for op in ("add_", "sub_", "mul_"):
        case(op + "Scalar", op + "Scalar", [vals((2, 3), 41)], value=-1.25)
    case("zero_", "zero_", [vals((2, 3), 42)])
    case("fill_", "fill_", [vals((2, 3), 43)], value=2.5)
    case("copy_", "copy_", [vals((2, 3), 44)], shape=[2, 3])
    case("copy_broadcast_into_dual", "copy_", [vals((3,), 45), vals((2, 3), 46)])
    # degenerate distributions, so that the values are known: the tangent is zero either way
    case("uniform_", "uniform_", [vals((2, 3), 47)], low=0.5, high=0.5)
    case("normal_", "normal_", [vals((2, 3), 48)], mean=-0.75, std=0.0)


def reductions():
    x = vals((3, 4, 5), 49)
    case("sum", "sum", [x])
    case("mean", "mean", [x])
    for keep in (False, True):
        k = "_keep" if keep else ""
        case("sumDim_1" + k, "sumDim", [x], dim=1, keepDim=keep)
        case("sumDim_neg" + k, "sumDim", [x], dim=-1, keepDim=keep)
        case("meanDim_0" + k, "meanDim", [x], dim=0, keepDim=keep)
        case("meanDim_neg" + k, "meanDim", [x], dim=-2, keepDim=keep)
        for op in ("var", "std", "logsumexp", "amax"):
            case(op + "_1" + k, op, [x], dim=1, keepDim=keep)
            case(op + "_neg" + k, op, [x], dim=-1, keepDim=keep)
    case("max", "max", [x])
    case("min", "min", [x])
    ties = T([[1.5, -2.0, 1.5], [0.0, 1.5, -2.0]])
    case("max_ties", "max", [ties])
    case("min_ties", "min", [ties])
    case("amax_ties", "amax", [T([[1.5, -2.0, 1.5], [0.0, 0.5, 0.5]])], dim=1, keepDim=False)
    for d in (0, 1, -1):
        case(f"softmax_{d}", "softmax", [vals((3, 4), 51 + d, scale=2)], dim=d)
        case(f"logSoftmax_{d}", "logSoftmax", [vals((3, 4), 55 + d, scale=2)], dim=d)
    for d in (0, 2, -2):
        case(f"cumsum_{d}", "cumsum", [x], dim=d)


def linear_algebra():
    case("matmul_2d", "matmul", [vals((3, 4), 60), vals((4, 2), 61)])
    case("matmul_vector_vector", "matmul", [vals((4,), 62), vals((4,), 63)])
    case("matmul_matrix_vector", "matmul", [vals((3, 4), 64), vals((4,), 65)])
    case("matmul_vector_matrix", "matmul", [vals((4,), 66), vals((4, 2), 67)])
    case("matmul_batched_broadcast", "matmul", [vals((2, 3, 4), 68), vals((4, 5), 69)])
    case("matmul_batch_broadcast_both", "matmul", [vals((2, 1, 3, 4), 70), vals((3, 4, 2), 71)])
    case("mm", "mm", [vals((3, 4), 72), vals((4, 5), 73)])
    case("bmm", "bmm", [vals((2, 3, 4), 74), vals((2, 4, 2), 75)])


def views():
    x = vals((2, 3, 4), 80)
    case("t", "t", [vals((3, 4), 81)])
    case("transpose", "transpose", [x], dim0=0, dim1=2)
    case("transpose_neg", "transpose", [x], dim0=-1, dim1=-2)
    case("reshape", "reshape", [x], shape=[4, -1])
    case("reshape_of_transposed", "reshape", [vals((4, 3), 82).t()], tangents=[vals((4, 3), 83).t()], shape=[12])
    case("view", "view", [x], shape=[6, 4])
    case("unsqueeze", "unsqueeze", [x], dim=1)
    case("unsqueeze_neg", "unsqueeze", [x], dim=-1)
    case("squeeze", "squeeze", [vals((2, 1, 3), 84)], dim=1)
    case("squeeze_not_one", "squeeze", [vals((2, 3), 85)], dim=0)
    case("expand", "expand", [vals((3, 1), 86)], shape=[2, 3, 4])
    case("expand_keep", "expand", [vals((1, 4), 87)], shape=[3, -1])
    case("expandAs", "expandAs", [vals((3, 1), 88), vals((2, 3, 4), 89)])
    case("narrow", "narrow", [x], dim=2, start=1, length=2)
    case("narrow_neg", "narrow", [x], dim=-2, start=0, length=2)
    case("permute", "permute", [x], dims=[2, 0, 1])
    case("permute_neg", "permute", [x], dims=[-1, -3, -2])
    case("flatten", "flatten", [x])
    case("flattenRange", "flattenRange", [vals((2, 3, 4, 2), 90)], start=1, end=2)
    case("flattenRange_neg", "flattenRange", [vals((2, 3, 4, 2), 91)], start=-3, end=-1)
    case("cat_0", "cat", [vals((2, 3), 92), vals((1, 3), 93), vals((3, 3), 94)], dim=0)
    case("cat_neg", "cat", [vals((2, 3), 95), vals((2, 1), 96)], dim=-1)
    case("stack_0", "stack", [vals((2, 3), 97), vals((2, 3), 98)], dim=0)
    case("stack_last", "stack", [vals((2, 3), 99), vals((2, 3), 100), vals((2, 3), 101)], dim=-1)
    case("split_even", "split", [vals((4, 3), 102)], size=2, dim=0)
    case("split_uneven", "split", [vals((2, 5), 103)], size=2, dim=-1)
    case("chunk", "chunk", [vals((2, 5), 104)], n=3, dim=1)
    case("chunk_fewer", "chunk", [vals((5, 2), 105)], n=4, dim=0)
    case("repeat", "repeat", [vals((2, 3), 106)], repeats=[2, 1])
    case("repeat_new_dims", "repeat", [vals((2, 3), 107)], repeats=[2, 1, 3])
    for d in (0, 1, -1):
        case(f"tril_{d}", "tril", [vals((3, 4), 108)], diagonal=d)
        case(f"triu_{d}", "triu", [vals((3, 4), 109)], diagonal=d)
    case("tril_batched", "tril", [vals((2, 3, 3), 110)], diagonal=0)


def indexing():
    x = vals((4, 3), 111)
    case("indexSelect_0", "indexSelect", [x], [idx([3, 0, 3])], dim=0)
    case("indexSelect_neg", "indexSelect", [x], [idx([2, 1])], dim=-1)
    case("gather_1", "gather", [x], [idx([[0, 2], [1, 1], [2, 0], [0, 0]])], dim=1)
    case("gather_0", "gather", [x], [idx([[3, 0, 1], [0, 0, 2]])], dim=0)
    case("scatterAdd_0", "scatterAdd", [vals((3, 4), 112), vals((2, 4), 113)], [idx([[0, 2, 1, 0], [2, 2, 0, 1]])],
         dim=0)
    case("scatterAdd_1_repeated", "scatterAdd", [vals((2, 3), 114), vals((2, 4), 115)],
         [idx([[0, 0, 2, 0], [1, 2, 2, 1]])], dim=1)


def nn():
    case("linear", "linear", [vals((3, 4), 120), vals((5, 4), 121), vals((5,), 122)])
    case("linear_3d_no_bias", "linear", [vals((2, 3, 4), 123), vals((5, 4), 124)])
    conv = dict(stride=1, padding=0, dilation=1, groups=1)
    case("conv1d", "conv1d", [vals((2, 3, 7), 125), vals((4, 3, 3), 126), vals((4,), 127)], **conv)
    case("conv1d_all", "conv1d", [vals((2, 4, 11), 128), vals((6, 2, 3), 129), vals((6,), 130)],
         stride=2, padding=2, dilation=2, groups=2)
    case("conv1d_no_bias", "conv1d", [vals((1, 2, 6), 131), vals((3, 2, 2), 132)], **conv)
    case("conv2d", "conv2d", [vals((2, 3, 5, 6), 133), vals((4, 3, 3, 3), 134), vals((4,), 135)], **conv)
    case("conv2d_all", "conv2d", [vals((2, 4, 7, 7), 136), vals((6, 2, 3, 3), 137), vals((6,), 138)],
         stride=2, padding=1, dilation=2, groups=2)
    case("conv2d_no_bias_unbatched", "conv2d", [vals((2, 5, 5), 139), vals((3, 2, 2, 2), 140)],
         stride=1, padding=1, dilation=1, groups=1)
    case("maxPool2d", "maxPool2d", [vals((2, 3, 6, 6), 141)], kernel=2, stride=2, padding=0)
    case("maxPool2d_overlap_pad", "maxPool2d", [vals((1, 2, 5, 7), 142)], kernel=3, stride=2, padding=1)
    case("avgPool2d", "avgPool2d", [vals((2, 3, 6, 6), 143)], kernel=2, stride=2, padding=0)
    case("avgPool2d_pad", "avgPool2d", [vals((1, 2, 5, 7), 144)], kernel=3, stride=2, padding=1)
    case("adaptiveAvgPool2d_uneven", "adaptiveAvgPool2d", [vals((2, 3, 5, 7), 145)], h=3, w=2)
    case("adaptiveAvgPool2d_global", "adaptiveAvgPool2d", [vals((2, 3, 4, 4), 146)], h=1, w=1)
    stats = [vals((3,), 147, scale=0.2), positive((3,), 148)]
    bn = dict(momentum=0.1, eps=1e-5)
    case("batchNorm_train", "batchNorm", [vals((4, 3, 2), 149), positive((3,), 150), vals((3,), 151)], stats,
         training=True, **bn)
    case("batchNorm_train_4d", "batchNorm", [vals((2, 3, 2, 2), 152), positive((3,), 153), vals((3,), 154)], stats,
         training=True, **bn)
    case("batchNorm_eval", "batchNorm", [vals((4, 3), 155), positive((3,), 156), vals((3,), 157)], stats,
         training=False, **bn)
    case("batchNorm_no_affine_no_stats", "batchNorm", [vals((5, 3), 158)], [None, None], training=True, **bn)
    case("dropout_eval", "dropout", [vals((3, 4), 159)], p=0.5, training=False)
    case("dropout_p0", "dropout", [vals((3, 4), 160)], p=0.0, training=True)
    case("dropout_p1", "dropout", [vals((3, 4), 161)], p=1.0, training=True)
    case("leakyRelu", "leakyRelu", [vals((3, 4), 162)], slope=0.05)
    case("layerNorm", "layerNorm", [vals((2, 3, 4), 163), positive((4,), 164), vals((4,), 165)], shape=[4],
         eps=1e-5)
    case("layerNorm_2d_shape", "layerNorm", [vals((2, 3, 4), 166), positive((3, 4), 167), vals((3, 4), 168)],
         shape=[3, 4], eps=1e-5)
    case("layerNorm_no_affine", "layerNorm", [vals((3, 5), 169)], shape=[5], eps=1e-5)
    case("embedding", "embedding", [vals((5, 3), 170)], [idx([[0, 4], [4, 2]])])
    for op in ("gelu", "silu", "softplus"):
        case(op, op, [vals((3, 4), 171, scale=3)])
    case("softplus_threshold", "softplus", [T([[19.5, 20.0, 20.5], [-25.0, 30.0, 0.0]])])
    q, k, v = vals((2, 3, 4), 172), vals((2, 5, 4), 173), vals((2, 5, 3), 174)
    case("scaledDotProductAttention", "scaledDotProductAttention", [q, k, v], causal=False)
    case("scaledDotProductAttention_bool_mask", "scaledDotProductAttention", [q, k, v],
         [mask([[True, False, True, True, False], [True, True, True, False, False], [False, True, True, True, True]])],
         causal=False)
    case("scaledDotProductAttention_float_mask", "scaledDotProductAttention", [q, k, v],
         [vals((3, 5), 175)], causal=False)
    sq = vals((2, 4, 4), 176)
    case("scaledDotProductAttention_causal", "scaledDotProductAttention",
         [sq, vals((2, 4, 4), 177), vals((2, 4, 2), 178)], causal=True)
    logits, target = vals((4, 5), 179, scale=2), idx([1, 0, 4, 1])
    case("crossEntropy", "crossEntropy", [logits], [target])
    case("crossEntropy_ignore_smoothing", "crossEntropySmoothed", [logits], [target], ignoreIndex=0,
         labelSmoothing=0.1)
    case("crossEntropy_spatial", "crossEntropy", [vals((2, 3, 2, 2), 180)], [idx([[[0, 2], [1, 1]], [[2, 0], [0, 1]]])])
    case("nllLoss", "nllLoss", [torch.log_softmax(vals((4, 5), 181), 1)], [idx([3, 0, 0, 2])])
    case("binaryCrossEntropyWithLogits", "binaryCrossEntropyWithLogits", [vals((3, 4), 182, scale=3),
                                                                          positive((3, 4), 183) / 2])


def main():
    pointwise()
    conversions()
    inplace()
    reductions()
    linear_algebra()
    views()
    indexing()
    nn()
    write("jvp.json", CASES)


if __name__ == "__main__":
    main()
