#!/usr/bin/python3
"""Writes schedules.json: the learning rates (and momentum terms) of torch.optim.lr_scheduler's
StepLR, CosineAnnealingLR, LinearLR and OneCycleLR, for SchedulerReferenceTest.

Run with the interpreter that has torch (1.13 was used):

    /usr/bin/python3 runtime/src/test/resources/optim/make_schedules.py

Every case puts three parameter groups with different learning rates into an optimizer, creates
the scheduler, and records each group's lr after construction and after each of `steps` calls to
scheduler.step() (an optimizer.step() without gradients precedes each, as in training). For
OneCycleLR it also records each group's momentum term (SGD's momentum, Adam's beta1), which the
scheduler cycles.

File format: {"torch": version, "cases": [case]}, where a case is {"name", "optimizer": "sgd" |
"adam", "options": {torch keyword arguments shared by the groups}, "lrs": [lr of each group],
"scheduler": "StepLR" | "CosineAnnealingLR" | "LinearLR" | "OneCycleLR", "args": {the
scheduler's keyword arguments}, "steps", "expected_lr": [[lr of each group], steps + 1 rows],
and for OneCycleLR "expected_momentum" likewise}. Floats are written with repr, so they round-trip.
"""

import json
import os

import torch

LRS = [0.1, 0.02, 0.5]

CASES = [
    ("step_every_3", "sgd", {}, "StepLR", dict(step_size=3, gamma=0.5), 20),
    ("step_every_1", "adam", {}, "StepLR", dict(step_size=1, gamma=0.9), 30),
    ("cosine_short_period", "sgd", {}, "CosineAnnealingLR", dict(T_max=7, eta_min=0.001), 45),
    ("cosine_to_zero", "adam", {}, "CosineAnnealingLR", dict(T_max=10, eta_min=0.0), 25),
    ("linear_warmup", "sgd", {}, "LinearLR", dict(start_factor=0.25, end_factor=1.0, total_iters=8), 15),
    ("linear_decay", "adam", {}, "LinearLR", dict(start_factor=1.0, end_factor=0.1, total_iters=10), 14),
    ("one_cycle_sgd", "sgd", dict(momentum=0.9), "OneCycleLR", dict(max_lr=0.3, total_steps=25), 25),
    ("one_cycle_sgd_no_momentum", "sgd", {}, "OneCycleLR", dict(max_lr=1.0, total_steps=7), 7),
    ("one_cycle_adam", "adam", dict(betas=(0.9, 0.99)), "OneCycleLR", dict(max_lr=0.01, total_steps=17), 17),
]

OPTIMIZERS = {"sgd": torch.optim.SGD, "adam": torch.optim.Adam}


def momentum(group):
    return group["betas"][0] if "betas" in group else group["momentum"]


cases = []
for name, kind, options, scheduler, args, steps in CASES:
    groups = [dict(params=[torch.zeros(2, requires_grad=True)], lr=lr) for lr in LRS]
    opt = OPTIMIZERS[kind](groups, **options)
    sched = getattr(torch.optim.lr_scheduler, scheduler)(opt, **args)
    lrs = [[g["lr"] for g in opt.param_groups]]
    momenta = [[momentum(g) for g in opt.param_groups]]
    for _ in range(steps):
        opt.step()
        sched.step()
        lrs.append([g["lr"] for g in opt.param_groups])
        momenta.append([momentum(g) for g in opt.param_groups])
    case = dict(name=name, optimizer=kind, options=options, lrs=LRS, scheduler=scheduler, args=args, steps=steps,
                expected_lr=lrs)
    if scheduler == "OneCycleLR":
        case["expected_momentum"] = momenta
    cases.append(case)

with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "schedules.json"), "w") as f:
    json.dump({"torch": torch.__version__, "cases": cases}, f, indent=1)
    f.write("\n")
