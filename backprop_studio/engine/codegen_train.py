"""The training part of a generated script: ``training.Trainer``'s loop written out with torch.optim.

Same optimizer, same parameter order (it matters for gradient clipping), the loss read before
each update, the same mini-batches drawn from the same seeded generator, and the final loss over
all rows without gradients — so the losses and trained parameters match the studio's exactly.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .training import Trainer, TrainingError, TrainSettings

if TYPE_CHECKING:
    from ..model.graph import Graph
    from .codegen import _Writer

OPTIMIZER_NAMES = {"sgd": "SGD", "momentum": "SGD with momentum", "adam": "Adam"}
OPTIMIZER_CODE = {
    "sgd": "torch.optim.SGD({params}, lr={lr!r})",
    "momentum": "torch.optim.SGD({params}, lr={lr!r}, momentum={momentum!r})",
    "adam": "torch.optim.Adam({params}, lr={lr!r})",
}


def trainer_for(graph: Graph, settings: dict[str, Any]) -> Trainer:
    """The studio's trainer for ``graph``; CodegenError when it cannot train."""
    from .codegen import CodegenError

    try:
        return Trainer(graph, TrainSettings.from_dict(settings))
    except TrainingError as exc:
        raise CodegenError(f"cannot write the training loop: {exc}") from None


def batched_leaves(trainer: Trainer, var: dict[str, str]) -> list[str]:
    """The data leaves a step feeds a mini-batch of (forward's arguments), in group order."""
    return [var[trainer.plan.names[s]] for g in trainer.batcher.groups for s in g.slots]


def training_lines(writer: _Writer, trainer: Trainer, settings: dict[str, Any]) -> list[str]:
    """The loop, after the forward/backward report: it calls the forward() written above."""
    ts = trainer.settings
    steps = int(settings.get("training", {}).get("steps", 100))
    var = writer.var
    params = "[" + ", ".join(var[n] for n in trainer.param_names) + "]"
    groups = [[trainer.plan.names[s] for s in g.slots] for g in trainer.batcher.groups]
    optimizer = OPTIMIZER_CODE[ts.optimizer].format(params=params, lr=ts.lr, momentum=ts.momentum)
    lines = [
        "",
        "",
        f"# ---- Training: {steps} steps of {OPTIMIZER_NAMES[ts.optimizer]}, as the studio trains ----",
        f"optimizer = {optimizer}",
        "optimizer.zero_grad(set_to_none=True)  # forget the gradients printed above",
        f"steps = {steps}",
        "losses = []",
    ]
    if groups:
        lines += _batch_lines(trainer, groups)
    lines += [
        "",
        "",
        f"every = {max(1, steps // 10)}  # the table shows the loss every this many steps",
        "if not exact:",
        "    print()",
        "    print(f\"{'iteration':>9}  loss\")",
        "for iteration in range(steps):",
    ]
    if groups:
        args = []
        for i, group in enumerate(groups):
            lines.append(f"    index{i} = next(batches[{i}])  # this step's rows of dataset {i}")
            args += [f"{var[name]}.index_select(0, index{i})" for name in group]
        lines.append(f"    out = {writer.call(', '.join(args))}  # the output: the loss")
    else:
        lines.append(f"    out = {writer.call()}  # the output: the loss")
    lines += [
        "    value = out.item()  # the loss before this step's update",
        "    if not math.isfinite(value):",
        '        raise SystemExit(f"iteration {iteration}: the loss is not finite '
        '(try a smaller learning rate)")',
        "    losses.append(value)",
        "    out.backward()",
    ]
    if ts.clip is not None:
        lines.append(f"    torch.nn.utils.clip_grad_norm_({params}, {float(ts.clip)!r})")
    lines += [
        "    optimizer.step()",
        "    optimizer.zero_grad(set_to_none=True)",
        "    if not exact and iteration % every == 0:",
        '        print(f"{iteration:>9}  {value:.6g}")',
        "",
        "with torch.no_grad():",
        f"    final = {writer.call()}.item()  # all rows, after the last update",
        "if exact:",
        '    print(f"losses={json.dumps(losses)}")',
        '    print(f"final_loss={json.dumps(final)}")',
    ]
    for name in trainer.param_names:
        lines.append(f'    print(f"trained {name}={{json.dumps({var[name]}.detach().tolist())}}")')
    lines += [
        "else:",
        '    print(f"{steps:>9}  {final:.6g}  (after the last step)")',
        '    print("trained:")',
    ]
    width = max((len(name) for name in trainer.param_names), default=1)
    for name in trainer.param_names:
        lines.append(f'    print(f"  {name:<{width}}  {{cell({var[name]})}}")')
    return lines


def _batch_lines(trainer: Trainer, groups: list[list[str]]) -> list[str]:
    ts = trainer.settings
    sizes = [g.rows for g in trainer.batcher.groups]
    order = (
        "torch.randperm(rows, generator=generator)  # a new order every epoch"
        if ts.shuffle
        else "torch.arange(rows)  # the rows in file order"
    )
    names = ["/".join(group) for group in groups]
    return [
        f"generator = torch.Generator().manual_seed({ts.seed})",
        "",
        "",
        "def mini_batches(rows, size):",
        '    """Row indices of each mini-batch, epoch after epoch, drawn as the studio draws them."""',
        "    while True:",
        f"        order = {order}",
        "        for start in range(0, rows, size):",
        "            yield order[start : start + size]",
        "",
        "",
        f"# one stream of batches per dataset ({', '.join(names)}), each {ts.batch_size} rows",
        "batches = [" + ", ".join(f"mini_batches({rows}, {ts.batch_size})" for rows in sizes) + "]",
    ]
