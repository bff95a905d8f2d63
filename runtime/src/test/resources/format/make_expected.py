"""Writes expected.json: how PyTorch 1.13 prints each test tensor, for TensorFormatterTest.

Run with a Python that has torch (here /usr/bin/python3) from this folder:

    /usr/bin/python3 make_expected.py

Every case is built from explicit values or arange, never random, so the file is
reproducible. Each entry holds the tensor's dtype, shape and row-major values (non-finite
floats as the strings "nan", "inf", "-inf"), optionally a "transpose" pair of dimensions
that the test applies to the tensor built from them (a non-contiguous view) and a
"device" it is printed as living on, and the repr PyTorch gives.
"""

import json
import math
import os

import torch

F32, F64, I64, BOOL = torch.float32, torch.float64, torch.int64, torch.bool
NAMES = {F32: "FLOAT32", F64: "FLOAT64", I64: "INT64", BOOL: "BOOL"}
NAN, INF = float("nan"), float("inf")


class tensor(torch.Tensor):
    """A CPU tensor that reports cuda:0 as its device.

    No GPU is needed to run this script: torch's own printing code then takes the path of
    a CUDA tensor (_str_intern adds the device suffix), and the class name keeps the
    "tensor(" prefix.
    """

    @property
    def device(self):
        return torch.device("cuda", 0)


def cases():
    # 0-dimensional
    yield "scalar_float32", torch.tensor(0.7624)
    yield "scalar_float32_integral", torch.tensor(3.0)
    yield "scalar_float64", torch.tensor(2.5, dtype=F64)
    yield "scalar_int64", torch.tensor(-7)
    yield "scalar_bool", torch.tensor(True)
    yield "scalar_negative_zero", torch.tensor(-0.0)
    yield "scalar_nan", torch.tensor(NAN)
    yield "scalar_small_sci", torch.tensor(1.0e-5)

    # 1-D floats: the three modes of _Formatter
    yield "float_integral", torch.tensor([1.0, 2.0, 3.0])
    yield "float_decimals", torch.tensor([0.2376, 1.0, 0.1])
    yield "float32_point_one", torch.tensor([0.1])
    yield "float_negative", torch.tensor([-1.5, 2.25, -10.125, 100.0])
    yield "float_integral_negative", torch.tensor([-1.0, 20.0, -300.0])
    yield "float_zero_and_negative_zero", torch.tensor([0.0, -0.0])
    yield "float_negative_zero_decimal", torch.tensor([-0.0, 1.5])
    yield "float_all_zero", torch.zeros(4)
    yield "sci_integral_ratio", torch.tensor([1.0, 1.0e5])
    yield "sci_integral_large", torch.tensor([1.5e9, 2.0])
    yield "sci_integral_at_1e8", torch.tensor([1.0e8, 2.0e8])
    yield "sci_small", torch.tensor([1.0e-5, 1.0])
    yield "sci_ratio_decimal", torch.tensor([0.5, 600.25])
    yield "sci_negative", torch.tensor([-1.2345e-5, 3.0, -7.0e3])
    yield "not_sci_ratio_1000", torch.tensor([0.25, 250.0, -1.5])
    yield "float64_sci_three_digit_exponent", torch.tensor([1.0e-300, 1.0, 2.5e200], dtype=F64)
    yield "float32_subnormal", torch.tensor([1.0e-40, 3.4028234e38])
    yield "nan_inf_decimal", torch.tensor([1.5, NAN, INF, -INF])
    yield "nan_inf_integral", torch.tensor([1.0, NAN, -INF])
    yield "nan_inf_sci", torch.tensor([1.0e-5, NAN, -INF])
    yield "only_nonfinite_and_zero", torch.tensor([NAN, 0.0, INF])
    # values near a rounding tie: torch rounds the exact binary value, half to even
    ties = [1.00005, 2.00015, 3.00025, 0.12345, 0.99995, 9.99995, 0.5, 2.5]
    yield "rounding_float64", torch.tensor(ties, dtype=F64)
    yield "rounding_float32", torch.tensor(ties, dtype=F32)
    yield "rounding_sci", torch.tensor([1.00005e-5, 2.00015e7, 9.99995e-3, 1.25e-7], dtype=F64)
    yield "float64", torch.tensor([1.25, -2.5, 3.0], dtype=F64)
    yield "float64_integral", torch.tensor([1.0, 2.0], dtype=F64)

    # integers and booleans
    yield "int64", torch.tensor([1, 2, 3])
    yield "int64_widths", torch.tensor([-10, 0, 12345])
    yield "int64_extremes", torch.tensor([2**62, -(2**63), 2**63 - 1])
    yield "bool", torch.tensor([True, False, True])
    yield "bool_all_true", torch.tensor([True, True])
    yield "bool_2d", torch.tensor([[True, False], [False, False]])

    # rows that wrap at 80 columns
    yield "wrap_float", torch.arange(40, dtype=F32) / 3
    yield "wrap_int64", torch.arange(100)
    yield "wrap_bool", torch.arange(30) % 3 == 0
    yield "wrap_2d", (torch.arange(90, dtype=F32) / 7).reshape(3, 30)
    yield "wrap_3d_sci", (torch.arange(60, dtype=F64) * 1.0e5 + 1).reshape(2, 3, 10)

    # n-D
    yield "matrix_integral", torch.tensor([[1.0, 2.0], [3.0, 4.0]])
    yield "matrix_decimal", torch.tensor([[0.2376, -1.0], [12.5, 0.0001]])
    yield "tensor_3d", torch.arange(24, dtype=F32).reshape(2, 3, 4)
    yield "tensor_3d_int64", torch.arange(24).reshape(2, 3, 4) - 12
    yield "tensor_4d", (torch.arange(16, dtype=F32) / 4).reshape(2, 2, 2, 2)
    yield "size_one_dims", torch.tensor([[[0.5]]])
    yield "row_vector", torch.tensor([[1.0, 2.5, 3.0]])
    yield "column_vector", torch.tensor([[1.0], [2.5], [3.0]])
    yield "single_element_1d", torch.tensor([42])

    # more than 1000 elements: summarized with edge items
    yield "summary_1d_float", torch.arange(1500, dtype=F32)
    yield "summary_1d_decimal", torch.arange(1001, dtype=F32) / 7
    yield "summary_1d_int64", torch.arange(1001)
    yield "summary_1d_bool", torch.arange(1001) % 2 == 0
    yield "summary_2d", (torch.arange(1089, dtype=F32) / 10).reshape(33, 33)
    yield "summary_2d_few_rows", (torch.arange(1002, dtype=F64) / 8).reshape(2, 501)
    yield "summary_2d_few_columns", (torch.arange(1002, dtype=F32) - 501).reshape(501, 2)
    yield "summary_3d", (torch.arange(1176, dtype=F32) / 100).reshape(7, 8, 21)
    yield "summary_3d_int64", torch.arange(1024).reshape(4, 16, 16)
    # the middle, which is not printed, does not widen the columns
    middle = torch.ones(1001)
    middle[500] = 123456.0
    yield "summary_ignores_hidden", middle
    yield "exactly_1000_not_summarized", torch.arange(1000).reshape(10, 100)

    # empty
    yield "empty_float32", torch.tensor([])
    yield "empty_float64", torch.tensor([], dtype=F64)
    yield "empty_int64", torch.tensor([], dtype=I64)
    yield "empty_bool", torch.tensor([], dtype=BOOL)
    yield "empty_0x3", torch.zeros(0, 3)
    yield "empty_2x0x3_int64", torch.zeros(2, 0, 3, dtype=I64)

    # suffixes that no longer fit on the last line go to a new one
    yield "dtype_suffix_wraps", torch.arange(11, dtype=F64) + 0.5
    yield "dtype_suffix_fits", torch.arange(10, dtype=F64) + 0.5
    yield "dtype_suffix_wraps_2d", (torch.arange(22, dtype=F64) + 0.5).reshape(2, 11)


def transposed_cases():
    yield "transpose_2d", torch.arange(12, dtype=F32).reshape(3, 4) / 4, (0, 1)
    yield "transpose_3d", torch.arange(24).reshape(2, 3, 4), (0, 2)
    yield "transpose_summarized", torch.arange(1050, dtype=F64).reshape(35, 30) * 0.5, (0, 1)


def device_cases():
    yield "cuda_float32", torch.tensor([1.0, 2.0])
    yield "cuda_float64", torch.tensor([1.5, 2.0], dtype=F64)
    yield "cuda_empty_int64", torch.zeros(0, 3, dtype=I64)
    yield "cuda_suffixes_fit", torch.arange(4, dtype=F64) + 0.5
    yield "cuda_dtype_wraps", torch.arange(5, dtype=F64) + 0.5
    yield "cuda_device_wraps", torch.arange(7, dtype=F64) + 0.5


def flat_values(t):
    values = t.reshape(-1).tolist()
    if t.dtype.is_floating_point:
        return [v if math.isfinite(v) else str(v) for v in values]
    return values


def entry(name, t, expected, **extra):
    e = {"name": name, "dtype": NAMES[t.dtype], "shape": list(t.shape), "values": flat_values(t)}
    e.update(extra)
    e["expected"] = expected
    return e


def main():
    entries = [entry(name, t, repr(t)) for name, t in cases()]
    entries += [entry(name, t, repr(t.transpose(*dims)), transpose=list(dims))
                for name, t, dims in transposed_cases()]
    entries += [entry(name, t, repr(t.as_subclass(tensor)), device="cuda:0")
                for name, t in device_cases()]
    for e in entries:
        print("# " + e["name"])
        print(e["expected"])
    out = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.json")
    with open(out, "w") as f:
        # one case per line keeps the file short and its diffs readable
        f.write("[\n" + ",\n".join(json.dumps(e, allow_nan=False) for e in entries) + "\n]\n")
    print(f"wrote {len(entries)} cases to {out}")


if __name__ == "__main__":
    main()
