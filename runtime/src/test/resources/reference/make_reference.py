#!/usr/bin/python3
"""Writes ops.json: Nabla's forward ops evaluated by PyTorch, for OpReferenceTest.

Run from anywhere with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/reference/make_reference.py

Every input is built here from fixed values or from a seeded generator rounded to a few
decimals, and stored explicitly in the JSON, so the Java side never reproduces torch's RNG.
The output is deterministic: rerunning the script gives the same file.

File format: {"torch": version, "cases": [case, ...]}, one case per line, where a case is

    {"name": unique id, "op": a name apply() below evaluates, "inputs": [tensor, ...], "args": {...},
     "expected": tensor}                                    (a value case), or
    {..., "error": "TorchError: message", "message": "substring of Nabla's message"}

and a tensor is {"dtype": "float32"|"float64"|"int64"|"bool", "shape": [...],
"values": [row-major flat values], "prep": [[view op, args...], ...]}. Non-finite floats are
the strings "NaN", "Infinity" and "-Infinity" (what Java's Double.parseDouble reads), in
values and args alike. OpReferenceTest maps each op name onto Nabla's public API.
"prep" (optional) lists view ops applied to the input after it is built, so that kernels
also see transposed, narrowed and expanded (stride 0) operands.

A Java double argument (add(double), clamp(double, double)...) is Nabla's 0-dim operand:
of the tensor's dtype when that is floating, else int64 for a whole number and float32
otherwise (Pointwise.scalarLike), which is what torch does with a Python int (whole
numbers next to int64 and bool tensors) or float (everything else): python_scalar below.
"""

import json
import math
import os

import numpy as np
import torch

F32, F64, I64, BOOL = torch.float32, torch.float64, torch.int64, torch.bool
DTYPES = {F32: "float32", F64: "float64", I64: "int64", BOOL: "bool"}
BY_NAME = {v: k for k, v in DTYPES.items()}
FLOATS = (F32, F64)

# ------------------------------------------------------------------ inputs

_seed = [1000]


def _gen():
    _seed[0] += 1
    return torch.Generator().manual_seed(_seed[0])


def randn(shape, dtype=F32, scale=1.0, decimals=3):
    """Normal samples times scale, rounded to a few decimals, then cast."""
    x = torch.randn(shape, generator=_gen(), dtype=F64) * scale
    return (torch.round(x * 10 ** decimals) / 10 ** decimals).to(dtype)


def positive(shape, dtype=F32):
    return randn(shape, F64).abs().add(0.1).to(dtype)


def randint(shape, low, high):
    return torch.randint(low, high, shape, generator=_gen(), dtype=I64)


def randbool(shape):
    return torch.rand(shape, generator=_gen()) > 0.5


def T(values, dtype=F32):
    return torch.tensor(values, dtype=dtype)


NAN, INF = float("nan"), float("inf")

# ------------------------------------------------------------------ ops, as Nabla defines them


def python_scalar(x, v):
    """A Java double argument as the Python number with the same meaning next to tensor x."""
    if not x.dtype.is_floating_point and float(v).is_integer():
        return int(v)
    return float(v)


def scalar_operand(x, v):
    """The 0-dim tensor Nabla makes of a Java double argument, for ops torch takes no number for."""
    if x.dtype.is_floating_point:
        return torch.tensor(v, dtype=x.dtype)
    if float(v).is_integer():
        return torch.tensor(int(v), dtype=I64)
    return torch.tensor(v, dtype=F32)


BINARY = {
    "add": torch.add, "sub": torch.sub, "mul": torch.mul, "div": torch.div, "pow": torch.pow,
    "maximum": torch.maximum, "minimum": torch.minimum,
    "gt": torch.gt, "ge": torch.ge, "lt": torch.lt, "le": torch.le, "eq": torch.eq, "ne": torch.ne,
}
UNARY = {
    "neg": torch.neg, "abs": torch.abs, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt,
    "sin": torch.sin, "cos": torch.cos, "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
}


def apply(op, xs, a):
    """Evaluates one op exactly as OpReferenceTest maps it onto Nabla's API."""
    if op in BINARY:
        return BINARY[op](xs[0], xs[1])
    if op.endswith("Scalar") and op[:-6] in BINARY:
        name = op[:-6]
        operand = scalar_operand if name in ("maximum", "minimum") else python_scalar
        return BINARY[name](xs[0], operand(xs[0], a["value"]))
    if op in UNARY:
        return UNARY[op](xs[0])
    x = xs[0] if xs else None
    if op == "clamp":
        return torch.clamp(x, _bound(x, a["min"]), _bound(x, a["max"]))
    if op == "clampMin":
        return torch.clamp(x, min=_bound(x, a["min"]))
    if op == "clampMax":
        return torch.clamp(x, max=_bound(x, a["max"]))
    if op == "where":
        return torch.where(xs[0], xs[1], xs[2])
    if op == "maskedFill":
        return x.masked_fill(xs[1], a["value"])
    if op == "sum":
        return x.sum()
    if op == "sumDim":
        return x.sum(a["dim"], keepdim=a["keepDim"])
    if op == "mean":
        return x.mean()
    if op == "meanDim":
        return x.mean(a["dim"], keepdim=a["keepDim"])
    if op == "max":
        return x.max()
    if op == "argmax":
        return x.argmax(a["dim"])
    if op == "softmax":
        return torch.softmax(x, a["dim"])
    if op == "logSoftmax":
        return torch.log_softmax(x, a["dim"])
    if op == "matmul":
        return torch.matmul(xs[0], xs[1])
    if op == "mm":
        return torch.mm(xs[0], xs[1])
    if op in ("t", "transpose", "reshape", "view", "unsqueeze", "squeeze", "expand", "narrow"):
        return view_op(x, op, a)
    if op == "expandAs":
        return xs[0].expand_as(xs[1])
    if op == "cat":
        return torch.cat(xs, a["dim"])
    if op == "indexSelect":
        return xs[0].index_select(a["dim"], xs[1])
    if op == "gather":
        return xs[0].gather(a["dim"], xs[1])
    if op == "to":
        return x.to(BY_NAME[a["dtype"]])
    if op == "contiguous":
        return x.contiguous()
    if op == "clone":
        return x.clone()
    dtype = BY_NAME[a["dtype"]] if "dtype" in a else None
    if op == "arange":
        return torch.arange(a["end"], dtype=dtype or I64)
    if op == "zeros":
        return torch.zeros(a["shape"], dtype=dtype or F32)
    if op == "ones":
        return torch.ones(a["shape"], dtype=dtype or F32)
    if op == "full":
        return torch.full(a["shape"], a["value"], dtype=dtype or F32)
    if op == "scalar":
        return torch.tensor(a["value"], dtype=dtype or F32)
    raise ValueError("unknown op " + op)


def _bound(x, v):
    # clamp's double bounds: whole numbers keep int64 tensors int64 (Pointwise.clamp).
    return python_scalar(x, v)


def view_op(x, op, a):
    if op == "t":
        return x.t()
    if op == "transpose":
        return x.transpose(a["dim0"], a["dim1"])
    if op == "reshape":
        return x.reshape(a["shape"])
    if op == "view":
        return x.view(a["shape"])
    if op == "unsqueeze":
        return x.unsqueeze(a["dim"])
    if op == "squeeze":
        return x.squeeze(a["dim"])
    if op == "expand":
        return x.expand(a["shape"])
    if op == "narrow":
        return x.narrow(a["dim"], a["start"], a["length"])
    raise ValueError(op)


PREP_ARGS = {
    "t": [], "transpose": ["dim0", "dim1"], "narrow": ["dim", "start", "length"],
    "expand": ["shape"], "unsqueeze": ["dim"],
}


def prepped(x, prep):
    for step in prep:
        x = view_op(x, step[0], dict(zip(PREP_ARGS[step[0]], step[1:])))
    return x

# ------------------------------------------------------------------ encoding


def enc_value(v, dtype):
    if dtype == BOOL:
        return bool(v)
    if dtype == I64:
        return int(v)
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "Infinity" if v > 0 else "-Infinity"
    if dtype == F32:
        # The shortest decimal that reads back as this float32: short JSON, exact values.
        return float(str(np.float32(v)))
    return float(v)


def enc(t, prep=None):
    out = {"dtype": DTYPES[t.dtype], "shape": list(t.shape),
           "values": [enc_value(v, t.dtype) for v in t.contiguous().reshape(-1).tolist()]}
    if prep:
        out["prep"] = prep
    return out


def enc_arg(v):
    if isinstance(v, float) and not math.isfinite(v):
        return enc_value(v, F64)
    return v


CASES = []
NAMES = set()


def case(name, op, inputs=(), args=None, preps=None, error=None):
    """Records one case. error: a substring Nabla's message must contain, for a case torch rejects."""
    assert name not in NAMES, "duplicate case " + name
    NAMES.add(name)
    args = args or {}
    preps = preps or [None] * len(inputs)
    xs = [prepped(x, p or []) for x, p in zip(inputs, preps)]
    c = {"name": name, "op": op, "inputs": [enc(x, p) for x, p in zip(inputs, preps)],
         "args": {k: enc_arg(v) for k, v in args.items()}}
    try:
        out = apply(op, xs, args)
    except (RuntimeError, IndexError, ValueError, TypeError) as e:
        if error is None:
            raise AssertionError(name + ": torch raised " + repr(e))
        c["error"] = type(e).__name__ + ": " + str(e).split("\n")[0]
        c["message"] = error
        CASES.append(c)
        return
    if error is not None:
        raise AssertionError(name + ": expected torch to raise, got " + str(out))
    c["expected"] = enc(out)
    CASES.append(c)


def dn(dtype):
    return DTYPES[dtype].replace("float", "f").replace("int", "i")

# ------------------------------------------------------------------ pointwise


def pointwise_cases():
    arith = ["add", "sub", "mul", "div", "maximum", "minimum"]
    for op in arith + ["pow"]:
        for dt in FLOATS:
            base = positive if op == "pow" else randn
            case(f"{op}_{dn(dt)}_same", op, [base([2, 3], dt), randn([2, 3], dt)])
            case(f"{op}_{dn(dt)}_row", op, [base([2, 3], dt), randn([3], dt)])
            case(f"{op}_{dn(dt)}_outer", op, [base([3, 1], dt), randn([1, 4], dt)])
            case(f"{op}_{dn(dt)}_transposed", op, [base([3, 2], dt), randn([2, 3], dt)], preps=[[["t"]], None])
            case(f"{op}_{dn(dt)}_expanded", op, [base([3, 1], dt), randn([3, 4], dt)], preps=[[["expand", [3, 4]]], None])
        if op == "pow":
            case("pow_i64", op, [randint([2, 3], -4, 5), randint([2, 3], 0, 4)])
            case("pow_i64_f32", op, [randint([4], 1, 5), T([0.5, 1.5, -1.0, 2.0])])
            case("pow_f32_negative_base", op, [T([-2.0, -2.0, -0.5, 0.0, 0.0, 4.0]), T([2.0, 0.5, 3.0, 0.0, -1.0, 0.5])])
            for dt in FLOATS:
                # C's pow, which torch follows: 1^y == 1 and (-1)^±inf == 1 even for NaN and infinite y.
                case(f"pow_{dn(dt)}_special", op, [T([NAN, 1.0, 1.0, INF, 2.0, -1.0, -1.0, 0.5], dt),
                                                   T([0.0, NAN, INF, -1.0, INF, INF, -INF, -INF], dt)])
            case("powScalar_f32_one_to_nan", "powScalar", [T([1.0, 2.0, -1.0])], {"value": NAN})
            continue
        case(f"{op}_i64", op, [randint([2, 3], -9, 10), randint([3], 1, 6)])
        case(f"{op}_i64_f32", op, [randint([2, 3], -9, 10), randn([3], F32)])
        if op != "sub":
            case(f"{op}_bool", op, [T([True, True, False, False], BOOL), T([True, False, True, False], BOOL)])
        case(f"{op}_f32_f64", op, [randn([2, 3], F32), randn([2, 3], F64)])
        # torch rejects subtraction with any bool operand, not only bool - bool.
        sub_error = "sub" if op == "sub" else None
        case(f"{op}_bool_i64", op, [randbool([2, 3]), randint([2, 3], 1, 5)], error=sub_error)
        case(f"{op}_f32_scalar_f64_tensor", op, [randn([3], F32), randn([], F64)])
        case(f"{op}_i64_scalar_f32_tensor", op, [randint([3], -5, 5), randn([], F32)])
        case(f"{op}_i64_scalar_f64_tensor", op, [randint([3], 1, 5), randn([], F64)])
        case(f"{op}_bool_scalar_i64_tensor", op, [randbool([4]), T(3, I64)], error=sub_error)
        case(f"{op}_scalar_scalar_f64", op, [randn([], F64), randn([], F64)])
    case("sub_bool_error", "sub", [randbool([3]), randbool([3])], error="sub")
    case("div_i64_by_zero", "div", [T([1, -1, 0, 6], I64), T([0, 0, 0, 4], I64)])
    case("div_f32_special", "div", [T([1.0, -1.0, 0.0, INF, 5.0]), T([0.0, 0.0, 0.0, INF, -0.0])])
    case("maximum_f32_nan", "maximum", [T([NAN, 1.0, -INF, 2.0]), T([0.0, NAN, 1.0, INF])])
    case("minimum_f64_nan", "minimum", [T([NAN, 1.0, -INF, 2.0], F64), T([0.0, NAN, 1.0, INF], F64)])
    # A tensor exponent may be negative (torch truncates: 2^-1 == 0); a scalar one is an error.
    case("pow_i64_negative_exponent", "pow", [T([-2, -1, -1, 1, 2, 3], I64), T([-1, -1, -2, -3, -2, -1], I64)])
    case("powScalar_i64_negative_error", "powScalar", [T([2, 3], I64)], {"value": -1.0}, error="pow")

    # Broadcasting edge cases.
    case("add_broadcast_zero_size", "add", [randn([2, 0, 3]), randn([1, 3])])
    case("add_broadcast_zero_against_one", "add", [randn([0]), randn([1])])
    case("add_broadcast_zero_dim_both", "add", [randn([]), randn([])])
    case("add_broadcast_zero_dim_left", "add", [randn([]), randn([2, 3])])
    case("add_broadcast_size_one_dims", "add", [randn([2, 1, 3]), randn([4, 1])])
    case("add_broadcast_leading_ones", "add", [randn([1, 1, 3], F64), randn([2, 1], F64)])
    case("mul_broadcast_both_expanded", "mul", [randn([3, 1], F64), randn([1, 3], F64)],
         preps=[[["expand", [2, 3, 3]]], [["expand", [3, 3]]]])
    case("add_broadcast_error", "add", [randn([2, 3]), randn([4])], error="add: shapes [2, 3] and [4] cannot be broadcast")
    case("mul_broadcast_error_3d", "mul", [randn([2, 3, 4]), randn([3, 1, 5])], error="cannot be broadcast")

    # A Java double argument.
    values = {"add": [2.5, -1.0], "sub": [2.5, -1.0], "mul": [2.5, -1.0], "div": [2.5, -4.0],
              "pow": [2.0, 0.5, -1.0, 3.0], "maximum": [0.25, -1.0], "minimum": [0.25, -1.0]}
    for op, vs in values.items():
        for dt in FLOATS:
            for i, v in enumerate(vs):
                x = positive([2, 3], dt) if op == "pow" else randn([2, 3], dt)
                case(f"{op}Scalar_{dn(dt)}_{i}", op + "Scalar", [x], {"value": v})
        case(f"{op}Scalar_i64_whole", op + "Scalar", [randint([2, 3], 1 if op == "pow" else -9, 10)],
             {"value": 2.0 if op != "div" else 4.0})
        case(f"{op}Scalar_i64_fraction", op + "Scalar", [randint([2, 3], 1, 10)], {"value": 2.5 if op != "pow" else 0.5})
    case("addScalar_bool_whole", "addScalar", [randbool([4])], {"value": 1.0})
    case("addScalar_bool_fraction", "addScalar", [randbool([4])], {"value": 1.5})
    case("mulScalar_bool_whole", "mulScalar", [randbool([4])], {"value": 3.0})
    case("divScalar_i64_by_zero", "divScalar", [T([1, 0, -2], I64)], {"value": 0.0})
    case("addScalar_f32_zero_dim", "addScalar", [randn([])], {"value": 1.25})
    case("addScalar_f64_zero_size", "addScalar", [randn([0, 2], F64)], {"value": 1.25})
    case("mulScalar_f32_transposed", "mulScalar", [randn([3, 4])], {"value": -3.0}, preps=[[["t"]]])

    # Comparisons.
    for op in ["gt", "ge", "lt", "le", "eq", "ne"]:
        for dt in FLOATS:
            a = T([1.0, 2.0, NAN, -INF, 0.5, 3.0], dt)
            b = T([1.0, 1.5, 1.0, -INF, NAN, 4.0], dt)
            case(f"{op}_{dn(dt)}_ties_nan", op, [a, b])
            case(f"{op}_{dn(dt)}_broadcast", op, [randint([3, 1], -2, 3).to(dt), randint([4], -2, 3).to(dt)])
            case(f"{op}Scalar_{dn(dt)}", op + "Scalar", [T([0.1, 0.2, 0.3, -1.0, NAN], dt)], {"value": 0.1})
        case(f"{op}_i64", op, [randint([2, 3], -2, 3), randint([2, 3], -2, 3)])
        case(f"{op}_bool", op, [T([True, True, False, False], BOOL), T([True, False, True, False], BOOL)])
        case(f"{op}_i64_f32", op, [T([1, 2, 3], I64), T([1.5, 2.0, 2.5])])
        case(f"{op}Scalar_i64_fraction", op + "Scalar", [T([1, 2, 3, -3], I64)], {"value": 2.5})
        case(f"{op}Scalar_i64_whole", op + "Scalar", [T([1, 2, 3, -3], I64)], {"value": 2.0})
        case(f"{op}_f32_transposed", op, [randint([3, 2], -1, 2).to(F32), randint([2, 3], -1, 2).to(F32)],
             preps=[[["t"]], None])

    # Unary functions.
    special = [0.0, -0.0, 1.0, -1.0, 0.5, -2.5, 30.0, -30.0, 100.0, -100.0, INF, -INF, NAN]
    for op in UNARY:
        for dt in FLOATS:
            x = positive([2, 3], dt) if op in ("log", "sqrt") else randn([2, 3], dt, scale=2.0)
            case(f"{op}_{dn(dt)}", op, [x])
            case(f"{op}_{dn(dt)}_special", op, [T(special, dt)])
            case(f"{op}_{dn(dt)}_transposed", op, [randn([3, 4], dt)], preps=[[["t"]]])
        case(f"{op}_i64", op, [T([-3, -1, 0, 1, 2, 5], I64)])
        case(f"{op}_f32_zero_dim", op, [T(0.75)])
        case(f"{op}_f32_zero_size", op, [randn([0, 3])])
        if op in ("exp", "sin", "sigmoid", "sqrt"):
            case(f"{op}_bool", op, [T([True, False], BOOL)])
    case("neg_bool_error", "neg", [T([True, False], BOOL)], error="neg")

    # Clamping.
    for dt in FLOATS:
        x = T([-2.0, -0.5, 0.0, 0.3, 0.5, 2.0, NAN, INF, -INF], dt)
        case(f"clamp_{dn(dt)}", "clamp", [x], {"min": -0.5, "max": 0.5})
        case(f"clamp_{dn(dt)}_min_above_max", "clamp", [x], {"min": 1.0, "max": -1.0})
        case(f"clampMin_{dn(dt)}", "clampMin", [x], {"min": 0.0})
        case(f"clampMax_{dn(dt)}", "clampMax", [x], {"max": 0.25})
        case(f"clamp_{dn(dt)}_transposed", "clamp", [randn([3, 4], dt)], {"min": -0.3, "max": 0.6}, preps=[[["t"]]])
    ints = T([-5, -1, 0, 1, 2, 7], I64)
    case("clamp_i64_whole", "clamp", [ints], {"min": -1.0, "max": 2.0})
    case("clamp_i64_fraction", "clamp", [ints], {"min": 0.5, "max": 2.5})
    case("clampMin_i64_whole", "clampMin", [ints], {"min": 1.0})
    case("clampMin_i64_fraction", "clampMin", [ints], {"min": 1.5})
    case("clampMax_i64_whole", "clampMax", [ints], {"max": 0.0})
    case("clampMax_i64_fraction", "clampMax", [ints], {"max": -0.5})

    # Selection.
    for dt in FLOATS + (I64, BOOL):
        a = randbool([2, 3]) if dt == BOOL else randn([2, 3], dt) if dt in FLOATS else randint([2, 3], -9, 10)
        b = randbool([2, 3]) if dt == BOOL else randn([2, 3], dt) if dt in FLOATS else randint([2, 3], -9, 10)
        case(f"where_{dn(dt)}", "where", [randbool([2, 3]), a, b])
    case("where_broadcast", "where", [randbool([2, 1]), randn([1, 3]), randn([], F32)])
    case("where_broadcast_f64_zero_dim", "where", [randbool([3]), randn([2, 3], F64), randn([], F64)])
    case("where_i64_f32", "where", [randbool([4]), randint([4], -5, 5), randn([4])])
    case("where_f32_zero_dim_i64", "where", [randbool([4]), T(0.5), randint([4], -5, 5)])
    case("where_transposed", "where", [randbool([3, 2]), randn([2, 3]), randn([2, 3])], preps=[[["t"]], None, None])
    case("where_non_bool_error", "where", [randint([3], 0, 2), randn([3]), randn([3])], error="where")
    for dt in FLOATS + (I64, BOOL):
        x = randbool([2, 3]) if dt == BOOL else randn([2, 3], dt) if dt in FLOATS else randint([2, 3], -9, 10)
        value = 1.0 if dt == BOOL else -7.0 if dt == I64 else -1.5
        case(f"maskedFill_{dn(dt)}", "maskedFill", [x, randbool([2, 3])], {"value": value})
    case("maskedFill_broadcast_row", "maskedFill", [randn([2, 3]), randbool([3])], {"value": 9.0})
    case("maskedFill_zero_dim_mask", "maskedFill", [randn([2, 2], F64), T(True, BOOL)], {"value": 0.5})
    case("maskedFill_f64_neg_inf", "maskedFill", [randn([2, 3], F64), randbool([2, 1])], {"value": -INF})
    case("maskedFill_transposed", "maskedFill", [randn([3, 2]), randbool([2, 3])], {"value": 4.0}, preps=[[["t"]], None])

# ------------------------------------------------------------------ reductions


def reduction_cases():
    for dt in FLOATS + (I64, BOOL):
        x = randbool([2, 3]) if dt == BOOL else randn([2, 3], dt) if dt in FLOATS else randint([2, 3], -9, 10)
        case(f"sum_{dn(dt)}", "sum", [x])
        case(f"max_{dn(dt)}", "max", [x])
        for dim in (0, 1, -1):
            for keep in (False, True):
                case(f"sumDim_{dn(dt)}_{dim}_{str(keep).lower()}", "sumDim", [x], {"dim": dim, "keepDim": keep})
        if dt != BOOL:
            case(f"argmax_{dn(dt)}_0", "argmax", [x], {"dim": 0})
            case(f"argmax_{dn(dt)}_neg1", "argmax", [x], {"dim": -1})
    x3 = randn([2, 3, 4], F64)
    for dim in (0, 1, 2, -1, -2, -3):
        case(f"sumDim_f64_3d_{dim}", "sumDim", [x3], {"dim": dim, "keepDim": dim % 2 == 0})
        case(f"meanDim_f64_3d_{dim}", "meanDim", [x3], {"dim": dim, "keepDim": dim % 2 == 1})
        case(f"argmax_f64_3d_{dim}", "argmax", [x3], {"dim": dim})
    for dt in FLOATS:
        x = randn([3, 4], dt)
        case(f"mean_{dn(dt)}", "mean", [x])
        case(f"mean_{dn(dt)}_transposed", "mean", [x], preps=[[["t"]]])
        for dim in (0, 1, -1, -2):
            for keep in (False, True):
                case(f"meanDim_{dn(dt)}_{dim}_{str(keep).lower()}", "meanDim", [x], {"dim": dim, "keepDim": keep})
        case(f"sum_{dn(dt)}_transposed", "sum", [x], preps=[[["t"]]])
        case(f"sumDim_{dn(dt)}_transposed", "sumDim", [x], {"dim": 1, "keepDim": False}, preps=[[["t"]]])
        case(f"sumDim_{dn(dt)}_expanded", "sumDim", [randn([3, 1], dt)], {"dim": 1, "keepDim": True},
             preps=[[["expand", [3, 5]]]])
        case(f"sumDim_{dn(dt)}_narrowed", "sumDim", [x], {"dim": 0, "keepDim": False}, preps=[[["narrow", 1, 1, 2]]])
        case(f"max_{dn(dt)}_nan", "max", [T([1.0, NAN, 3.0], dt)])
        case(f"max_{dn(dt)}_neg_inf", "max", [T([-INF, -INF], dt)])
        case(f"max_{dn(dt)}_transposed", "max", [x], preps=[[["t"]]])
        case(f"argmax_{dn(dt)}_ties", "argmax", [T([[1.0, 3.0, 3.0], [2.0, 2.0, 1.0]], dt)], {"dim": 1})
        case(f"argmax_{dn(dt)}_nan", "argmax", [T([[1.0, NAN, 3.0, NAN], [-INF, -INF, -INF, -INF]], dt)], {"dim": 1})
        case(f"argmax_{dn(dt)}_transposed", "argmax", [x], {"dim": 1}, preps=[[["t"]]])
        case(f"sum_{dn(dt)}_zero_dim", "sum", [T(2.5, dt)])
        case(f"sum_{dn(dt)}_empty", "sum", [randn([0], dt)])
        case(f"sum_{dn(dt)}_empty_2d", "sum", [randn([2, 0], dt)])
        case(f"sumDim_{dn(dt)}_empty_reduced", "sumDim", [randn([0, 3], dt)], {"dim": 0, "keepDim": False})
        case(f"sumDim_{dn(dt)}_empty_kept", "sumDim", [randn([2, 0], dt)], {"dim": 0, "keepDim": True})
        case(f"sumDim_{dn(dt)}_zero_dim_0", "sumDim", [T(1.5, dt)], {"dim": 0, "keepDim": False})
        case(f"sumDim_{dn(dt)}_zero_dim_neg1", "sumDim", [T(1.5, dt)], {"dim": -1, "keepDim": True})
        case(f"mean_{dn(dt)}_empty", "mean", [randn([0], dt)])
        case(f"mean_{dn(dt)}_zero_dim", "mean", [T(-1.5, dt)])
        case(f"meanDim_{dn(dt)}_zero_dim", "meanDim", [T(-1.5, dt)], {"dim": 0, "keepDim": False})
        case(f"max_{dn(dt)}_zero_dim", "max", [T(4.0, dt)])
        case(f"argmax_{dn(dt)}_zero_dim", "argmax", [T(4.0, dt)], {"dim": 0})
    case("sum_i64_transposed", "sum", [randint([3, 2], -9, 10)], preps=[[["t"]]])
    case("sumDim_bool_3d", "sumDim", [randbool([2, 3, 2])], {"dim": 1, "keepDim": False})
    case("max_bool_false", "max", [T([False, False], BOOL)])
    case("max_i64_negative", "max", [T([-5, -3, -9], I64)])
    case("argmax_i64_ties", "argmax", [T([[4, 4, 1], [0, 2, 2]], I64)], {"dim": 1})

    case("sumDim_out_of_range", "sumDim", [randn([2, 3])], {"dim": 2, "keepDim": False},
         error="sum: dimension out of range (expected to be in range of [-2, 1], but got 2)")
    case("sumDim_zero_dim_out_of_range", "sumDim", [T(1.5)], {"dim": 3, "keepDim": False},
         error="dimension out of range (expected to be in range of [-1, 0], but got 3)")
    case("meanDim_zero_dim_out_of_range", "meanDim", [T(1.5)], {"dim": -2, "keepDim": False},
         error="dimension out of range (expected to be in range of [-1, 0], but got -2)")
    case("meanDim_out_of_range", "meanDim", [randn([2, 3])], {"dim": -3, "keepDim": True},
         error="mean: dimension out of range")
    case("mean_i64_error", "mean", [randint([3], 0, 5)], error="mean")
    case("max_empty_error", "max", [randn([0])], error="max")
    case("argmax_empty_dim_error", "argmax", [randn([0, 3])], {"dim": 0}, error="argmax")
    case("argmax_out_of_range", "argmax", [randn([2, 3])], {"dim": 2}, error="argmax: dimension out of range")

    for op in ("softmax", "logSoftmax"):
        for dt in FLOATS:
            x = randn([2, 3], dt, scale=3.0)
            for dim in (0, 1, -1, -2):
                case(f"{op}_{dn(dt)}_{dim}", op, [x], {"dim": dim})
            case(f"{op}_{dn(dt)}_3d_middle", op, [randn([2, 3, 4], dt)], {"dim": 1})
            case(f"{op}_{dn(dt)}_3d_first", op, [randn([2, 3, 4], dt)], {"dim": -3})
            case(f"{op}_{dn(dt)}_large_values", op, [T([[1000.0, 1001.0, 1002.0], [-1000.0, -1000.0, 0.0]], dt)], {"dim": 1})
            case(f"{op}_{dn(dt)}_neg_inf", op, [T([[-INF, 0.0, 1.0], [-INF, -INF, -INF]], dt)], {"dim": 1})
            case(f"{op}_{dn(dt)}_transposed", op, [randn([4, 3], dt)], {"dim": -1}, preps=[[["t"]]])
            case(f"{op}_{dn(dt)}_expanded", op, [randn([1, 4], dt)], {"dim": 1}, preps=[[["expand", [3, 4]]]])
            case(f"{op}_{dn(dt)}_zero_dim", op, [T(2.0, dt)], {"dim": 0})
            case(f"{op}_{dn(dt)}_zero_size", op, [randn([0, 3], dt)], {"dim": 1})
            case(f"{op}_{dn(dt)}_single", op, [randn([3, 1], dt)], {"dim": 1})
        case(f"{op}_i64_error", op, [randint([3], 0, 5)], {"dim": 0}, error=op)
        case(f"{op}_out_of_range", op, [randn([2, 3])], {"dim": 2}, error=op + ": dimension out of range")

# ------------------------------------------------------------------ linear algebra


def linalg_cases():
    shapes = {
        "dot": ([3], [3]), "mat_vec": ([2, 3], [3]), "vec_mat": ([3], [3, 4]), "mat_mat": ([2, 3], [3, 4]),
        "batched_mat": ([2, 2, 3], [3, 4]), "mat_batched": ([2, 3], [2, 3, 4]),
        "batched_batched": ([2, 2, 3], [2, 3, 4]), "broadcast_batch": ([2, 1, 2, 3], [3, 3, 2]),
        "batched_vec": ([2, 3, 4], [4]), "vec_batched": ([3], [2, 3, 4]),
        "inner_zero": ([2, 0], [0, 3]), "outer_zero": ([0, 3], [3, 2]), "batch_zero": ([0, 2, 3], [3, 2]),
    }
    for name, (sa, sb) in shapes.items():
        for dt in FLOATS:
            case(f"matmul_{dn(dt)}_{name}", "matmul", [randn(sa, dt), randn(sb, dt)])
        if name in ("dot", "mat_mat", "broadcast_batch", "vec_mat"):
            case(f"matmul_i64_{name}", "matmul", [randint(sa, -5, 6), randint(sb, -5, 6)])
    for dt in FLOATS:
        case(f"matmul_{dn(dt)}_transposed_both", "matmul", [randn([3, 2], dt), randn([4, 3], dt)],
             preps=[[["t"]], [["t"]]])
        case(f"matmul_{dn(dt)}_batched_transposed", "matmul", [randn([2, 3, 2], dt), randn([2, 3, 4], dt)],
             preps=[[["transpose", 1, 2]], None])
        case(f"matmul_{dn(dt)}_narrowed", "matmul", [randn([3, 5], dt), randn([4, 2], dt)],
             preps=[[["narrow", 1, 1, 4]], None])
        case(f"matmul_{dn(dt)}_expanded", "matmul", [randn([1, 3], dt), randn([3, 2], dt)],
             preps=[[["expand", [4, 3]]], None])
        # Large enough (32^3 multiply-adds, Blas.NATIVE_MIN_FLOPS) for the native BLAS path;
        # small integers keep the JSON short.
        a = randint([32, 32], -4, 5).to(dt)
        b = randint([32, 32], -4, 5).to(dt)
        if dt == F32:
            case(f"matmul_{dn(dt)}_native", "matmul", [a, b])
        else:
            case(f"mm_{dn(dt)}_native_transposed", "mm", [a, b], preps=[[["t"]], [["t"]]])
        case(f"mm_{dn(dt)}", "mm", [randn([2, 3], dt), randn([3, 2], dt)])
        case(f"mm_{dn(dt)}_transposed", "mm", [randn([3, 2], dt), randn([3, 2], dt)], preps=[[["t"]], None])
    case("mm_i64", "mm", [randint([2, 3], -5, 6), randint([3, 2], -5, 6)])
    case("mm_inner_mismatch", "mm", [randn([2, 3]), randn([4, 2])], error="mm: shapes [2, 3] and [4, 2] cannot be multiplied")
    case("mm_dtype_mismatch", "mm", [randn([2, 3]), randn([3, 2], F64)], error="float32 and float64")
    case("mm_not_2d", "mm", [randn([3]), randn([3, 2])], error="mm")
    case("matmul_zero_dim", "matmul", [randn([]), randn([3])], error="matmul")
    case("matmul_mismatch", "matmul", [randn([2, 3]), randn([2, 3])], error="matmul")
    case("matmul_dot_mismatch", "matmul", [randn([3]), randn([4])], error="matmul")
    case("matmul_batch_mismatch", "matmul", [randn([2, 2, 3]), randn([3, 3, 4])], error="matmul")

# ------------------------------------------------------------------ shapes and views


def shape_cases():
    x = randn([2, 3])
    x3 = randn([2, 3, 4], F64)
    case("t_f32", "t", [x])
    case("t_1d", "t", [randn([4])])
    case("t_zero_dim", "t", [T(3.0)])
    case("t_i64", "t", [randint([3, 2], -9, 10)])
    case("t_3d_error", "t", [x3], error="t")
    for d0, d1 in ((0, 1), (0, 2), (-1, 0), (1, 1), (-3, -2)):
        case(f"transpose_3d_{d0}_{d1}".replace("-", "m"), "transpose", [x3], {"dim0": d0, "dim1": d1})
    case("transpose_bool", "transpose", [randbool([2, 3])], {"dim0": 0, "dim1": 1})
    case("transpose_out_of_range", "transpose", [x], {"dim0": 0, "dim1": 2}, error="transpose: dimension out of range")
    for name, shape in (("flat", [6]), ("swap", [3, 2]), ("infer", [-1, 2]), ("infer_first", [3, -1]),
                        ("add_ones", [1, 2, 1, 3, 1])):
        case(f"reshape_{name}", "reshape", [x], {"shape": shape})
        case(f"view_{name}", "view", [x], {"shape": shape})
    case("reshape_to_zero_dim", "reshape", [T([7.0])], {"shape": []})
    case("reshape_from_zero_dim", "reshape", [T(7.0)], {"shape": [1, 1]})
    case("reshape_zero_size", "reshape", [randn([0, 3])], {"shape": [3, 0, 2]})
    case("reshape_zero_size_infer", "reshape", [randn([0, 3])], {"shape": [-1, 3, 1]})
    case("reshape_zero_size_ambiguous", "reshape", [randn([0, 3])], {"shape": [0, -1]}, error="reshape")
    case("reshape_transposed", "reshape", [x], {"shape": [6]}, preps=[[["t"]]])
    case("reshape_narrowed", "reshape", [x3], {"shape": [-1]}, preps=[[["narrow", 2, 1, 2]]])
    case("reshape_expanded", "reshape", [randn([3, 1])], {"shape": [12]}, preps=[[["expand", [3, 4]]]])
    case("reshape_i64_3d", "reshape", [randint([2, 3, 4], -9, 10)], {"shape": [4, -1]})
    case("view_transposed_same_shape", "view", [x], {"shape": [3, 2]}, preps=[[["t"]]])
    case("view_transposed_split_rows", "view", [randn([4, 6])], {"shape": [2, 3, 4]}, preps=[[["t"]]])
    case("view_narrowed_rows", "view", [x3], {"shape": [12]}, preps=[[["narrow", 0, 1, 1]]])
    case("view_expanded_split", "view", [randn([3, 1])], {"shape": [3, 2, 2]}, preps=[[["expand", [3, 4]]]])
    case("view_transposed_error", "view", [x], {"shape": [6]}, preps=[[["t"]]], error="reshape")
    case("reshape_wrong_size", "reshape", [x], {"shape": [4]}, error="reshape: shape [4] is invalid for input of size 6")
    case("view_two_inferred", "view", [x], {"shape": [-1, -1]}, error="view")
    for d in (0, 1, 2, -1, -3):
        case(f"unsqueeze_{d}".replace("-", "m"), "unsqueeze", [x], {"dim": d})
    case("unsqueeze_zero_dim", "unsqueeze", [T(2.0)], {"dim": 0})
    case("unsqueeze_transposed", "unsqueeze", [x], {"dim": 1}, preps=[[["t"]]])
    case("unsqueeze_out_of_range", "unsqueeze", [x], {"dim": 3}, error="unsqueeze: dimension out of range")
    y = randn([2, 1, 3, 1])
    for d in (1, 3, -1, -3, 0):
        case(f"squeeze_{d}".replace("-", "m"), "squeeze", [y], {"dim": d})
    case("squeeze_zero_dim", "squeeze", [T(2.0)], {"dim": 0})
    case("squeeze_zero_dim_neg", "squeeze", [T(2.0)], {"dim": -1})
    case("squeeze_out_of_range", "squeeze", [y], {"dim": 4}, error="squeeze: dimension out of range")
    case("expand_column", "expand", [randn([3, 1])], {"shape": [3, 4]})
    case("expand_new_dims", "expand", [randn([3])], {"shape": [2, 2, 3]})
    case("expand_keep", "expand", [randn([3, 1], F64)], {"shape": [-1, 2]})
    case("expand_keep_with_new_dim", "expand", [randn([2, 1])], {"shape": [3, -1, 4]})
    case("expand_zero_dim", "expand", [T(5, I64)], {"shape": [2, 2]})
    case("expand_to_zero", "expand", [randn([1, 3])], {"shape": [0, 3]})
    case("expand_same", "expand", [randbool([2, 3])], {"shape": [2, 3]})
    case("expand_transposed", "expand", [randn([1, 3])], {"shape": [2, 3, 2]}, preps=[[["t"]]])
    case("expand_non_singleton_error", "expand", [randn([3, 2])], {"shape": [3, 4]}, error="expand")
    case("expand_fewer_dims_error", "expand", [randn([2, 3])], {"shape": [3]}, error="expand")
    case("expand_leading_minus_one_error", "expand", [randn([3])], {"shape": [-1, 3]}, error="expand")
    case("expandAs_f32", "expandAs", [randn([3, 1]), randn([2, 3, 4])])
    case("expandAs_i64", "expandAs", [randint([1], 0, 9), randint([2, 2], 0, 9)])
    for d in (0, 1, -1, -2):
        case(f"cat_{d}".replace("-", "m"), "cat", [randn([2, 3]), randn([2, 3])], {"dim": d})
    case("cat_three_uneven", "cat", [randn([1, 3], F64), randn([3, 3], F64), randn([2, 3], F64)], {"dim": 0})
    case("cat_uneven_columns", "cat", [randn([2, 1]), randn([2, 4])], {"dim": 1})
    case("cat_single", "cat", [randn([2, 2])], {"dim": 0})
    case("cat_zero_size_piece", "cat", [randn([2, 3]), randn([0, 3]), randn([1, 3])], {"dim": 0})
    case("cat_mixed_dtypes", "cat", [randint([2], -5, 5), randn([3]), randn([1], F64)], {"dim": 0})
    case("cat_i64_bool", "cat", [randbool([2]), randint([2], -5, 5)], {"dim": 0})
    case("cat_bool", "cat", [randbool([2, 2]), randbool([2, 1])], {"dim": -1})
    case("cat_transposed", "cat", [randn([3, 2]), randn([2, 3])], {"dim": 0}, preps=[[["t"]], None])
    case("cat_3d_middle", "cat", [randn([2, 1, 2], F64), randn([2, 2, 2], F64)], {"dim": 1})
    case("cat_shape_mismatch", "cat", [randn([2, 3]), randn([2, 4])], {"dim": 0}, error="cat")
    case("cat_ndim_mismatch", "cat", [randn([2, 3]), randn([3])], {"dim": 0}, error="cat")
    case("cat_zero_dim_error", "cat", [T(1.0), T(2.0)], {"dim": 0}, error="cat")
    case("cat_out_of_range", "cat", [randn([2, 3]), randn([2, 3])], {"dim": 2}, error="cat: dimension out of range")
    for d, s, n in ((0, 0, 1), (1, 1, 2), (-1, -2, 2), (1, 3, 0), (0, -2, 2), (2, 0, 4)):
        case(f"narrow_{d}_{s}_{n}".replace("-", "m"), "narrow", [x3], {"dim": d, "start": s, "length": n})
    case("narrow_transposed", "narrow", [x], {"dim": 0, "start": 1, "length": 2}, preps=[[["t"]]])
    case("narrow_twice", "narrow", [randn([4, 5])], {"dim": 1, "start": 1, "length": 2}, preps=[[["narrow", 0, 1, 2]]])
    case("narrow_start_error", "narrow", [x], {"dim": 1, "start": 4, "length": 0}, error="narrow")
    case("narrow_length_error", "narrow", [x], {"dim": 1, "start": 2, "length": 2}, error="narrow")
    case("narrow_negative_length_error", "narrow", [x], {"dim": 1, "start": 0, "length": -1}, error="narrow")
    case("narrow_zero_dim_error", "narrow", [T(1.0)], {"dim": 0, "start": 0, "length": 1}, error="narrow")
    case("narrow_out_of_range", "narrow", [x], {"dim": 2, "start": 0, "length": 1}, error="narrow: dimension out of range")
    for d, idx in ((0, [1, 0, 1]), (1, [2, 0]), (-1, [1, 1, 1, 0]), (0, [])):
        case(f"indexSelect_{d}_{len(idx)}".replace("-", "m"), "indexSelect", [x, T(idx, I64)], {"dim": d})
    case("indexSelect_f64_3d", "indexSelect", [x3, T([3, 0], I64)], {"dim": 2})
    case("indexSelect_i64", "indexSelect", [randint([3, 2], -9, 9), T([2, 2], I64)], {"dim": 0})
    case("indexSelect_bool", "indexSelect", [randbool([4]), T([3, 0, 3], I64)], {"dim": 0})
    case("indexSelect_zero_dim_index", "indexSelect", [x, T(1, I64)], {"dim": 1})
    case("indexSelect_zero_dim_input", "indexSelect", [T(5.0), T([0], I64)], {"dim": 0})
    case("indexSelect_transposed", "indexSelect", [x, T([1, 0, 1], I64)], {"dim": 1}, preps=[[["t"]], None])
    case("indexSelect_narrowed_index", "indexSelect", [x, T([9, 2, 0, 1, 9], I64)], {"dim": 1},
         preps=[None, [["narrow", 0, 1, 3]]])
    case("indexSelect_expanded_index", "indexSelect", [x, T([1], I64)], {"dim": 0}, preps=[None, [["expand", [3]]]])
    case("indexSelect_index_out_of_range", "indexSelect", [x, T([0, 3], I64)], {"dim": 1},
         error="indexSelect: index 3 is out of bounds for dimension 1 with size 3")
    case("indexSelect_negative_index", "indexSelect", [x, T([-1], I64)], {"dim": 0}, error="indexSelect")
    case("indexSelect_float_index", "indexSelect", [x, T([0.0])], {"dim": 0}, error="indexSelect")
    case("indexSelect_2d_index", "indexSelect", [x, T([[0]], I64)], {"dim": 0}, error="indexSelect")
    case("indexSelect_dim_out_of_range", "indexSelect", [x, T([0], I64)], {"dim": 2},
         error="indexSelect: dimension out of range")
    case("gather_0", "gather", [x, T([[1, 0, 1], [0, 0, 1]], I64)], {"dim": 0})
    case("gather_1", "gather", [x, T([[2, 2], [0, 1]], I64)], {"dim": 1})
    case("gather_neg1_wider", "gather", [x, T([[2, 0, 1, 1], [0, 0, 0, 2]], I64)], {"dim": -1})
    case("gather_smaller_index", "gather", [x3, T([[[3], [0]]], I64)], {"dim": 2})
    case("gather_i64", "gather", [randint([3, 3], -9, 9), T([[2], [1], [0]], I64)], {"dim": 1})
    case("gather_bool", "gather", [randbool([2, 2]), T([[1, 0], [1, 1]], I64)], {"dim": 0})
    case("gather_transposed", "gather", [x, T([[0, 1], [1, 0], [1, 1]], I64)], {"dim": 1}, preps=[[["t"]], None])
    case("gather_transposed_index", "gather", [x, T([[2, 0], [1, 1], [0, 2]], I64)], {"dim": 1},
         preps=[None, [["t"]]])
    case("gather_expanded_index", "gather", [x3, T([[[2]], [[0]]], I64)], {"dim": 2}, preps=[None, [["expand", [2, 3, 5]]]])
    case("gather_narrowed_input", "gather", [x3, T([[[1, 0]]], I64)], {"dim": 1},
         preps=[[["narrow", 2, 1, 3]], [["expand", [2, 2, 2]]]])
    case("gather_empty_index", "gather", [x, torch.zeros([2, 0], dtype=I64)], {"dim": 1})
    case("gather_index_out_of_range", "gather", [x, T([[3], [0]], I64)], {"dim": 1},
         error="gather: index 3 is out of bounds for dimension 1 with size 3")
    case("gather_index_negative", "gather", [x, T([[-1], [0]], I64)], {"dim": 1}, error="gather")
    case("gather_ndim_mismatch", "gather", [x, T([0, 1], I64)], {"dim": 1}, error="gather")
    case("gather_index_too_big", "gather", [x, torch.zeros([3, 1], dtype=I64)], {"dim": 1}, error="gather")
    case("gather_dim_out_of_range", "gather", [x, T([[0], [0]], I64)], {"dim": -3}, error="gather: dimension out of range")

# ------------------------------------------------------------------ conversion and creation


def conversion_and_creation_cases():
    sources = {
        F32: T([-2.75, -1.0, -0.5, 0.0, 0.4, 1.0, 2.5, 1e6]),
        F64: T([-2.75, -1.0, -0.5, 0.0, 0.4, 1.0, 2.5, 1e15 + 1], F64),
        I64: T([-3, -1, 0, 1, 2, 16777217, 2 ** 40 + 1, -(2 ** 53) - 1], I64),
        BOOL: T([True, False, True], BOOL),
    }
    for src, x in sources.items():
        for dst in (F32, F64, I64, BOOL):
            case(f"to_{dn(src)}_{dn(dst)}", "to", [x], {"dtype": DTYPES[dst]})
    # 2^60 + 2^36 + 1 rounds up to float32 directly, but to 2^60 if it goes through float64 first.
    case("to_i64_f32_single_rounding", "to", [T([2 ** 60 + 2 ** 36 + 1, -(2 ** 60) - 2 ** 36 - 1, 2 ** 62 + 2 ** 38 + 1], I64)],
         {"dtype": "float32"})
    case("to_f32_bool_special", "to", [T([NAN, INF, -0.0, 1e-30])], {"dtype": "bool"})
    case("to_f64_f32_special", "to", [T([NAN, INF, -INF, 1e300, 1e-300, 0.1], F64)], {"dtype": "float32"})
    case("to_transposed", "to", [randn([2, 3], F64)], {"dtype": "float32"}, preps=[[["t"]]])
    case("to_expanded", "to", [randint([3, 1], -9, 9)], {"dtype": "float64"}, preps=[[["expand", [3, 2]]]])
    case("to_zero_dim", "to", [T(2.5)], {"dtype": "int64"})
    case("contiguous_transposed", "contiguous", [randn([2, 3, 4], F64)], preps=[[["transpose", 0, 2]]])
    case("contiguous_narrowed_bool", "contiguous", [randbool([3, 4])], preps=[[["narrow", 1, 1, 2]]])
    case("clone_expanded", "clone", [randint([1, 3], -9, 9)], preps=[[["expand", [2, 3]]]])

    for end in (0, 1, 5):
        case(f"arange_{end}", "arange", [], {"end": end})
    for dt in (F32, F64, I64):
        case(f"arange_{dn(dt)}", "arange", [], {"end": 4, "dtype": DTYPES[dt]})
    case("arange_negative_error", "arange", [], {"end": -1}, error="arange")
    for op in ("zeros", "ones"):
        case(f"{op}_default", op, [], {"shape": [2, 3]})
        case(f"{op}_zero_dim", op, [], {"shape": []})
        case(f"{op}_zero_size", op, [], {"shape": [2, 0]})
        for dt in (F32, F64, I64, BOOL):
            case(f"{op}_{dn(dt)}", op, [], {"shape": [3], "dtype": DTYPES[dt]})
    case("full_default", "full", [], {"shape": [2, 2], "value": 2.5})
    case("full_zero_dim", "full", [], {"shape": [], "value": -1.5})
    case("full_f64", "full", [], {"shape": [2], "value": 0.1, "dtype": "float64"})
    case("full_i64", "full", [], {"shape": [3], "value": 7, "dtype": "int64"})
    case("full_bool", "full", [], {"shape": [2], "value": 1, "dtype": "bool"})
    case("full_f32_inf", "full", [], {"shape": [2], "value": -INF})
    case("scalar_default", "scalar", [], {"value": 2.5})
    case("scalar_f64", "scalar", [], {"value": 0.1, "dtype": "float64"})
    case("scalar_i64", "scalar", [], {"value": -4, "dtype": "int64"})
    case("scalar_bool", "scalar", [], {"value": 1, "dtype": "bool"})
    case("zeros_negative_error", "zeros", [], {"shape": [2, -1]}, error="negative dimension")

# ------------------------------------------------------------------ main


def main():
    pointwise_cases()
    reduction_cases()
    linalg_cases()
    shape_cases()
    conversion_and_creation_cases()
    write("ops.json", CASES)


def write(name, cases):
    """Writes the cases, one per line, to the file `name` next to this script."""
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), name)

    def dump(obj):
        return json.dumps(obj, separators=(",", ":"), allow_nan=False)

    with open(path, "w") as f:
        f.write('{"torch":' + dump(torch.__version__.split("a")[0]) + ',"cases":[\n')
        f.write(",\n".join(dump(c) for c in cases))
        f.write("\n]}\n")
    print(f"wrote {len(cases)} cases, {os.path.getsize(path)} bytes, to {path}")


if __name__ == "__main__":
    main()
