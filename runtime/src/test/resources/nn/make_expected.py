#!/usr/bin/python3
"""Writes expected.json: what PyTorch prints and computes for Nabla's nn tests (ModuleReprTest, LossTest, LinearTest).

Run with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/nn/make_expected.py

Inputs are fixed or drawn from a seeded generator and rounded, and stored explicitly, so the
Java side never reproduces torch's RNG; rerunning gives the same file.

File format: {"torch": version, "reprs": {name: repr(module)}, "losses": [case], "linear": [case]}.
A tensor is {"shape": [...], "values": [row-major float64 or int64 values]}.
A loss case: {"name", "loss": "mse"|"l1"|"cross_entropy", "reduction": "mean"|"sum"|"none",
"input": tensor, "target": tensor, "output": tensor, "grad_input": tensor (gradient of
output.sum() with respect to input)}.
A linear case: {"name", "input", "weight", "bias" (or null), "grad_output", "output", "grad_input",
"grad_weight", "grad_bias" (or null), "grad_fn": the output's grad_fn name}; all float64.
"""

import json
import os

import torch
import torch.nn as nn

gen = torch.Generator().manual_seed(1234)


def rand(*shape, scale=1.0):
    return (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale).round(decimals=4)


def tensor(t):
    return {"shape": list(t.shape), "values": t.detach().reshape(-1).tolist()}


# ---------------------------------------------------------------- printing

class LinearModule(nn.Module):  # seed 003
    def __init__(self, in_features, out_features):
        super().__init__()
        self.weights = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.randn(out_features))

    def forward(self, x):
        return torch.matmul(x, self.weights.t()) + self.bias


class ReLULayer(nn.Module):  # seed 003
    def forward(self, x):
        return torch.max(x, torch.zeros_like(x))


class MLP(nn.Module):  # seed 003
    def __init__(self, input_dim, hidden_dim, output_dim):
        super().__init__()
        self.linear1 = LinearModule(input_dim, hidden_dim)
        self.relu = ReLULayer()
        self.linear2 = LinearModule(hidden_dim, output_dim)


class SeedLinear(nn.Module):  # seed 001's Linear with extra_repr
    def __init__(self, input_features, output_features, bias=True):
        super().__init__()
        self.input_features = input_features
        self.output_features = output_features
        self.weight = nn.Parameter(torch.empty(output_features, input_features))
        if bias:
            self.bias = nn.Parameter(torch.empty(output_features))
        else:
            self.register_parameter('bias', None)

    def extra_repr(self):
        return 'input_features={}, output_features={}, bias={}'.format(
            self.input_features, self.output_features, self.bias is not None)


class TwoLines(nn.Module):  # a multi-line extra_repr beside children
    def __init__(self):
        super().__init__()
        self.head = nn.Linear(3, 2)

    def extra_repr(self):
        return 'alpha=1\nbeta=2'


class OnlyExtraLines(nn.Module):
    def extra_repr(self):
        return 'alpha=1\nbeta=2'


class WithNone(nn.Module):
    def __init__(self):
        super().__init__()
        self.first = nn.Tanh()
        self.register_module('missing', None)


reprs = {
    "digits_mlp": nn.Sequential(nn.Linear(64, 256), nn.ReLU(), nn.Linear(256, 256), nn.ReLU(), nn.Linear(256, 10)),
    "nested": nn.Sequential(nn.Linear(2, 3, bias=False), nn.Sequential(nn.Sigmoid(), nn.Dropout(0.25)), nn.Tanh(), nn.Dropout()),
    "empty_sequential": nn.Sequential(),
    "seed003_mlp": MLP(10, 20, 5),
    "seed001_linear": SeedLinear(3, 4),
    "seed001_linear_no_bias": SeedLinear(3, 4, bias=False),
    "two_lines": TwoLines(),
    "only_extra_lines": OnlyExtraLines(),
    "with_none": WithNone(),
    "mse": nn.MSELoss(),
    "l1_sum": nn.L1Loss(reduction='sum'),
    "cross_entropy": nn.CrossEntropyLoss(),
    "dropout_small": nn.Dropout(0.0001),
    "relu": nn.ReLU(),
}
reprs = {k: repr(v) for k, v in reprs.items()}
reprs["parameter"] = repr(nn.Parameter(torch.tensor([[1.0, -2.5], [0.25, 3.0]], dtype=torch.float32)))

# ---------------------------------------------------------------- losses

torch.set_default_dtype(torch.float64)

losses = []


def loss_case(name, kind, reduction, x, y):
    x = x.clone().requires_grad_(True)
    if kind == "mse":
        out = nn.MSELoss(reduction=reduction)(x, y)
    elif kind == "l1":
        out = nn.L1Loss(reduction=reduction)(x, y)
    else:
        out = nn.CrossEntropyLoss(reduction=reduction)(x, y)
    out.sum().backward()
    losses.append({"name": name, "loss": kind, "reduction": reduction, "input": tensor(x), "target": tensor(y),
                   "output": tensor(out), "grad_input": tensor(x.grad)})


reg_x = rand(4, 3)
reg_y = rand(4, 3)
reg_y[1, 2] = reg_x[1, 2]  # a zero difference: L1's gradient there is 0
for red in ("mean", "sum", "none"):
    loss_case("mse_" + red, "mse", red, reg_x, reg_y)
    loss_case("l1_" + red, "l1", red, reg_x, reg_y)

logits = rand(5, 4, scale=3.0)
classes = torch.tensor([0, 3, 1, 1, 2])
for red in ("mean", "sum", "none"):
    loss_case("cross_entropy_" + red, "cross_entropy", red, logits, classes)
# Large logits: a naive softmax overflows, logSoftmax does not.
big = torch.tensor([[1000.0, -1000.0, 999.0], [-500.0, 700.5, 700.0]])
loss_case("cross_entropy_large", "cross_entropy", "mean", big, torch.tensor([2, 1]))
loss_case("cross_entropy_one_sample", "cross_entropy", "mean", rand(6), torch.tensor(4))

# ---------------------------------------------------------------- Linear

linear = []
for name, batch, bias in (("bias", 3, True), ("no_bias", 3, False), ("batched_3d", (2, 3), True)):
    shape = (batch,) if isinstance(batch, int) else batch
    layer = nn.Linear(4, 2, bias=bias)
    with torch.no_grad():
        layer.weight.copy_(rand(2, 4))
        if bias:
            layer.bias.copy_(rand(2))
    x = rand(*shape, 4).requires_grad_(True)
    out = layer(x)
    g = rand(*out.shape)
    out.backward(g)
    linear.append({
        "name": name, "input": tensor(x), "weight": tensor(layer.weight), "bias": tensor(layer.bias) if bias else None,
        "grad_output": tensor(g), "output": tensor(out), "grad_input": tensor(x.grad),
        "grad_weight": tensor(layer.weight.grad), "grad_bias": tensor(layer.bias.grad) if bias else None,
        "grad_fn": type(out.grad_fn).__name__,
    })

out_path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.json")
with open(out_path, "w") as f:
    json.dump({"torch": torch.__version__, "reprs": reprs, "losses": losses, "linear": linear}, f, indent=1)
    f.write("\n")
