"""A slide's textbook arrangement on plain card sizes: leaves level with their port left of their
op, ops a column each by longest path, the rest down the last column after the turn."""

from __future__ import annotations

import random

from backprop_studio.model.slide_layout import (
    ROW_SPACE,
    TURN_SPACE,
    Wire,
    folded_layout,
    op_layers,
)

W, SPACE = 240.0, 70.0
LEAF, OP = 58.0, 76.0  # a scalar leaf's card; an op with two inputs (ports 43 and 61 down)
# the seed story: w, x → y_hat → sub_1 ← y; sub_1 → loss
NAMES = ["x", "y", "w", "y_hat", "sub_1", "loss"]
HEIGHTS = {"x": LEAF, "y": LEAF, "w": LEAF, "y_hat": OP, "sub_1": OP, "loss": LEAF}
WIRES = [
    Wire("w", "y_hat", 43.0, 43.0, 0, room=80.0),
    Wire("x", "y_hat", 43.0, 61.0, 1),
    Wire("y_hat", "sub_1", 52.0, 43.0, 0),
    Wire("y", "sub_1", 43.0, 61.0, 1),
    Wire("sub_1", "loss", 52.0, 43.0, 0),
]


def lay(turn: int) -> dict[str, tuple[float, float]]:
    return folded_layout(NAMES, WIRES, HEIGHTS, turn, card_width=W, column_space=SPACE)


def test_ops_are_layered_by_their_longest_path_through_ops_alone():
    assert op_layers(NAMES, WIRES) == {"y_hat": 0, "sub_1": 1, "loss": 2}


def test_in_one_row_every_leaf_is_the_column_left_of_its_op_and_stacked_in_port_order():
    at = lay(3)
    column = {n: round(x) for n, (x, _) in at.items()}
    assert column["w"] == column["x"] == 0
    assert column["y"] == column["y_hat"] > 0
    assert column["y_hat"] < column["sub_1"] < column["loss"]
    # sub_1 between the wires of y_hat (port a) and of y under it (port b)
    assert at["y_hat"][1] + 52 <= at["sub_1"][1] + 52 <= at["y"][1] + 43
    # w and x stacked in port order, y_hat between their wires
    assert at["w"][1] + LEAF + ROW_SPACE <= at["x"][1]
    assert at["w"][1] + 43 <= at["y_hat"][1] + 52 <= at["x"][1] + 43


def test_after_the_turn_the_ops_go_down_the_last_column_their_leaves_beside_them():
    at = lay(1)
    assert at["y_hat"][0] == at["sub_1"][0] == at["loss"][0] > W + SPACE  # w's label: wider
    assert at["w"][0] == at["x"][0] == at["y"][0] == 0.0
    assert at["sub_1"][1] >= at["y_hat"][1] + OP + TURN_SPACE  # room for the U-turn's run
    assert at["loss"][1] >= at["sub_1"][1] + OP + TURN_SPACE
    assert at["y"][1] + 43 == at["sub_1"][1] + 61  # a straight wire into port b
    assert at["y"][1] >= at["x"][1] + LEAF + ROW_SPACE


def test_a_column_gap_is_as_wide_as_a_wire_between_its_columns_needs_for_its_label():
    at = lay(3)
    wide = at["y_hat"][0] - W  # w → y_hat wants 80 from end to end, less the drop
    assert SPACE < wide < 80.0 + 10
    assert at["sub_1"][0] - at["y_hat"][0] - W == SPACE


def test_the_layout_is_deterministic_and_no_two_cards_overlap_on_a_random_tree():
    rng = random.Random(3)
    names, wires, heights = [], [], {}
    for i in range(40):
        name = f"v{i}"
        names.append(name)
        heights[name] = rng.choice([LEAF, OP, 146.0])
        if i >= 8:
            for port, src in enumerate(rng.sample(names[:-1], 2)):
                wires.append(Wire(src, name, 43.0, 43.0 + 18 * port, port))
    for turn in (1, 3, 100):
        at = folded_layout(names, wires, heights, turn, card_width=W, column_space=SPACE)
        assert at == folded_layout(names, wires, heights, turn, card_width=W, column_space=SPACE)
        boxes = sorted((x, y, y + heights[n]) for n, (x, y) in at.items())
        for (x1, _, bottom1), (x2, top2, _) in zip(boxes, boxes[1:]):
            if x1 == x2:
                assert top2 >= bottom1 + ROW_SPACE - 1e-6
