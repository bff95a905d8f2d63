#!/usr/bin/python3
"""Writes tensor_ops.json: the tensor ops of the second stage (permute ... scatterAdd, sign), their
values and gradients evaluated by PyTorch, for TensorOpsReferenceTest.

Run from anywhere with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/reference/make_tensor_ops.py

Inputs, encoding and error cases are those of make_reference.py (whose docstring defines a
tensor and "prep"), with three additions per case:

    "expected": a list of tensors (one for ops with one result; split and chunk give several),
    "gradFn": the name of torch's grad_fn of the first result, when an input requires grad,
    "weights" and "grads": for ops differentiable in some floating input, the loss is
        sum over results i of (result_i * weights[i]).sum(), and grads[k] is its gradient with
        respect to input k as built (before its prep), or null for an input that does not require
        grad (integer and bool inputs, and the few floating ones a case holds constant).

The output is deterministic: rerunning the script gives the same file.
"""

import torch

from make_reference import (BOOL, F32, F64, I64, INF, NAN, T, dn, enc, enc_arg, positive, prepped, randbool, randint,
                            randn, write)

FLOATS = (F32, F64)


def apply(op, xs, a):
    """Evaluates one op exactly as TensorOpsReferenceTest maps it onto Nabla's API; a list of results."""
    x = xs[0]
    if op == "permute":
        r = x.permute(a["dims"])
    elif op == "flatten":
        r = x.flatten()
    elif op == "flattenRange":
        r = x.flatten(a["start"], a["end"])
    elif op == "stack":
        r = torch.stack(xs, a["dim"])
    elif op == "split":
        return list(x.split(a["size"], a["dim"]))
    elif op == "chunk":
        return list(x.chunk(a["n"], a["dim"]))
    elif op == "repeat":
        r = x.repeat(*a["repeats"])
    elif op == "bmm":
        r = xs[0].bmm(xs[1])
    elif op == "cumsum":
        r = x.cumsum(a["dim"])
    elif op in ("var", "std", "logsumexp", "amax"):
        r = getattr(torch, op)(x, a["dim"], keepdim=a["keepDim"])
    elif op in ("min", "max"):
        r = getattr(x, op)()
    elif op == "argmin":
        r = x.argmin(a["dim"])
    elif op in ("tril", "triu"):
        r = getattr(x, op)(a["diagonal"])
    elif op in ("log1p", "rsqrt", "sign"):
        r = getattr(x, op)()
    elif op == "scatterAdd":
        r = xs[0].scatter_add(a["dim"], xs[1], xs[2])
    else:
        raise ValueError("unknown op " + op)
    return [r]


CASES = []
NAMES = set()
_weights_seed = [5000]


def weights_like(t):
    _weights_seed[0] += 1
    g = torch.Generator().manual_seed(_weights_seed[0])
    w = torch.randn(t.shape, generator=g, dtype=F64)
    return (torch.round(w * 1000) / 1000).to(t.dtype)


def case(name, op, inputs=(), args=None, preps=None, error=None, constant=()):
    """Records one case; error: a substring Nabla's message must contain, for a case torch rejects;
    constant: indices of floating inputs that get no gradient."""
    assert name not in NAMES, "duplicate case " + name
    NAMES.add(name)
    args = args or {}
    preps = preps or [None] * len(inputs)
    leaves = [x.clone().requires_grad_(x.dtype.is_floating_point and i not in constant) for i, x in enumerate(inputs)]
    c = {"name": name, "op": op, "inputs": [enc(x, p) for x, p in zip(inputs, preps)],
         "args": {k: enc_arg(v) for k, v in args.items()}}
    try:
        outs = apply(op, [prepped(x, p or []) for x, p in zip(leaves, preps)], args)
    except (RuntimeError, IndexError, ValueError, TypeError) as e:
        if error is None:
            raise AssertionError(name + ": torch raised " + repr(e))
        c["error"] = type(e).__name__ + ": " + str(e).split("\n")[0]
        c["message"] = error
        CASES.append(c)
        return
    if error is not None:
        raise AssertionError(name + ": expected torch to raise, got " + str(outs))
    c["expected"] = [enc(o.detach()) for o in outs]
    if outs[0].grad_fn is not None:
        c["gradFn"] = outs[0].grad_fn.name()
    differentiable = [o for o in outs if o.requires_grad]
    if differentiable:
        weights = [weights_like(o) for o in outs]
        loss = sum((o * w).sum() for o, w in zip(outs, weights) if o.requires_grad)
        wrt = [x for x in leaves if x.requires_grad]
        grads = iter(torch.autograd.grad(loss, wrt, allow_unused=True))
        c["weights"] = [enc(w) for w in weights]
        c["grads"] = []
        for x in leaves:
            g = next(grads) if x.requires_grad else None
            if x.requires_grad and g is None:
                g = torch.zeros_like(x)
            c["grads"].append(None if g is None else enc(g))
    CASES.append(c)


# ------------------------------------------------------------------ shaping


def shaping_cases():
    for dt in FLOATS:
        d = dn(dt)
        x3 = randn([2, 3, 4], dt)
        case(f"permute_{d}", "permute", [x3], {"dims": [2, 0, 1]})
        case(f"permute_{d}_negative", "permute", [x3], {"dims": [-1, -3, 1]})
        case(f"permute_{d}_transposed", "permute", [randn([4, 3], dt)], {"dims": [1, 0]}, preps=[[["t"]]])
        case(f"flatten_{d}", "flatten", [x3])
        case(f"flatten_{d}_transposed", "flatten", [randn([3, 4], dt)], preps=[[["t"]]])
        case(f"flattenRange_{d}", "flattenRange", [randn([2, 3, 4, 2], dt)], {"start": 1, "end": 2})
        case(f"flattenRange_{d}_negative", "flattenRange", [x3], {"start": -2, "end": -1})
        case(f"flattenRange_{d}_narrowed", "flattenRange", [x3], {"start": 0, "end": 1}, preps=[[["narrow", 2, 1, 2]]])
        case(f"stack_{d}_0", "stack", [randn([2, 3], dt), randn([2, 3], dt), randn([2, 3], dt)], {"dim": 0})
        case(f"stack_{d}_1", "stack", [randn([2, 3], dt), randn([3, 2], dt)], {"dim": 1}, preps=[None, [["t"]]])
        case(f"stack_{d}_last", "stack", [randn([2, 3], dt), randn([2, 3], dt)], {"dim": -1})
        case(f"split_{d}_even", "split", [randn([6, 2], dt)], {"size": 2, "dim": 0})
        case(f"split_{d}_ragged", "split", [randn([2, 7], dt)], {"size": 3, "dim": -1})
        case(f"split_{d}_larger", "split", [randn([2, 3], dt)], {"size": 5, "dim": 1})
        case(f"chunk_{d}_even", "chunk", [randn([2, 6], dt)], {"n": 3, "dim": 1})
        case(f"chunk_{d}_ragged", "chunk", [randn([5, 2], dt)], {"n": 2, "dim": 0})
        case(f"chunk_{d}_fewer", "chunk", [randn([6], dt)], {"n": 4, "dim": 0})
        case(f"chunk_{d}_more_than_size", "chunk", [randn([2, 3], dt)], {"n": 5, "dim": -1})
        case(f"repeat_{d}", "repeat", [randn([2, 3], dt)], {"repeats": [2, 3]})
        case(f"repeat_{d}_new_dims", "repeat", [randn([3], dt)], {"repeats": [2, 1, 2]})
        case(f"repeat_{d}_expanded", "repeat", [randn([3, 1], dt)], {"repeats": [1, 2, 2]}, preps=[[["expand", [3, 2]]]])
        case(f"repeat_{d}_zero", "repeat", [randn([2, 3], dt)], {"repeats": [0, 2]})
        case(f"repeat_{d}_zero_dim", "repeat", [randn([], dt)], {"repeats": [3, 2]})
        for diag in (0, 1, -1, 5, -5):
            case(f"tril_{d}_{diag}".replace("-", "m"), "tril", [randn([3, 4], dt)], {"diagonal": diag})
            case(f"triu_{d}_{diag}".replace("-", "m"), "triu", [randn([4, 3], dt)], {"diagonal": diag})
        case(f"tril_{d}_batched_transposed", "tril", [randn([2, 4, 3], dt)], {"diagonal": 0}, preps=[[["transpose", 1, 2]]])
        case(f"triu_{d}_batched", "triu", [randn([2, 3, 3], dt)], {"diagonal": 1})
    x = randn([2, 3])
    case("permute_zero_dim", "permute", [randn([])], {"dims": []})
    case("permute_i64", "permute", [randint([2, 3], -9, 9)], {"dims": [1, 0]})
    case("permute_wrong_count", "permute", [x], {"dims": [0]}, error="input.dim() = 2 is not equal to len(dims) = 1")
    case("permute_duplicate", "permute", [x], {"dims": [0, 0]}, error="duplicate dims are not allowed")
    case("permute_duplicate_negative", "permute", [x], {"dims": [1, -1]}, error="duplicate dims are not allowed")
    case("permute_out_of_range", "permute", [x], {"dims": [0, 2]}, error="permute: dimension out of range")
    case("flatten_zero_dim", "flatten", [randn([])])
    case("flatten_bool", "flatten", [randbool([2, 2])])
    case("flatten_empty", "flatten", [randn([2, 0, 3])])
    case("flattenRange_same", "flattenRange", [x], {"start": 1, "end": 1})
    case("flattenRange_zero_dim", "flattenRange", [randn([])], {"start": 0, "end": -1})
    case("flattenRange_reversed", "flattenRange", [x], {"start": 1, "end": 0}, error="start_dim cannot come after end_dim")
    case("flattenRange_out_of_range", "flattenRange", [x], {"start": 0, "end": 3}, error="flatten: dimension out of range")
    case("stack_zero_dim", "stack", [randn([]), randn([])], {"dim": 0})
    case("stack_one", "stack", [randn([3])], {"dim": 1})
    case("stack_promotes", "stack", [randn([2]), randn([2], F64)], {"dim": 0})
    case("stack_i64", "stack", [randint([2], -9, 9), randint([2], -9, 9)], {"dim": 0})
    case("stack_bool", "stack", [randbool([2]), randbool([2])], {"dim": -1})
    case("stack_sizes_differ", "stack", [x, randn([2, 4])], {"dim": 0},
         error="stack expects each tensor to be equal size, but got [2, 3] at entry 0 and [2, 4] at entry 1")
    case("stack_out_of_range", "stack", [x, x], {"dim": 3}, error="stack: dimension out of range")
    case("split_i64", "split", [randint([5], -9, 9)], {"size": 2, "dim": 0})
    case("split_empty_dim", "split", [randn([0, 2])], {"size": 0, "dim": 0})
    case("split_empty_dim_size_two", "split", [randn([0, 2])], {"size": 2, "dim": 0})
    case("split_negative", "split", [x], {"size": -1, "dim": 0}, error="split expects split_size be non-negative")
    case("split_zero", "split", [x], {"size": 0, "dim": 1}, error="split_size can only be 0 if dimension size is 0")
    case("split_zero_dim", "split", [randn([])], {"size": 1, "dim": 0}, error="split expects at least a 1-dimensional tensor")
    case("split_out_of_range", "split", [x], {"size": 1, "dim": -3}, error="split: dimension out of range")
    case("chunk_bool", "chunk", [randbool([3, 2])], {"n": 2, "dim": 0})
    case("chunk_empty_dim", "chunk", [randn([0, 2])], {"n": 3, "dim": 0})
    case("chunk_zero", "chunk", [x], {"n": 0, "dim": 0}, error="chunk expects `chunks` to be greater than 0, got: 0")
    case("chunk_negative", "chunk", [x], {"n": -2, "dim": 0}, error="chunk expects `chunks` to be greater than 0, got: -2")
    case("chunk_zero_dim", "chunk", [randn([])], {"n": 1, "dim": 0}, error="chunk expects at least a 1-dimensional tensor")
    case("repeat_i64", "repeat", [randint([2], -9, 9)], {"repeats": [2, 2]})
    case("repeat_bool", "repeat", [randbool([2])], {"repeats": [3]})
    case("repeat_too_few", "repeat", [x], {"repeats": [2]}, error="Number of dimensions of repeat dims can not be smaller")
    case("repeat_negative", "repeat", [x], {"repeats": [-1, 2]},
         error="Trying to create tensor with negative dimension -2: [-2, 6]")
    case("tril_i64", "tril", [randint([3, 3], -9, 9)], {"diagonal": 0})
    case("triu_bool", "triu", [randbool([3, 4])], {"diagonal": -1})
    case("tril_empty", "tril", [randn([0, 3])], {"diagonal": 0})
    case("tril_1d", "tril", [randn([3])], {"diagonal": 0}, error="tril: input tensor must have at least 2 dimensions")
    case("triu_zero_dim", "triu", [randn([])], {"diagonal": 0}, error="triu: input tensor must have at least 2 dimensions")

# ------------------------------------------------------------------ products, reductions, scans


def product_and_reduction_cases():
    for dt in FLOATS:
        d = dn(dt)
        case(f"bmm_{d}", "bmm", [randn([2, 3, 4], dt), randn([2, 4, 5], dt)])
        case(f"bmm_{d}_transposed", "bmm", [randn([2, 4, 3], dt), randn([2, 5, 4], dt)],
             preps=[[["transpose", 1, 2]], [["transpose", 1, 2]]])
        case(f"bmm_{d}_expanded", "bmm", [randn([1, 3, 4], dt), randn([3, 4, 2], dt)], preps=[[["expand", [3, 3, 4]]], None])
        for dim in (0, 1, -1):
            case(f"cumsum_{d}_{dim}".replace("-", "m"), "cumsum", [randn([3, 4], dt)], {"dim": dim})
        case(f"cumsum_{d}_transposed", "cumsum", [randn([4, 3], dt)], {"dim": 1}, preps=[[["t"]]])
        case(f"cumsum_{d}_3d", "cumsum", [randn([2, 3, 4], dt)], {"dim": 1})
        case(f"cumsum_{d}_long_row", "cumsum", [randn([2, 300], dt)], {"dim": 1})
        case(f"cumsum_{d}_zero_dim", "cumsum", [randn([], dt)], {"dim": 0})
        for op in ("var", "std", "logsumexp", "amax"):
            for dim, keep in ((0, False), (1, True), (-1, False)):
                case(f"{op}_{d}_{dim}_{keep}".replace("-", "m"), op, [randn([3, 4], dt)], {"dim": dim, "keepDim": keep})
            case(f"{op}_{d}_3d", op, [randn([2, 3, 4], dt)], {"dim": 1, "keepDim": False})
            case(f"{op}_{d}_transposed", op, [randn([4, 3], dt)], {"dim": 1, "keepDim": True}, preps=[[["t"]]])
            case(f"{op}_{d}_expanded", op, [randn([3, 1], dt)], {"dim": 1, "keepDim": False}, preps=[[["expand", [3, 4]]]])
        case(f"min_{d}", "min", [randn([3, 4], dt)])
        case(f"min_{d}_transposed", "min", [randn([4, 3], dt)], preps=[[["t"]]])
        for dim in (0, 1, -1):
            case(f"argmin_{d}_{dim}".replace("-", "m"), "argmin", [randn([3, 4], dt)], {"dim": dim})
        case(f"log1p_{d}", "log1p", [positive([3, 4], dt).sub(0.5)])
        case(f"log1p_{d}_small", "log1p", [T([1e-10, -1e-12, 3e-8, 0.0], dt)])
        case(f"log1p_{d}_special", "log1p", [T([-1.0, -2.0, INF, NAN, -0.0], dt)])
        case(f"rsqrt_{d}", "rsqrt", [positive([3, 4], dt)])
        case(f"rsqrt_{d}_special", "rsqrt", [T([0.0, -0.0, -1.0, INF, NAN, 1e-30], dt)])
        case(f"rsqrt_{d}_transposed", "rsqrt", [positive([4, 3], dt)], preps=[[["t"]]])
        x = randn([3, 4], dt)
        case(f"scatterAdd_{d}_0", "scatterAdd", [x, T([[0, 1, 2, 0], [2, 2, 1, 0]], I64), randn([2, 4], dt)], {"dim": 0})
        case(f"scatterAdd_{d}_1", "scatterAdd", [x, T([[3, 0], [1, 1], [0, 3]], I64), randn([3, 2], dt)], {"dim": 1})
        # torch 1.13's backward fails for src larger than index (its gradient has index's shape), so src is
        # constant here; gradcheck covers Nabla's gradient for it.
        case(f"scatterAdd_{d}_src_larger", "scatterAdd", [x, T([[1, 1], [0, 0]], I64), randn([3, 3], dt)], {"dim": -1},
             constant=(2,))
        case(f"scatterAdd_{d}_transposed", "scatterAdd", [randn([4, 3], dt), T([[0, 2, 2]], I64), randn([1, 3], dt)],
             {"dim": 0}, preps=[[["t"]], [["t"]], [["t"]]])
    # Ties share the gradient evenly; NaN wins; an infinite row stays finite where it can.
    case("amax_f64_ties", "amax", [T([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], F64)], {"dim": 1, "keepDim": False})
    case("amax_f32_nan", "amax", [T([[1.0, NAN, 3.0], [-INF, -INF, -INF]])], {"dim": 1, "keepDim": False})
    case("amax_i64", "amax", [randint([3, 4], -9, 9)], {"dim": 0, "keepDim": True})
    case("amax_bool", "amax", [randbool([3, 4])], {"dim": 1, "keepDim": False})
    case("amax_zero_dim", "amax", [T(2.5, F64)], {"dim": 0, "keepDim": False})
    case("amax_empty_dim", "amax", [randn([2, 0])], {"dim": 1, "keepDim": False},
         error="amax(): Expected reduction dim 1 to have non-zero size")
    case("amax_out_of_range", "amax", [randn([2, 3])], {"dim": 2, "keepDim": False}, error="amax: dimension out of range")
    case("min_f64_ties", "min", [T([[1.0, -3.0], [-3.0, 2.0]], F64)])
    case("min_f32_nan", "min", [T([1.0, NAN, -3.0])])
    case("max_f64_nan", "max", [T([1.0, NAN, 3.0, NAN], F64)])
    case("max_empty", "max", [randn([0, 3])], error="max(): Expected reduction dim to be specified for input.numel() == 0")
    case("min_i64", "min", [T([5, -(2 ** 62), 7], I64)])
    case("min_bool", "min", [T([True, False], BOOL)])
    case("min_zero_dim", "min", [T(-1.5, F64)])
    case("min_empty", "min", [randn([0, 3])], error="min(): Expected reduction dim to be specified for input.numel() == 0")
    case("argmin_ties_first", "argmin", [T([[2.0, 1.0, 1.0], [0.0, -0.0, 0.0]])], {"dim": 1})
    case("argmin_nan", "argmin", [T([1.0, NAN, -3.0, NAN], F64)], {"dim": 0})
    case("argmin_i64_extremes", "argmin", [T([[0, -(2 ** 63)], [2 ** 63 - 1, 5]], I64)], {"dim": 1})
    case("argmin_bool", "argmin", [T([[True, False, False], [True, True, True]], BOOL)], {"dim": 1},
         error="argmin: not implemented for bool")
    case("argmin_zero_dim", "argmin", [T(3.0)], {"dim": 0})
    case("argmin_empty_dim", "argmin", [randn([2, 0])], {"dim": 1}, error="argmin(): Expected reduction dim 1 to have non-zero size")
    case("argmin_out_of_range", "argmin", [randn([2, 3])], {"dim": -3}, error="argmin: dimension out of range")
    case("cumsum_i64", "cumsum", [randint([2, 5], -9, 9)], {"dim": 1})
    case("cumsum_i64_wraps", "cumsum", [T([2 ** 62, 2 ** 62, 2 ** 62], I64)], {"dim": 0})
    case("cumsum_bool", "cumsum", [randbool([6])], {"dim": 0})
    case("cumsum_f32_special", "cumsum", [T([1.0, INF, -INF, 2.0, NAN, 3.0])], {"dim": 0})
    # torch sums float32 rows in double: 2^24 + 1 + 1 is 2^24 + 2, where a float sum would stay at 2^24.
    case("cumsum_f32_past_2_24", "cumsum", [T([2.0 ** 24, 1.0, 1.0, 1.0, 1.0])], {"dim": 0})
    case("cumsum_empty", "cumsum", [randn([2, 0])], {"dim": 1})
    case("cumsum_out_of_range", "cumsum", [randn([2, 3])], {"dim": 2}, error="cumsum: dimension out of range")
    for op in ("var", "std"):
        case(f"{op}_one_element", op, [randn([3, 1], F64)], {"dim": 1, "keepDim": False})
        # torch 1.13 differentiates var of a 0-d tensor (a NaN) to infinity; Nabla gives NaN, as for one element.
        case(f"{op}_zero_dim", op, [T(2.0, F64)], {"dim": 0, "keepDim": False}, constant=(0,))
        case(f"{op}_constant_row", op, [T([[1.5, 1.5, 1.5], [1.0, 2.0, 4.0]], F64)], {"dim": 1, "keepDim": False})
        case(f"{op}_i64", op, [randint([3], -9, 9)], {"dim": 0, "keepDim": False},
             error="std and var only support floating point and complex dtypes")
        case(f"{op}_out_of_range", op, [randn([3])], {"dim": 1, "keepDim": False}, error=f"{op}: dimension out of range")
    case("var_f32_large_mean", "var", [T([1e4 + 0.5, 1e4 - 0.25, 1e4 + 1.0, 1e4])], {"dim": 0, "keepDim": False})
    case("logsumexp_f64_large", "logsumexp", [T([[1000.0, 1000.5], [-1000.0, -999.0]], F64)], {"dim": 1, "keepDim": False})
    case("logsumexp_f32_infinite", "logsumexp", [T([[-INF, -INF], [INF, 1.0], [-INF, 0.0]])], {"dim": 1, "keepDim": True})
    case("logsumexp_i64", "logsumexp", [randint([2, 3], -5, 5)], {"dim": 1, "keepDim": False})
    case("logsumexp_bool", "logsumexp", [randbool([3])], {"dim": 0, "keepDim": False})
    case("logsumexp_zero_dim", "logsumexp", [T(0.5, F64)], {"dim": -1, "keepDim": False})
    case("logsumexp_empty_dim", "logsumexp", [randn([2, 0])], {"dim": 1, "keepDim": False})
    case("logsumexp_out_of_range", "logsumexp", [randn([2, 3])], {"dim": -3, "keepDim": False},
         error="logsumexp: dimension out of range")
    case("log1p_i64", "log1p", [randint([4], 0, 9)])
    case("rsqrt_bool", "rsqrt", [randbool([4])])
    case("bmm_i64", "bmm", [randint([2, 2, 3], -5, 5), randint([2, 3, 2], -5, 5)])
    case("bmm_empty_batch", "bmm", [randn([0, 2, 3]), randn([0, 3, 4])])
    case("bmm_zero_inner", "bmm", [randn([2, 2, 0], F64), randn([2, 0, 3], F64)])
    case("bmm_inner_mismatch", "bmm", [randn([2, 3, 4]), randn([2, 5, 4])],
         error="Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [2, 5].")
    case("bmm_batch_mismatch", "bmm", [randn([2, 3, 4]), randn([3, 4, 4])],
         error="Expected size for first two dimensions of batch2 tensor to be: [2, 4] but got: [3, 4].")
    case("bmm_2d_first", "bmm", [randn([3, 4]), randn([3, 4, 4])], error="batch1 must be a 3D tensor")
    case("bmm_2d_second", "bmm", [randn([2, 3, 4]), randn([4, 4])], error="batch2 must be a 3D tensor")
    case("bmm_dtypes_differ", "bmm", [randn([2, 3, 4]), randn([2, 4, 4], F64)], error="bmm")
    x = randn([3, 3], F64)
    case("scatterAdd_i64", "scatterAdd", [randint([2, 3], -9, 9), T([[1, 0, 1]], I64), randint([1, 3], -9, 9)], {"dim": 0})
    case("scatterAdd_repeated_index", "scatterAdd", [x, T([[2, 2, 2], [2, 2, 2]], I64), randn([2, 3], F64)], {"dim": 0})
    case("scatterAdd_zero_dim", "scatterAdd", [T(1.0, F64), T(0, I64), T(2.5, F64)], {"dim": 0})
    case("scatterAdd_empty_index", "scatterAdd", [x, torch.zeros([0, 3], dtype=I64), randn([2, 3], F64)], {"dim": 0},
         constant=(2,))
    case("scatterAdd_dtypes_differ", "scatterAdd", [randn([3, 3]), T([[0]], I64), randn([1, 1], F64)], {"dim": 0},
         error="Expected self.dtype to be equal to src.dtype")
    case("scatterAdd_float_index", "scatterAdd", [x, T([[0.0]], F64), randn([1, 1], F64)], {"dim": 0}, error="int64")
    case("scatterAdd_index_dims", "scatterAdd", [x, T([0, 1], I64), randn([2, 2], F64)], {"dim": 0},
         error="Index tensor must have the same number of dimensions")
    case("scatterAdd_index_larger_than_src", "scatterAdd", [x, torch.zeros([2, 4], dtype=I64), randn([2, 4], F64)],
         {"dim": 0}, error="Expected index [2, 4] to be smaller than self [3, 3] apart from dimension 0")
    case("scatterAdd_index_larger_than_src_only", "scatterAdd", [x, torch.zeros([2, 2], dtype=I64), randn([1, 2], F64)],
         {"dim": 0}, error="to be smaller size than src [1, 2]")
    case("scatterAdd_index_out_of_range", "scatterAdd", [x, T([[3]], I64), randn([1, 2], F64)], {"dim": 0},
         error="index 3 is out of bounds for dimension 0 with size 3")
    case("scatterAdd_index_negative", "scatterAdd", [x, T([[-1]], I64), randn([1, 2], F64)], {"dim": 0},
         error="index -1 is out of bounds for dimension 0 with size 3")
    case("scatterAdd_out_of_range", "scatterAdd", [x, T([[0]], I64), randn([1, 2], F64)], {"dim": 2},
         error="scatterAdd: dimension out of range")


def sign_cases():
    """Tensor.sign, declared with UnaryOp.SIGN; its gradient is zero. Generated last, so that the
    random inputs of the cases above stay as they were. No NaN: torch 1.13 gives sign(NaN) = 0,
    Nabla keeps NaN (Java's Math.signum, NumPy's sign), as its kernels always have."""
    for dt in FLOATS:
        d = dn(dt)
        case(f"sign_{d}", "sign", [randn([3, 4], dt)])
        case(f"sign_{d}_special", "sign", [T([0.0, -0.0, -2.0, INF, -INF, 1e-30], dt)])
        case(f"sign_{d}_transposed", "sign", [randn([4, 3], dt)], preps=[[["t"]]])
    case("sign_i64", "sign", [randint([5], -9, 9)])


def main():
    shaping_cases()
    product_and_reduction_cases()
    sign_cases()
    write("tensor_ops.json", CASES)


if __name__ == "__main__":
    main()
