"""Program text ⇄ Graph: a few lines of Python-like arithmetic that build the expression graph.

The text is read with :mod:`ast` and a strict whitelist — nothing is ever evaluated, compiled or
imported — so a program from a file, the clipboard or the command line is as safe as a document.

    x = data(1.0)          # a fixed input
    w = 1.0                # a trainable parameter (also: w = param([[1.0, 2.0]]))
    loss = (w * x - 2)**2  # every op of the catalogue by its operator or name; the last line is the output

Attributes are keyword arguments: ``s = sum(h, axis=1)``, ``m = mean(h, axis=1, keepdim=True)``,
``r = reshape(h, shape=(-1, 3))``, ``u = unsqueeze(h, dim=0)``. A number exponent is the attribute of
one power node, as micrograd's ``**`` takes a number: ``d ** 2``, ``d ** -1`` and ``d ** 0.5`` are
``power(d, exponent=…)`` and print back as ``d**2``; ``d ** b`` with a node ``b`` is ``pow``. A leaf may be made by a recipe instead of
a value (``model/recipes.py``): ``W = param(shape=(2, 16), init="xavier", seed=0)``, or bound to a
built-in dataset, ``x = data(dataset="moons", part="x", n=200, noise=0.1, seed=0)``; the pair of a
dataset's features and targets may be written in one line, ``x, y = dataset("moons", n=200)``.
Rows read from a CSV file keep their origin: ``x = data([[1.0], [2.0]], csv="a.csv", columns=["a"])``.
An initialised leaf that training moved keeps its recipe and says so at the end of its line,
``W = param(shape=(2, 16), init="kaiming")  # trained``: the text does not hold the trained numbers
(the document does), so parsing alone gives the recipe's numbers under the mark, and an editor
applying the text takes the numbers the leaf had (``program_writer.keep_exact_values``).

Blocks (``model/program_blocks.py``) group the lines that build a layer, ``with block("Linear 1"):``,
or name their nodes after them, ``block("Linear 1", W1, b1, h1, collapsed=True)``; they change nothing
the text computes.

Names: a node assigned to a name takes it (``c_2``, ``c_3``… when a name is reassigned); unnamed
intermediates take the first free ``{op}_k`` (see :func:`auto_name`), other numbers become
``const`` nodes labelled with their text. :func:`to_program` writes a graph back so that parsing the text
rebuilds the same nodes, names, labels, values, edges, node order and output.
"""

from __future__ import annotations

from .program_parser import ProgramError, auto_name, parse_program
from .program_writer import MAX_INLINE, incomplete_nodes, to_program

__all__ = [
    "MAX_INLINE",
    "ProgramError",
    "auto_name",
    "incomplete_nodes",
    "parse_program",
    "to_program",
]
