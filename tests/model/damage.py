"""Damaged copies of a file, reproducibly: byte flips, truncations, insertions, repeated spans."""

from __future__ import annotations

import random
from collections.abc import Iterator

# Bytes that change meaning where they land: JSON and XML syntax, digits, a NUL, a high byte.
SPECIAL = b'{}[]",:<>&;=/?!-. 0123456789eE\x00\xff\x80\n'


def damaged(raw: bytes, count: int, seed: int) -> Iterator[bytes]:
    """``count`` damaged versions of ``raw``; the same seed gives the same files."""
    rng = random.Random(seed)
    for _ in range(count):
        data = bytearray(raw)
        for _ in range(rng.choice((1, 1, 2, 3, 8))):
            data = _one(rng, data)
        yield bytes(data)


def _one(rng: random.Random, data: bytearray) -> bytearray:
    if not data:
        return bytearray(rng.randbytes(rng.randint(1, 8)))
    kind = rng.randrange(6)
    i = rng.randrange(len(data))
    if kind == 0:  # flip one bit
        data[i] ^= 1 << rng.randrange(8)
    elif kind == 1:  # a byte that means something in JSON or XML
        data[i] = rng.choice(SPECIAL)
    elif kind == 2:  # cut the file short
        del data[i:]
    elif kind == 3:  # insert a few random bytes
        data[i:i] = rng.randbytes(rng.randint(1, 6))
    elif kind == 4:  # delete a span
        del data[i : i + rng.randint(1, 32)]
    else:  # repeat a span (nesting, duplicated keys, longer numbers)
        span = data[i : i + rng.randint(1, 24)]
        data[i:i] = span * rng.randint(1, 40)
    return data
