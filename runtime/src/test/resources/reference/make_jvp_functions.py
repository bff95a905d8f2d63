#!/usr/bin/python3
"""Writes jvp_functions.json: the forward-mode custom-Function cases of PyTorch's test_autograd.py
(TestAutograd.test_custom_function_forward_mode_*, test_custom_function_save_for_forward), run by
torch, for CustomFunctionJvpTest, which ports each Function to a Java dev.nabla.autograd.Function
overriding jvp.

    /usr/bin/python3 runtime/src/test/resources/reference/make_jvp_functions.py

The upstream tests draw torch.rand inputs; here they come from make_jvp.py's formula, so the file is
the same on every run. Format: {"torch": version, "cases": [case, ...]}, one case per line:

    {"name": the Java test that reads it, "inputs": [tensor, ...],
     "tangents": [tensor or null, one per input: null for an input without a tangent],
     "outputs": [{"value": tensor, "tangent": tensor or null}, one per output of the Function],
     "gradcheck": whether torch's gradcheck(check_forward_ad=True) passes (where upstream calls it),
     "grads": [tensor, ...] (where upstream also runs backward: the inputs' gradients of out.sum()),
     "error": the first line of torch's error (where upstream expects one)}

with make_reference.py's tensors. Cases upstream that rely on what Java has no counterpart for are
left out here and named in CustomFunctionJvpTest's Javadoc, as is
test_custom_function_forward_mode_non_differentiable, which torch 1.13 cannot run: a Function with a
non-differentiable or integer output under forward mode stops at an internal assert ("Expected both
tensor and its forward grad to be floating point or complex"), fixed in later releases.
"""

import torch
import torch.autograd.forward_ad as fwAD
from torch.autograd import Function
from torch.autograd.gradcheck import gradcheck

from make_jvp import vals
from make_reference import F64, enc, write

CASES = []


def run(fn, inputs, tangents):
    """Applies fn to dual inputs (plain where the tangent is None); its outputs and their tangents."""
    with fwAD.dual_level():
        duals = [x if t is None else fwAD.make_dual(x, t) for x, t in zip(inputs, tangents)]
        outs = fn(*duals)
        outs = outs if isinstance(outs, tuple) else (outs,)
        unpacked = [fwAD.unpack_dual(o) for o in outs]
        return [{"value": enc(u.primal.detach().clone()),
                 "tangent": None if u.tangent is None else enc(u.tangent.clone())} for u in unpacked]


def record(name, inputs, tangents, outputs=None, **extra):
    c = {"name": name, "inputs": [enc(x.detach()) for x in inputs],
         "tangents": [None if t is None else enc(t) for t in tangents]}
    if outputs is not None:
        c["outputs"] = outputs
    c.update(extra)
    CASES.append(c)


def error_of(body):
    try:
        body()
    except RuntimeError as e:
        return str(e).split("\n")[0]
    raise AssertionError("torch was expected to raise")


# ---------------------------------------------------------- test_custom_function_forward_mode_view_checks


class ViewFn(Function):
    """The "ok" flag of upstream's ViewFn: forward returns a narrow view, jvp the same view of the tangent."""

    @staticmethod
    def forward(ctx, foo):
        ctx.size = foo.size()
        return foo.narrow(0, 0, 2)

    @staticmethod
    def backward(ctx, gO):
        gI = gO.new_zeros(ctx.size)
        gI.narrow(0, 0, 2).copy_(gO)
        return gI

    @staticmethod
    def jvp(ctx, gI):
        return gI.narrow(0, 0, 2)


def view_checks():
    x, t = vals((4, 4), 1), vals((4, 4), 2)
    record("viewFunctionJvpIsTheSameViewOfTheTangent", [x], [t], run(ViewFn.apply, [x], [t]),
           gradcheck=gradcheck(ViewFn.apply, (x.clone().requires_grad_(),), check_forward_ad=True))


# ---------------------------------------------------------- test_custom_function_forward_mode_inplace_checks


class InplaceFn(Function):
    """Upstream's InplaceFn with flag False: forward doubles its input in place, jvp its tangent in place."""

    @staticmethod
    def forward(ctx, foo):
        ctx.mark_dirty(foo)
        foo.mul_(2)
        return foo

    @staticmethod
    def backward(ctx, gO):
        return 2 * gO

    @staticmethod
    def jvp(ctx, gI):
        gI.mul_(2)
        return gI


def inplace_checks():
    x, t = vals((4, 4), 3), vals((4, 4), 4)

    def fn(inp):
        return InplaceFn.apply(inp.clone())

    record("inPlaceFunctionDoublesTheTangent", [x], [t], run(fn, [x], [t]),
           gradcheck=gradcheck(fn, (x.clone().requires_grad_(),), check_forward_ad=True))


# ---------------------------------------------------------- test_custom_function_forward_mode_wrong_formula


def user_fn(wrong):
    class UserFn(Function):
        @staticmethod
        def forward(ctx, foo):
            return foo * 2

        @staticmethod
        def backward(ctx, gO):
            return 2 * gO

        @staticmethod
        def jvp(ctx, gI):
            return 3 * gI if wrong else 2 * gI

    return UserFn


def wrong_formula():
    x, t = vals((10,), 5), vals((10,), 6)
    record("rightFormulaPassesGradcheck", [x], [t], run(user_fn(False).apply, [x], [t]),
           gradcheck=gradcheck(user_fn(False).apply, (x.clone().requires_grad_(),), check_forward_ad=True))
    wrong = user_fn(True)
    record("wrongFormulaFailsGradcheck", [x], [t], run(wrong.apply, [x], [t]),
           gradcheck=gradcheck(wrong.apply, (x.clone().requires_grad_(),), check_forward_ad=True,
                               raise_exception=False),
           error=error_of(lambda: gradcheck(wrong.apply, (x.clone().requires_grad_(),), check_forward_ad=True)))


# ---------------------------------------------- test_custom_function_forward_mode_non_tensor_before_tensor_args


class NonTensorFirst(Function):
    """Upstream's MyFn(nt, x, nt2, y) = x * 2 + y * 3; in Java the numbers are constructor arguments."""

    @staticmethod
    def forward(ctx, nt, x, nt2, y):
        return x * 2 + y * 3

    @staticmethod
    def jvp(ctx, nt, x_t, nt2, y_t):
        assert nt is None and nt2 is None
        return x_t * 2 + y_t * 3


def non_tensor_before_tensor_args():
    x, t, y = torch.tensor(1.0, dtype=F64), torch.tensor(1.0, dtype=F64), torch.tensor(1.0, dtype=F64)
    record("nonTensorArgumentsBeforeTensors", [x, y], [t, None],
           run(lambda a, b: NonTensorFirst.apply(1, a, 1, b), [x, y], [t, None]),
           gradcheck=gradcheck(lambda a, b: NonTensorFirst.apply(1, a, 1, b),
                               (x.clone().requires_grad_(), y.clone().requires_grad_()), check_forward_ad=True,
                               check_backward_ad=False, check_batched_grad=False))


# ---------------------------------------------------------- test_custom_function_forward_mode_forward_is_no_op


def returns_input(tangent_of_second):
    class MyFn(Function):
        """forward returns (x + y, x): its second output is an input as-is."""

        @staticmethod
        def forward(ctx, x, y):
            return x + y, x

        @staticmethod
        def backward(ctx, gO1, gO2):
            return gO1 + gO2, gO1

        @staticmethod
        def jvp(ctx, x_t, y_t):
            return x_t + y_t, tangent_of_second(x_t)

    return MyFn


def forward_is_no_op():
    a, t, b = torch.tensor(1.0, dtype=F64), torch.tensor(1.0, dtype=F64), torch.tensor(1.0, dtype=F64)
    view_as = returns_input(lambda x: x.view_as(x))
    # upstream's a_dual with b, which has no tangent: torch hands jvp zeros for b's tangent
    record("returningAnInputAsIsKeepsItsTangent", [a, b], [t, None], run(view_as.apply, [a, b], [t, None]),
           gradcheck=gradcheck(lambda x, y: view_as.apply(x, y)[1], (a.clone().requires_grad_(),
                                                                       b.clone().requires_grad_()),
                               check_forward_ad=True))
    doubled = returns_input(lambda x: x * 2)
    record("returningAnInputAsIsWithAnotherTangentIsAnError", [a, b], [t, None],
           error=error_of(lambda: run(doubled.apply, [a, b], [t, None])))


# ---------------------------------------------------------- test_custom_function_save_for_forward


class SaveForForward(Function):
    """z * x * y, saving x and y for both the backward and the jvp."""

    @staticmethod
    def forward(ctx, x, y, z):
        ctx.save_for_backward(x, y)
        ctx.save_for_forward(x, y)
        ctx.z = z
        ctx.prod = x * y
        return z * ctx.prod

    @staticmethod
    def jvp(ctx, x_t, y_t, _):
        x_p, y_p = ctx.saved_tensors
        z = ctx.z
        return z * (y_p * x_t + x_p * y_t)

    @staticmethod
    def backward(ctx, grad_out):
        x, y = ctx.saved_tensors
        z = ctx.z
        return z * grad_out * y, z * grad_out * x, None


class SavedForBackwardOnly(Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x.clone()

    @staticmethod
    def jvp(ctx, x_t):
        return x_t

    @staticmethod
    def backward(ctx, grad_out):
        return grad_out


def save_for_forward():
    a, t, b = torch.tensor(1.0, dtype=F64), torch.tensor(1.0, dtype=F64), torch.tensor(2.0, dtype=F64)
    outputs = run(lambda x, y: SaveForForward.apply(x, y, 4), [a, b], [t, None])
    la, lb = a.clone().requires_grad_(), b.clone().requires_grad_()
    with fwAD.dual_level():
        out = SaveForForward.apply(fwAD.make_dual(la, t), lb, 4)
        out.backward()
    record("jvpReadsWhatForwardSaved", [a, b], [t, None], outputs, grads=[enc(la.grad), enc(lb.grad)],
           gradcheck=gradcheck(lambda x, y: SaveForForward.apply(x, y, 4),
                               (a.clone().requires_grad_(), b.clone().requires_grad_()), check_forward_ad=True))
    la = a.clone().requires_grad_()
    with fwAD.dual_level():
        out = SavedForBackwardOnly.apply(fwAD.make_dual(la, t))
        out.backward()
    record("savedForBackwardOnly", [a], [t], run(SavedForBackwardOnly.apply, [a], [t]), grads=[enc(la.grad)],
           gradcheck=gradcheck(SavedForBackwardOnly.apply, (a.clone().requires_grad_(),), check_forward_ad=True))


def main():
    view_checks()
    inplace_checks()
    wrong_formula()
    non_tensor_before_tensor_args()
    forward_is_no_op()
    save_for_forward()
    write("jvp_functions.json", CASES)


if __name__ == "__main__":
    main()
