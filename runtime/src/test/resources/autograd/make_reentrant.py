#!/usr/bin/python3
"""Writes reentrant.json: what PyTorch's engine gives for backward runs that start other
backward runs from inside a node (reentrant backward) and for backward runs on several
threads, for ReentrantBackwardTest. The cases follow test_autograd.py's test_simple_reentrant,
test_reentrant_priority, test_checkpointing (the reentrant checkpoint of torch.utils.checkpoint,
written out as a Function) and TestMultithreadAutograd's test_simple_backward,
test_simple_backward_same_input and test_python_thread_in_middle, at sizes a unit test can
afford, plus the reproducer of issue 12.

Run with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/autograd/make_reentrant.py

Inputs are drawn from a seeded generator, rounded to 4 decimals and stored, so the Java side
replays them exactly; rerunning gives the same file. A tensor is {"shape": [...], "values":
[row-major float64 values]}.
"""

import json
import os
import threading

import torch

torch.set_default_dtype(torch.float64)
gen = torch.Generator().manual_seed(12)


def rand(*shape):
    return torch.randn(*shape, generator=gen).round(decimals=4)


def tensor(t):
    return {"shape": list(t.shape), "values": t.detach().reshape(-1).tolist()}


out = {"torch": torch.__version__}

# Issue 12: a backward that calls autograd.grad on the outer leaf, beside another path to it.
w = torch.tensor([1.5, -0.25, 2.0], requires_grad=True)


class GradInBackward(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return x * x

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        with torch.enable_grad():
            g, = torch.autograd.grad((w * 3).sum(), w)
        return grad * 2 * x * g


y = (GradInBackward.apply(w) + 2 * w).sum()
y.backward()
out["issue12"] = {"w": tensor(w), "grad": tensor(w.grad)}

# test_simple_reentrant
y_data = rand(2, 2)
x0 = rand(2, 2)


class Reenter(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        with torch.enable_grad():
            ctx.x = x.detach().requires_grad_(True)
            ctx.y = y_data.clone().requires_grad_(True)
            ctx.output_var = ctx.x * ctx.y
        return ctx.output_var.detach()

    @staticmethod
    def backward(ctx, grad_output):
        with torch.enable_grad():
            ctx.output_var.sum().backward()
        return ctx.x.grad * grad_output


x = x0.clone().requires_grad_(True)
Reenter.apply(x).sum().backward()
out["simple_reentrant"] = {"y": tensor(y_data), "x": tensor(x0), "grad": tensor(x.grad)}

# test_reentrant_priority
order = []


class MyFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        return x

    @staticmethod
    def backward(ctx, x):
        order.append("MyFunction")
        return x


class Reentrant(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        with torch.enable_grad():
            ctx.x = x.detach().requires_grad_(True)
            ctx.x = ctx.x - 1
        return ctx.x.detach()

    @staticmethod
    def backward(ctx, x):
        order.append("Reentrant")
        if ctx.x < 0:
            return x
        with torch.enable_grad():
            Reentrant.apply(ctx.x).backward()
        return x


a = MyFunction.apply(torch.tensor(6.0, requires_grad=True))
b = Reentrant.apply(torch.tensor(9.0, requires_grad=True))
(a * b).backward()
out["reentrant_priority"] = {"order": order}

# test_checkpointing, with the reentrant checkpoint written out: the forward runs without a
# graph and the backward recomputes the segment and backpropagates through it.
NUM_INP, NZ_INP, NZ_BOTTLENECK = 6, 5, 20
w1, b1, w2, b2 = rand(NZ_BOTTLENECK, NZ_INP), rand(NZ_BOTTLENECK), rand(NZ_INP, NZ_BOTTLENECK), rand(NZ_INP)
data = [rand(1, NZ_INP) for _ in range(NUM_INP)]
params = [t.clone().requires_grad_(True) for t in (w1, b1, w2, b2)]


def module(x):
    return torch.nn.functional.linear(torch.relu(torch.nn.functional.linear(x, params[0], params[1])), params[2],
                                      params[3])


class CheckpointFunction(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        with torch.no_grad():
            return module(x)

    @staticmethod
    def backward(ctx, grad):
        x, = ctx.saved_tensors
        x = x.detach().requires_grad_(True)
        with torch.enable_grad():
            torch.autograd.backward(module(x), grad)
        return x.grad


inputs = [d.clone().requires_grad_(True) for d in data]
feats = [CheckpointFunction.apply(x) for x in inputs]
torch.cat(feats).mean().backward()
out["checkpointing"] = {
    "params": [tensor(t) for t in (w1, b1, w2, b2)],
    "data": [tensor(d) for d in data],
    "param_grads": [tensor(p.grad) for p in params],
    "data_grads": [tensor(x.grad) for x in inputs],
}


def run_threads(fn, args=(), num_threads=10):
    threads = [threading.Thread(target=fn, args=args) for _ in range(num_threads)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


# test_simple_backward: each thread its own leaf.
results = []


def train_fn():
    x = torch.ones(5, 5, requires_grad=True)
    y = (x + 3) * (x + 4) * 0.5
    y.sum().backward()
    results.append(x.grad)


run_threads(train_fn)
assert all(torch.equal(r, results[0]) for r in results)
out["simple_backward"] = {"grad": tensor(results[0])}

# test_simple_backward_same_input: one leaf shared by every thread.
x = torch.ones(5, 5, requires_grad=True)


def train_fn_backward(x):
    y = (x + 3) * (x + 4) * 0.5
    y.sum().backward()


run_threads(train_fn_backward, (x,))
grads = []


def train_fn_grad(x):
    y = (x + 3) * (x + 4) * 0.5
    grads.append(torch.autograd.grad(y.sum(), x)[0])


run_threads(train_fn_grad, (x,))
assert all(torch.equal(g, grads[0]) for g in grads)
out["simple_backward_same_input"] = {"accumulated": tensor(x.grad), "grad": tensor(grads[0])}

# test_python_thread_in_middle, with retain_graph=True: the graph's first half is shared.
x_retain = torch.ones(5, 5, requires_grad=True)
y_retain = x_retain + x_retain ** 2


def train_fn_retain_graph(x):
    y = x + x ** 2
    y.sum().backward(retain_graph=True)


run_threads(train_fn_retain_graph, (y_retain,), num_threads=5)
out["thread_in_middle"] = {"grad": tensor(x_retain.grad)}

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "reentrant.json"), "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
