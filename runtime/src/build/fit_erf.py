#!/usr/bin/python3
"""Fits the rational approximation behind Erf.erf(float) (runtime/src/main/java/dev/nabla/backend/cpu/Erf.java)
and prints its coefficients as Java constants; rerun it to reproduce them (/usr/bin/python3, Debian's torch 1.13).

erf is odd, so erf(x) = x * f(x^2) with f(u) = erf(sqrt(u)) / sqrt(u), smooth on [0, X_MAX^2]. f is fitted as
P(u) / Q(u), P of degree 6 and Q of degree 5 with Q(0) = 1, minimising the largest relative error on a dense grid:
  1. linearised least squares (P - f Q) / f = 0, reweighted by 1 / Q_previous^2 each round (Sanathanan-Koerner),
     so that what is minimised tends to the relative error (P / Q - f) / f itself;
  2. after ten rounds, Lawson's reweighting (each point's weight times its error), which drives the least-squares
     solution towards the minimax one.
Beyond X_MAX = 4, erfc(x) < 1.6e-8, under half a float ulp below 1, so erf rounds to +-1 in float and the Java
code clamps its argument there. The fit works in s = u / X_MAX^2 in [0, 1] for conditioning and converts to
powers of u at the end.

Then it checks the constants as the Java code uses them (double arithmetic, one rounding to float at the end)
against float64 erf on every 7th float in [1e-30, 4] and on a fine grid near 4, and prints the largest error in
float ulps.
"""
import numpy as np
import torch

torch.set_default_dtype(torch.float64)
X_MAX = 4.0
P_DEGREE, Q_DEGREE = 6, 5
ROUNDS, PLAIN_ROUNDS = 60, 10


def fit():
    x = torch.cat([torch.linspace(1e-6, 0.01, 200), torch.linspace(0, X_MAX, 20001)[1:]])
    f = torch.special.erf(x) / x
    s = x * x / X_MAX ** 2
    powers_p = torch.stack([s ** k for k in range(P_DEGREE + 1)], 1)
    powers_q = torch.stack([s ** k for k in range(1, Q_DEGREE + 1)], 1)
    # Unknowns p_0..p_m, q_1..q_n of P(s) / (1 + sum q_k s^k); the rows are (P - f Q) / f = 0 with Q's 1 moved right.
    a = torch.cat([powers_p, -f[:, None] * powers_q], 1) / f[:, None]
    b = torch.ones_like(s)
    weight = torch.ones_like(s)
    q_previous = torch.ones_like(s)
    for round_ in range(ROUNDS):
        root = (weight / q_previous ** 2).sqrt()
        solution = torch.linalg.lstsq(a * root[:, None], b * root).solution
        p, q = solution[:P_DEGREE + 1], solution[P_DEGREE + 1:]
        q_values = 1 + powers_q @ q
        error = ((powers_p @ p) / q_values - f) / f
        q_previous = q_values
        if round_ >= PLAIN_ROUNDS:
            weight = weight * error.abs()
            weight = weight / weight.mean()
    p_u = [p[k].item() / X_MAX ** (2 * k) for k in range(P_DEGREE + 1)]
    q_u = [1.0] + [q[k].item() / X_MAX ** (2 * (k + 1)) for k in range(Q_DEGREE)]
    return p_u, q_u, error.abs().max().item()


def horner(coefficients, u):
    acc = np.full_like(u, coefficients[-1])
    for c in reversed(coefficients[:-1]):
        acc = acc * u + c
    return acc


def float_erf(x, p_u, q_u):
    """What Erf.erf(float) computes: x clamped to [-X_MAX, X_MAX] in double, x P(x^2) / Q(x^2), rounded to float."""
    xc = np.clip(x.astype(np.float64), -X_MAX, X_MAX)
    u = xc * xc
    return (xc * horner(p_u, u) / horner(q_u, u)).astype(np.float32)


def largest_ulp_error(p_u, q_u):
    lo, hi = np.float32(1e-30).view(np.int32), np.float32(X_MAX).view(np.int32)
    xs = np.concatenate([np.arange(lo, hi, 7, dtype=np.int32).view(np.float32),
                         np.linspace(3.5, 6, 200001).astype(np.float32)])
    reference = torch.special.erf(torch.from_numpy(xs.astype(np.float64))).numpy()
    ulp = np.spacing(np.abs(reference).astype(np.float32)).astype(np.float64)
    error = np.abs(float_erf(xs, p_u, q_u).astype(np.float64) - reference) / ulp
    return error.max(), xs[error.argmax()]


def main():
    p_u, q_u, relative = fit()
    print(f"// largest relative error of P/Q against erf(x)/x on the fitting grid: {relative:.2e}")
    print("private static final double[] P = {" + ", ".join(repr(c) for c in p_u) + "};")
    print("private static final double[] Q = {" + ", ".join(repr(c) for c in q_u) + "};")
    worst, at = largest_ulp_error(p_u, q_u)
    print(f"// largest error of the float result: {worst:.3f} ulp, at x = {at!r}")


if __name__ == "__main__":
    main()
