"""Test set-up: no display needed; Qt renders offscreen."""

import os
import sys

if not os.environ.get("QT_QPA_PLATFORM"):  # unset or empty: no display is needed
    os.environ["QT_QPA_PLATFORM"] = "offscreen"
os.environ.setdefault("QT_LOGGING_RULES", "qt.qpa.*=false")

import pytest  # noqa: E402


@pytest.fixture(autouse=True)
def _isolated_app_state(tmp_path_factory, monkeypatch):
    """Each test gets its own settings, recovery and log folders, never the user's."""
    root = tmp_path_factory.mktemp("state")
    monkeypatch.setenv("BACKPROP_STUDIO_RECOVERY_DIR", str(root / "recovery"))
    monkeypatch.setenv("BACKPROP_STUDIO_LOG_DIR", str(root / "log"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(root / "config"))
    from PySide6.QtCore import QSettings

    QSettings.setPath(
        QSettings.Format.NativeFormat, QSettings.Scope.UserScope, str(root / "config")
    )
    yield
    log_file = sys.modules.get("backprop_studio.log_file")
    if log_file is not None:  # no test's log file stays open, or gets the next test's records
        log_file.reset_logging()
    garbage = sys.modules.get("backprop_studio.app.gui_garbage")
    if garbage is not None:  # a window turned automatic collection off: collect what is due
        garbage.collect_due()


@pytest.fixture(autouse=True, scope="session")
def _empty_clipboard_at_exit():
    """Qt's offscreen platform crashes at exit while its clipboard still holds data."""
    yield
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is not None:
        app.clipboard().clear()
