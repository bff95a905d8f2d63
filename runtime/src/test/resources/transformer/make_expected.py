#!/usr/bin/python3
"""Writes the PyTorch references of Nabla's transformer tests (TransformerReferenceTest, TransformerModulesTest).

Run with the interpreter that has torch (1.13 was used); it needs no safetensors package:

    /usr/bin/python3 runtime/src/test/resources/transformer/make_expected.py

Inputs are drawn from a seeded generator, rounded and stored explicitly, so the Java side never
reproduces torch's RNG; rerunning gives the same files.

expected.json: {"torch": version, "functional": [case], "encoder_layers": [layer case]}.
A tensor is {"dtype": "float64"|"float32"|"int64"|"bool", "shape": [...], "values": [row-major values]}.
A functional case: {"name", "op", "args": {...}, "inputs": [tensor], "output": tensor,
"grad_output": tensor or null (the output's gradient fed to backward; null: the output is a scalar
and gets 1), "grads": [tensor or null per input: the gradient of floating inputs]}; float64 throughout.
A layer case: {"name", "d_model", "heads", "dim_feedforward", "activation", "norm_first",
"weights": file name of the layer's state dict in safetensors format (float32), "input": tensor,
"mask": tensor or null (nn.MultiheadAttention's convention: bool true = not allowed, float = added),
"causal": whether PyTorch got the square subsequent mask (Nabla: causal=true), "output": tensor}; the layer
runs in eval mode, batch first, in float32.
"mha": [{"name", "weights", "embed_dim", "heads", "query", "key", "value", "mask" (as above, or [N*heads, L, S]),
"output"}], nn.MultiheadAttention(batch_first=True) in eval mode. "reprs": {name: repr(module)}.
"encoder_state_shapes": {key: shape} of TransformerEncoderLayer(8, 2, 16)'s state dict, in order.
"""

import json
import os
import struct

import torch
import torch.nn as nn
import torch.nn.functional as F

here = os.path.dirname(os.path.abspath(__file__))
gen = torch.Generator().manual_seed(2026)


def rand(*shape, scale=1.0, dtype=torch.float64):
    return (torch.randn(*shape, generator=gen, dtype=torch.float64) * scale).round(decimals=4).to(dtype)


def tensor(t):
    t = t.detach()
    kind = {torch.float64: "float64", torch.float32: "float32", torch.int64: "int64", torch.bool: "bool"}[t.dtype]
    values = t.reshape(-1).tolist()
    return {"dtype": kind, "shape": list(t.shape), "values": values}


functional = []


def case(name, op, fn, inputs, **args):
    leaves = [x.clone().requires_grad_(True) if x.is_floating_point() else x for x in inputs]
    out = fn(*leaves)
    grad_output = None if out.dim() == 0 else rand(*out.shape)
    out.backward(grad_output)
    functional.append({
        "name": name, "op": op, "args": args, "inputs": [tensor(x) for x in inputs], "output": tensor(out),
        "grad_output": None if grad_output is None else tensor(grad_output),
        "grads": [tensor(x.grad) if x.is_floating_point() else None for x in leaves],
    })


# erf over its whole range: the series near 0, the continued fraction beyond 2, exactly +-1 beyond 6.
erf_x = torch.cat([torch.linspace(-7, 7, 57, dtype=torch.float64), torch.tensor([1e-300, 1e-8, 0.4999, 0.5, 1.9999, 2.0,
                                                                                  5.9999, 6.0, 30.0], dtype=torch.float64)])
case("erf", "erf", torch.erf, [erf_x])
case("gelu", "gelu", F.gelu, [rand(3, 5, scale=3)])
case("silu", "silu", F.silu, [rand(3, 5, scale=3)])
case("softplus", "softplus", F.softplus, [torch.cat([rand(8, scale=4), torch.tensor([-50.0, -20.5, 19.99, 20.0, 20.01, 40.0],
                                                                                   dtype=torch.float64)])])
case("layerNorm", "layerNorm", lambda x, w, b: F.layer_norm(x, (4,), w, b, 1e-5), [rand(2, 3, 4), rand(4), rand(4)],
     normalized_shape=[4], eps=1e-5)
case("layerNorm over two dims, no affine", "layerNorm", lambda x: F.layer_norm(x, (3, 4), None, None, 1e-3),
     [rand(2, 3, 4, scale=5)], normalized_shape=[3, 4], eps=1e-3)
case("embedding", "embedding", lambda i, w: F.embedding(i, w), [torch.tensor([[0, 3, 3], [5, 0, 3]]), rand(6, 4)])

q, k, v = rand(2, 2, 3, 4), rand(2, 2, 5, 4), rand(2, 2, 5, 3)
keep = torch.tensor([[1, 0, 1, 1, 0], [1, 1, 1, 0, 0], [0, 0, 0, 0, 1]], dtype=torch.bool)
sdpa = torch.nn.functional._scaled_dot_product_attention
case("attention", "attention", lambda q, k, v: sdpa(q, k, v)[0], [q, k, v], causal=False)
case("attention, bool mask", "attention", lambda q, k, v, m: sdpa(q, k, v, attn_mask=m)[0], [q, k, v, keep], causal=False)
case("attention, float mask", "attention", lambda q, k, v, m: sdpa(q, k, v, attn_mask=m)[0], [q, k, v, rand(2, 1, 3, 5)],
     causal=False)
sq = rand(2, 4, 3)
case("attention, causal", "attention", lambda q, k, v: sdpa(q, k, v, is_causal=True)[0], [sq, rand(2, 4, 3), rand(2, 4, 3)],
     causal=True)
# Huge scores: the softmax must not overflow.
case("attention, huge scores", "attention", lambda q, k, v: sdpa(q, k, v)[0], [rand(3, 2, scale=300), rand(4, 2, scale=300),
                                                                              rand(4, 2)], causal=False)

logits = rand(5, 4, scale=3)
targets = torch.tensor([0, 3, 1, 1, 2])
case("crossEntropy", "crossEntropy", lambda x: F.cross_entropy(x, targets), [logits], target=targets.tolist(),
     ignore_index=-100, label_smoothing=0.0)
ignoring = torch.tensor([0, 3, -1, 1, -1])
case("crossEntropy, ignored and smoothed", "crossEntropy",
     lambda x: F.cross_entropy(x, ignoring, ignore_index=-1, label_smoothing=0.15), [logits], target=ignoring.tolist(),
     ignore_index=-1, label_smoothing=0.15)
logits3 = rand(2, 4, 3, scale=2)
targets3 = torch.tensor([[0, 3, 1], [2, 2, 0]])
case("crossEntropy, [N, C, d]", "crossEntropy", lambda x: F.cross_entropy(x, targets3, label_smoothing=0.1), [logits3],
     target=targets3.tolist(), ignore_index=-100, label_smoothing=0.1)
case("crossEntropy, huge logits", "crossEntropy", lambda x: F.cross_entropy(x, torch.tensor([2, 1])),
     [torch.tensor([[1000.0, -1000.0, 999.0], [-500.0, 700.5, 700.0]], dtype=torch.float64)], target=[2, 1],
     ignore_index=-100, label_smoothing=0.0)
nll_targets = torch.tensor([2, -100, 0, 3, 1])
case("nllLoss", "nllLoss", lambda x: F.nll_loss(x, nll_targets), [rand(5, 4).log_softmax(1)], target=nll_targets.tolist())
case("binaryCrossEntropyWithLogits", "binaryCrossEntropyWithLogits", F.binary_cross_entropy_with_logits,
     [torch.cat([rand(10, scale=3), torch.tensor([-800.0, 800.0, 0.0], dtype=torch.float64)]),
      torch.rand(13, generator=gen, dtype=torch.float64).round(decimals=4)])


# ---------------------------------------------------------------- encoder layers


def save_safetensors(state, path):
    """The safetensors format by hand: an 8-byte little-endian header length, the JSON header, the raw data."""
    header, blobs, offset = {}, [], 0
    for name, t in state.items():
        data = t.detach().contiguous().numpy().tobytes()
        header[name] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(data)]}
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


layers = []
for norm_first in (False, True):
    for activation, mask_kind in (("relu", None), ("gelu", "bool"), ("relu", "float"), ("gelu", "causal")):
        torch.manual_seed(len(layers))
        d_model, heads, ff, n, length = 8, 2, 16, 3, 5
        layer = nn.TransformerEncoderLayer(d_model, heads, ff, dropout=0.1, activation=activation, batch_first=True,
                                           norm_first=norm_first)
        with torch.no_grad():
            # Non-trivial norms and biases, so that every parameter matters.
            for p in layer.parameters():
                p.add_(rand(*p.shape, scale=0.1, dtype=torch.float32))
        layer.eval()
        x = rand(n, length, d_model, dtype=torch.float32)
        if mask_kind == "bool":
            mask = torch.tensor([[0, 1, 0, 0, 1], [0, 0, 1, 0, 0], [1, 0, 0, 0, 0], [0, 0, 0, 0, 1], [0, 1, 1, 0, 0]],
                                dtype=torch.bool)
        elif mask_kind == "float":
            mask = rand(length, length, dtype=torch.float32)
        else:
            mask = None
        with torch.no_grad():
            # Nabla's causal=true is PyTorch's square subsequent mask (-inf above the diagonal).
            causal = torch.nn.Transformer.generate_square_subsequent_mask(length)
            out = layer(x, src_mask=causal if mask_kind == "causal" else mask)
        name = f"encoder_{'pre' if norm_first else 'post'}_norm_{activation}_{mask_kind or 'no'}_mask"
        save_safetensors(layer.state_dict(), os.path.join(here, name + ".safetensors"))
        layers.append({"name": name, "d_model": d_model, "heads": heads, "dim_feedforward": ff, "activation": activation,
                       "norm_first": norm_first, "weights": name + ".safetensors", "input": tensor(x),
                       "mask": None if mask is None else tensor(mask), "causal": mask_kind == "causal",
                       "output": tensor(out)})

# Cross-attention (query, key and value differ), with a bool mask (true = not allowed) and then a float one.
torch.manual_seed(100)
mha = nn.MultiheadAttention(8, 2, batch_first=True)
with torch.no_grad():
    for p in mha.parameters():
        p.add_(rand(*p.shape, scale=0.1, dtype=torch.float32))
mha.eval()
query, key, value = (rand(2, 3, 8, dtype=torch.float32), rand(2, 5, 8, dtype=torch.float32),
                     rand(2, 5, 8, dtype=torch.float32))
forbid = torch.tensor([[0, 1, 0, 0, 1], [1, 1, 1, 0, 0], [0, 0, 0, 0, 0]], dtype=torch.bool)
head_bias = rand(4, 3, 5, dtype=torch.float32)
save_safetensors(mha.state_dict(), os.path.join(here, "mha.safetensors"))
with torch.no_grad():
    mha_cases = [{"name": name, "weights": "mha.safetensors", "embed_dim": 8, "heads": 2, "query": tensor(query),
                  "key": tensor(key), "value": tensor(value), "mask": None if m is None else tensor(m),
                  "output": tensor(mha(query, key, value, attn_mask=m, need_weights=False)[0])}
                 for name, m in (("no mask", None), ("bool mask", forbid), ("float mask per head", head_bias))]

# GELU (one fused kernel in Nabla) over its range: around 0, where 1 + erf cancels for large negative inputs, and
# where it is x itself. Drawn last, so that adding it changed none of the data above.
gelu_x = torch.cat([torch.linspace(-10, 10, 81, dtype=torch.float64),
                    torch.tensor([-30.0, -8.4999, 1e-300, -1e-8, 0.0, 1e-8, 8.4999, 30.0], dtype=torch.float64)])
case("gelu over its range", "gelu", F.gelu, [gelu_x])

# What PyTorch prints, and the state-dict keys with their shapes.
reprs = {
    "encoder_default": nn.TransformerEncoderLayer(8, 2, 16, batch_first=True),
    "encoder_gelu_pre_norm": nn.TransformerEncoderLayer(8, 2, 16, 0.2, "gelu", batch_first=True, norm_first=True),
    "mha": nn.MultiheadAttention(8, 2, batch_first=True),
    "layer_norm": nn.LayerNorm(16),
    "layer_norm_2d": nn.LayerNorm((2, 3)),
    "embedding": nn.Embedding(10, 3),
    "gelu": nn.GELU(),
    "silu": nn.SiLU(),
    "softmax": nn.Softmax(dim=1),
    "nll": nn.NLLLoss(),
    "bce_with_logits": nn.BCEWithLogitsLoss(),
    "cross_entropy_smoothed": nn.CrossEntropyLoss(ignore_index=0, label_smoothing=0.1),
}
state_shapes = {k: list(v.shape) for k, v in nn.TransformerEncoderLayer(8, 2, 16, batch_first=True).state_dict().items()}

with open(os.path.join(here, "expected.json"), "w") as f:
    json.dump({"torch": torch.__version__, "functional": functional, "encoder_layers": layers, "mha": mha_cases,
               "reprs": {k: repr(v) for k, v in reprs.items()}, "encoder_state_shapes": state_shapes}, f, indent=1,
              allow_nan=False)
    f.write("\n")
