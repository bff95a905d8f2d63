#!/usr/bin/python3
"""Writes expected.json: the index lists of torch.utils.data.distributed.DistributedSampler, for DistributedSamplerTest.

Run with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 distributed/src/test/resources/sampler/make_expected.py

File format: {"torch": version, "cases": [case]}, where a case is {"size", "num_replicas", "shuffle",
"seed", "drop_last", "epoch", "len": len(sampler), "ranks": [[indices of rank r, in order], one per rank]}.
Rerunning gives the same file.
"""

import json
import os

import torch
from torch.utils.data.distributed import DistributedSampler

CASES = [
    # (size, num_replicas, shuffle, seed, drop_last, epoch)
    (10, 2, False, 0, False, 0),
    (10, 3, False, 0, False, 0),   # padded by one sample
    (10, 3, False, 0, True, 0),    # cut instead
    (2, 5, False, 0, False, 0),    # padding longer than the data set: repeated
    (2, 5, False, 0, True, 0),
    (10, 3, True, 0, False, 0),
    (10, 3, True, 0, False, 1),    # the next epoch's order
    (10, 3, True, 42, False, 0),
    (11, 4, True, 7, True, 3),
    (1797, 2, True, 0, False, 0),  # the digits data set on two ranks
    (1797, 2, True, 0, False, 5),
    (5000, 8, True, 123, False, 2),  # several Mersenne Twister refills
]


def main():
    cases = []
    for size, replicas, shuffle, seed, drop_last, epoch in CASES:
        ranks = []
        length = None
        for rank in range(replicas):
            sampler = DistributedSampler(range(size), num_replicas=replicas, rank=rank, shuffle=shuffle,
                                         seed=seed, drop_last=drop_last)
            sampler.set_epoch(epoch)
            ranks.append(list(sampler))
            length = len(sampler)
        cases.append({"size": size, "num_replicas": replicas, "shuffle": shuffle, "seed": seed,
                      "drop_last": drop_last, "epoch": epoch, "len": length, "ranks": ranks})
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.json")
    with open(path, "w") as f:
        json.dump({"torch": torch.__version__, "cases": cases}, f, separators=(",", ":"))
        f.write("\n")


if __name__ == "__main__":
    main()
