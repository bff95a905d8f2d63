#!/usr/bin/python3
"""Trains a small CNN on the digits with PyTorch and writes what PyTorchCnnTest loads into Nabla.

    /usr/bin/python3 runtime/src/test/resources/nn/cnn/make_cnn.py [path/to/digits.csv.gz]

(the data defaults to ../shared/data/digits.csv.gz beside the repository; it is read only here).
Writes, next to this script:
  cnn.safetensors       the trained model's state dict (PyTorch's keys, running statistics included)
  repr.txt              print(model), the text Nabla's toString() must give
  modules.json          for each module of MODULES below: {"repr": str(module), "keys": its state-dict keys}
  expected.safetensors  "input": 32 images [32, 1, 8, 8] (pixels / 16) and "logits": the model's
                        outputs for them in evaluation mode, [32, 10], float32
The safetensors files are written by hand (the format is an 8-byte little-endian header length,
a JSON header, then the raw little-endian data), since Debian's PyTorch has no safetensors package.
The training is seeded, so rerunning the script gives the same files.
"""
import gzip
import json
import os
import struct
import sys

import torch
from torch import nn

here = os.path.dirname(os.path.abspath(__file__))
data = sys.argv[1] if len(sys.argv) > 1 else os.path.join(here, *[".."] * 7, "shared", "data", "digits.csv.gz")


def model():
    return nn.Sequential(
        nn.Conv2d(1, 4, 3, padding=1), nn.BatchNorm2d(4), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(4, 8, 3, 1, 1), nn.ReLU(), nn.AvgPool2d(2), nn.Flatten(),
        nn.Linear(32, 16), nn.BatchNorm1d(16), nn.ReLU(), nn.Dropout(0.1), nn.Linear(16, 10))


# name -> the module; PyTorchCnnTest builds the same with Nabla's constructors.
MODULES = {
    "conv1d": lambda: nn.Conv1d(2, 3, 3),
    "conv1d_all": lambda: nn.Conv1d(4, 6, 3, stride=2, padding=1, dilation=2, groups=2, bias=False),
    "conv2d": lambda: nn.Conv2d(1, 32, 3),
    "conv2d_all": lambda: nn.Conv2d(2, 4, 3, stride=2, padding=1, dilation=2, groups=2, bias=False),
    "max_pool2d": lambda: nn.MaxPool2d(2),
    "avg_pool2d": lambda: nn.AvgPool2d(3),
    "adaptive_avg_pool2d": lambda: nn.AdaptiveAvgPool2d((2, 3)),
    "batch_norm1d": lambda: nn.BatchNorm1d(5),
    "batch_norm2d_custom": lambda: nn.BatchNorm2d(3, eps=1e-3, momentum=0.01, affine=False),
    "flatten": lambda: nn.Flatten(),
    "identity": lambda: nn.Identity(),
    "module_list": lambda: nn.ModuleList([nn.Conv2d(1, 2, 3), nn.ReLU(), nn.BatchNorm2d(2)]),
    "module_dict": lambda: nn.ModuleDict({"conv": nn.Conv2d(1, 2, 3), "act": nn.ReLU(), "norm": nn.BatchNorm1d(2)}),
}


def save(tensors, path):
    names = {torch.float32: ("F32", "f"), torch.int64: ("I64", "q")}
    header, blobs, offset = {}, [], 0
    for name, t in tensors.items():
        kind, code = names[t.dtype]
        flat = t.detach().contiguous().reshape(-1).tolist()
        blob = struct.pack("<%d%s" % (len(flat), code), *flat)
        header[name] = {"dtype": kind, "shape": list(t.shape), "data_offsets": [offset, offset + len(blob)]}
        blobs.append(blob)
        offset += len(blob)
    text = json.dumps(header, separators=(",", ":")).encode()
    text += b" " * (-len(text) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)


def main():
    torch.manual_seed(0)
    with gzip.open(data, "rt") as f:
        rows = [list(map(float, line.split(","))) for line in f if line.strip()]
    table = torch.tensor(rows)
    x, y = (table[:, :64] / 16.0).reshape(-1, 1, 8, 8), table[:, 64].long()
    net = model()
    opt = torch.optim.Adam(net.parameters(), lr=3e-3)
    for _ in range(3):
        perm = torch.randperm(len(x))
        for i in range(0, len(x), 64):
            idx = perm[i:i + 64]
            opt.zero_grad()
            nn.functional.cross_entropy(net(x[idx]), y[idx]).backward()
            opt.step()
    net.eval()
    inputs = x[:32].clone()
    with torch.no_grad():
        logits = net(inputs)
        accuracy = (net(x).argmax(1) == y).float().mean().item()
    save(net.state_dict(), os.path.join(here, "cnn.safetensors"))
    save({"input": inputs, "logits": logits}, os.path.join(here, "expected.safetensors"))
    modules = {name: {"repr": str(make()), "keys": list(make().state_dict().keys())} for name, make in MODULES.items()}
    with open(os.path.join(here, "modules.json"), "w") as f:
        json.dump(modules, f, indent=1)
        f.write("\n")
    with open(os.path.join(here, "repr.txt"), "w") as f:
        f.write(str(net))
    print("training accuracy %.4f" % accuracy)


main()
