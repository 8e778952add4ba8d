"""``backprop-studio export``: every format written and checked, headless, clear failures."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pytest
from PIL import Image

from backprop_studio.canvas.style import LIGHT
from backprop_studio.cli.main import main
from backprop_studio.model.gallery import example_path
from tests.test_cli import run

SEED_FILE = example_path("seed")  # the checkout's own, wherever the install maps resources
PROGRAM = "w = 1.5; x = data(2.0); y = data(1.0); loss = (w * x - y) ** 2"


def accent_pixels(path: Path) -> int:
    """How many pixels carry either gradient accent of the light theme."""
    rgb = np.asarray(Image.open(path).convert("RGB")).astype(int)
    count = 0
    for color in (LIGHT.positive, LIGHT.negative):
        target = np.array([color.red(), color.green(), color.blue()])
        count += int((np.abs(rgb - target) <= 20).all(axis=-1).sum())
    return count


def test_png_at_a_scale_reopens_with_eval(qtbot, capsys, tmp_path):
    out = tmp_path / "seed.png"
    code, stdout, err = run(capsys, "export", str(SEED_FILE), "-o", str(out), "--scale", "1")
    assert (code, err) == (0, "") and "wrote" in stdout
    image = Image.open(out)
    assert image.format == "PNG" and 1000 < image.width < 1600
    assert accent_pixels(out) > 100  # gradients are shown: the graph was evaluated first
    double = tmp_path / "double.png"
    assert run(capsys, "export", str(SEED_FILE), "-o", str(double), "--scale", "2")[0] == 0
    assert abs(Image.open(double).width - 2 * image.width) <= 2
    code, stdout, _ = run(capsys, "eval", str(out), "--json")
    assert code == 0 and json.loads(stdout)["nodes"]["w"]["grad"] == -2.0


def test_no_values_draws_the_bare_graph(qtbot, capsys, tmp_path):
    out = tmp_path / "bare.png"
    assert run(capsys, "export", str(SEED_FILE), "-o", str(out), "--no-values")[0] == 0
    assert accent_pixels(out) == 0


def test_svg_from_a_program_has_text_and_the_graph(qtbot, capsys, tmp_path):
    out = tmp_path / "prog.svg"
    assert run(capsys, "export", "-e", PROGRAM, "-o", str(out), "--theme", "dark")[0] == 0
    root = ET.parse(out).getroot()
    texts = {"".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")}
    assert {"w", "loss", "8.0000"} <= texts
    code, stdout, _ = run(capsys, "eval", str(out), "--json")
    assert json.loads(stdout)["nodes"]["w"]["grad"] == 8.0


def test_pdf_and_gif(qtbot, capsys, tmp_path):
    pdf = tmp_path / "seed.pdf"
    assert run(capsys, "export", str(SEED_FILE), "-o", str(pdf))[0] == 0
    assert pdf.read_bytes().startswith(b"%PDF")
    gif = tmp_path / "seed.gif"
    argv = ["export", str(SEED_FILE), "-o", str(gif), "--width", "400", "--frames-per-step", "1"]
    assert run(capsys, *argv, "--backward-only")[0] == 0
    image = Image.open(gif)
    # the seed's backward pass: the seed at the loss, 3 edges that carry a gradient, the start
    assert (image.width, image.n_frames) == (400, 5)


def test_python_script_with_training(capsys, tmp_path):
    out = tmp_path / "seed.py"
    code, stdout, _ = run(capsys, "export", str(SEED_FILE), "-o", str(out), "--train")
    assert code == 0 and "seed.py" in stdout
    text = out.read_text(encoding="utf-8")
    assert "requires_grad=True" in text and "torch.optim.SGD" in text
    compile(text, str(out), "exec")


@pytest.mark.parametrize(
    ("argv", "status", "message"),
    [
        (["-o", "out.jpg"], 2, "must end in .png, .svg, .pdf, .gif, .py"),
        (["-o", "out.png", "--scale", "0"], 2, "positive"),
        (["-o", "{tmp}/missing/out.png"], 1, "cannot write"),
        (["-e", "x = data(2.0)\nd = exp(x)", "-o", "{tmp}/x.py", "--train"], 1, "nothing to train"),
        (["-e", "w = 1.0\nnope(w)", "-o", "{tmp}/x.png"], 1, "nope"),
        (["-o", "{tmp}/s.gif", "--hold", "-1"], 2, "a hold is 0 to 600 seconds"),
        (["-o", "{tmp}/s.png", "--slide", "16:10"], 2, "a slide is 16:9, 4:3 or WIDTHxHEIGHT"),
        (["-o", "{tmp}/s.png", "--min-text", "8"], 2, "it needs --slide"),
        (["-o", "{tmp}/s.gif", "--slide", "16:9"], 2, "--slide draws a picture"),
        (["-o", "{tmp}/s.py", "--values-only"], 2, "it needs an OUT.png, .svg or .pdf"),
        (["-o", "{tmp}/s.png", "--slide", "4:3", "--min-text", "x"], 2, "0 to 200 points"),
        (["-o", "{tmp}/s.pdf", "--slide", "320x180", "--min-text", "20"], 1, "under the 20 pt"),
    ],
)
def test_failures_are_one_clear_line(capsys, tmp_path, argv, status, message):
    argv = [a.replace("{tmp}", str(tmp_path)) for a in argv]
    if argv[0] != "-e":
        argv = [str(SEED_FILE), *argv]
    if status == 2:
        with pytest.raises(SystemExit) as info:
            main(["export", *argv])
        assert info.value.code == 2
        assert message in capsys.readouterr().err
        return
    code, _, err = run(capsys, "export", *argv)
    assert code == status and message in err and err.count("\n") == 1


def test_headless_without_a_display(tmp_path):
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")}
    env.pop("QT_QPA_PLATFORM", None)
    out = tmp_path / "headless.png"
    argv = [sys.executable, "-m", "backprop_studio", "export", str(SEED_FILE), "-o", str(out)]
    done = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=300)
    assert done.returncode == 0, done.stderr
    assert Image.open(out).format == "PNG"


@pytest.mark.parametrize("suffix", ["png", "svg", "pdf"])
def test_a_slide_fills_its_frame_and_says_how(qtbot, capsys, tmp_path, suffix):
    out = tmp_path / f"seed.{suffix}"
    code, stdout, err = run(capsys, "export", str(SEED_FILE), "--slide", "16:9", "-o", str(out))
    assert (code, err) == (0, "")
    assert "1920 × 1080" in stdout and "smallest text" in stdout and " pt" in stdout
    if suffix == "png":
        image = Image.open(out).convert("RGB")
        assert image.size == (1920, 1080) and image.getpixel((0, 0)) == (255, 255, 255)
        code, stdout, _ = run(capsys, "eval", str(out), "--json")
        assert code == 0 and json.loads(stdout)["output"] == 1.0
    elif suffix == "svg":
        root = ET.parse(out).getroot()
        assert (root.get("width"), root.get("height")) == ("1920", "1080")
    else:
        assert b"/MediaBox [0 0 960.000000 540.000000]" in out.read_bytes()


def test_values_only_and_backgrounds_apply_to_drawings_too(qtbot, capsys, tmp_path):
    out = tmp_path / "seed.png"
    code, _, err = run(
        capsys, "export", str(SEED_FILE), "--background", "white", "--values-only", "-o", str(out)
    )
    assert (code, err) == (0, "")
    assert Image.open(out).convert("RGB").getpixel((1, 1)) == (255, 255, 255)
    code, _, _ = run(capsys, "export", str(SEED_FILE), "-o", str(out))
    assert code == 0 and Image.open(out).convert("RGB").getpixel((1, 1)) != (255, 255, 255)


def test_a_gif_holds_each_finished_step_as_asked(qtbot, capsys, tmp_path):
    durations = {}
    for hold in ("0", "4"):
        out = tmp_path / f"hold{hold}.gif"
        argv = ["export", str(SEED_FILE), "-o", str(out), "--hold", hold, "--backward-only"]
        code, stdout, err = run(capsys, *argv)
        assert (code, err) == (0, "")
        image = Image.open(out)
        assert f"{image.n_frames} frames" in stdout
        durations[hold] = []
        for i in range(image.n_frames):
            image.seek(i)
            durations[hold].append(image.info["duration"])
    extra = [b - a for a, b in zip(durations["0"], durations["4"])]
    assert extra.count(4000) == 2 and extra[-1] == 4000 - 2500  # two edges, then the end
