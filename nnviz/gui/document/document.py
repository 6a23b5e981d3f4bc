"""The file behind the window: path, modified mark, the File-menu actions, lectures (scenes, in
:mod:`nnviz.gui.document.lecture`) and trained models (in :mod:`nnviz.gui.document.models`).

A failing open or save shows the reason and changes nothing: the network stays as it was, and the
file on disk too (every write is atomic).
"""

from __future__ import annotations

import re
from pathlib import Path

from PySide6.QtCore import QObject, Signal, Slot
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox, QWidget

from nnviz.core import Network, NetworkFileError, new_seed
from nnviz.core.codegen import python_snippet
from nnviz.core.documents import read_any
from nnviz.core.fileio import export_weights
from nnviz.core.scenes import save_state

from ..appearance import Appearance
from ..preferences import Preferences
from .animation_dialog import AnimationExportMixin
from .export_dialog import FORMATS, ExportDialog, ExportOptions, save_picture
from .lecture import LectureMixin
from .models import OPEN_FILTER, ModelMixin

NETWORK_FILTER = "nnviz network (*.json);;All files (*)"
WEIGHTS_FILTER = "NumPy arrays (*.npz);;CSV table (*.csv)"
DEFAULT_VIEW_SIZE = (1280, 800)


class Document(LectureMixin, AnimationExportMixin, ModelMixin, QObject):
    """Keeps track of the open file and offers New, Open, Save, Export, Copy as Python, lectures and models.

    An opened model file (ONNX, PyTorch …) is never written over: Save asks for a new (.json) name.

    Args:
        state: the :class:`~nnviz.gui.state.NetworkState` whose network is the document.
        parent: the window; dialogs are centred on it.
        preferences: recent files and last folder (:class:`~nnviz.gui.preferences.Preferences`).
        appearance: where a scene's appearance hints are applied.
        renderer: the picture source for Export image (see :meth:`set_renderer`).

    Signals:
        titleChanged(str): the window title, with Qt's ``[*]`` placeholder for the modified mark.
        modifiedChanged(bool): unsaved changes appeared or went away.
        sceneChanged(str): the title of the lecture scene now shown; ``""`` when none is
            (declared by :class:`~nnviz.gui.document.lecture.LectureMixin`).
        message(str): a short report for the status bar ("Saved to …").
        sourceChanged(str): where an imported network came from (declared by
            :class:`~nnviz.gui.document.models.ModelMixin`).
    """

    titleChanged = Signal(str)
    modifiedChanged = Signal(bool)
    message = Signal(str)

    def __init__(self, state, parent=None, preferences: Preferences | None = None, *, appearance: Appearance,
                 renderer=None):
        super().__init__(parent)
        self._state = state
        self._window = parent
        self._preferences = preferences if preferences is not None else Preferences()
        self._appearance = appearance
        self._renderer = None
        self._path: Path | None = None
        self._modified = False
        self._export_options: ExportOptions | None = None
        self._build_actions()
        self._init_lecture()
        self._init_models()
        self.set_renderer(renderer)
        for signal in (state.structureChanged, state.settingsChanged, state.weightsChanged, state.inputChanged):
            signal.connect(self._on_state_changed)

    # -- reading ------------------------------------------------------------------------------------
    @property
    def path(self) -> Path | None:
        """The network file being edited; None for a new network or a lecture scene."""
        return self._path

    @property
    def is_modified(self) -> bool:
        return self._modified

    @property
    def display_name(self) -> str:
        if self._path is not None:
            return self._path.name
        return self._scene_caption() or "untitled"

    @property
    def window_title(self) -> str:
        return f"{self.display_name}[*] — nnviz"

    @property
    def actions(self) -> list[QAction]:
        """Every action, to add to the window too (so the shortcuts work while the menu bar is hidden)."""
        return [self.new_action, self.open_action, self.save_action, self.save_as_action,
                self.export_image_action, self.export_weights_action, self.copy_python_action,
                *self.model_actions, *self.lecture_actions]

    # -- wiring -------------------------------------------------------------------------------------
    def set_renderer(self, renderer) -> None:
        """Where Export image gets its picture: an object with ``render_image(w, h, scale, figure) -> QImage``
        and ``render_svg(path, w, h, scale, figure)`` (the network view), or None."""
        self._renderer = renderer
        self.export_image_action.setEnabled(renderer is not None)

    def connect_window(self, window) -> None:
        """Keep ``window``'s title and modified mark in step with the document."""
        window.setWindowTitle(self.window_title)
        window.setWindowModified(self._modified)
        self.titleChanged.connect(window.setWindowTitle)
        self.modifiedChanged.connect(window.setWindowModified)

    def populate_file_menu(self, menu: QMenu) -> None:
        """New, Open…, Open Recent, Save, Save As…, Export image…, Export weights…, Export model…, Copy as
        Python, PyTorch and Keras."""
        menu.addAction(self.new_action)
        menu.addAction(self.open_action)
        menu.addMenu(self.recent_menu)
        menu.addSeparator()
        menu.addAction(self.save_action)
        menu.addAction(self.save_as_action)
        menu.addSeparator()
        menu.addAction(self.export_image_action)
        menu.addAction(self.export_animation_action)
        menu.addAction(self.export_weights_action)
        menu.addAction(self.export_model_action)
        menu.addAction(self.copy_python_action)
        menu.addAction(self.copy_pytorch_action)
        menu.addAction(self.copy_keras_action)

    def _action(self, text, slot, shortcut=None, tip="", name="") -> QAction:
        """An action of the document that runs ``slot``; ``tip`` is its tool tip and status tip."""
        a = QAction(text, self)
        if shortcut is not None:
            a.setShortcut(QKeySequence(shortcut))
        a.setStatusTip(tip)
        a.setToolTip(tip)
        a.setObjectName(name)
        a.triggered.connect(slot)
        return a

    def _build_actions(self) -> None:
        action = self._action
        self.new_action = action("&New", self.new, QKeySequence.New, "Start again with the tutorial network",
                                 "newAction")
        self.open_action = action("&Open…", self.open, QKeySequence.Open,
                                  "Open a saved network or a lecture (.json), or a trained model "
                                  "(ONNX, PyTorch, safetensors, Keras, scikit-learn, .npz)", "openAction")
        self.save_action = action("&Save", self.save, QKeySequence.Save, "Save the network, weights and inputs",
                                  "saveAction")
        self.save_as_action = action("Save &As…", self.save_as, "Ctrl+Shift+S",
                                     "Save the network under a new name", "saveAsAction")
        self.export_image_action = action("&Export Image…", self.export_image, "Ctrl+Shift+E",
                                          "Save a picture of the network (PNG or SVG) for slides",
                                          "exportImageAction")
        self.export_animation_action = action("Export A&nimation…", self.export_animation, None,
                                              "Save training, re-rolls or a lecture's scenes as a GIF, PNG or WebP "
                                              "animation", "exportAnimationAction")
        self.export_weights_action = action("Export &Weights…", self.export_weights, None,
                                            "Save the weights as NumPy arrays (.npz) or a table (.csv)",
                                            "exportWeightsAction")
        self.copy_python_action = action("Copy as &Python", self.copy_python, "Ctrl+Shift+C",
                                         "Copy Python code that rebuilds this exact network with nnviz.core",
                                         "copyPythonAction")
        self.recent_menu = QMenu("Open &Recent", self._window if isinstance(self._window, QWidget) else None)
        self.recent_menu.setObjectName("recentMenu")
        self.recent_menu.aboutToShow.connect(self._fill_recent_menu)
        self._fill_recent_menu()

    @Slot()
    def _fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self._preferences.recent_files()
        for i, path in enumerate(files):
            label = f"&{i + 1} {Path(path).name}" if i < 9 else f"1&0 {Path(path).name}"
            a = self.recent_menu.addAction(label)
            a.setToolTip(path)
            a.setStatusTip(path)
            a.triggered.connect(lambda _=False, p=path: self.open_path(p))
        if files:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction("&Clear Menu", self._preferences.clear_recent_files)
        else:
            self.recent_menu.addAction("No recent files").setEnabled(False)

    # -- modified mark ------------------------------------------------------------------------------
    @Slot()
    def _on_state_changed(self) -> None:
        if not self._state.is_replacing:
            self._set_modified(True)

    def _set_modified(self, modified: bool) -> None:
        if modified != self._modified:
            self._modified = modified
            self.modifiedChanged.emit(modified)

    def _set_path(self, path) -> None:
        self._path = None if path is None else Path(path).absolute()
        self.titleChanged.emit(self.window_title)

    def _replace(self, network: Network, inputs) -> None:
        """Show ``network``; the signals this sends do not count as edits."""
        with self._state.replacing():
            self._state.set_network(network, inputs)
        self._set_modified(False)

    def adopt_path(self, path, source: str = "") -> None:
        """The state already shows the network saved in ``path`` (opened from the command line);
        ``source`` says where a model file came from ("ONNX, 3 Gemm layers"), "" for nnviz's own files."""
        self._set_path(path)
        self._set_source(source)
        self._set_modified(False)
        self._remember(self._path)

    def _remember(self, path: Path) -> None:
        self._preferences.add_recent_file(path)
        self._preferences.set_last_folder(path)

    # -- files --------------------------------------------------------------------------------------
    def maybe_save(self) -> bool:
        """If there are unsaved changes, ask Save / Discard / Cancel; True if the caller may go on."""
        if not self._modified:
            return True
        answer = self._ask_save_changes()
        if answer == "save":
            return self.save()
        return answer == "discard"

    @Slot()
    def new(self) -> bool:
        """Start again with the tutorial network (2-4-2, inputs 3 and 4, a fresh seed)."""
        if not self.maybe_save():
            return False
        self._close_lecture()
        self._replace(Network([2, 4, 2], seed=new_seed()), (3.0, 4.0))
        self._set_path(None)
        self._set_source("")
        self.message.emit("New network")
        return True

    @Slot()
    def open(self) -> bool:
        if not self.maybe_save():
            return False
        path = self._ask_open_path("Open Network, Lecture or Model", OPEN_FILTER)
        return self._load(path) if path else False

    def open_path(self, path) -> bool:
        """Open a network file, a lecture or a model file (asks about unsaved changes first)."""
        if not self.maybe_save():
            return False
        return self._load(path)

    def _load(self, path) -> bool:
        path = Path(path)
        try:
            opened = read_any(path)
        except NetworkFileError as e:
            self._show_error("Could Not Open File", f"{e}\n\nThe network on screen was left as it was.")
            return False
        except MemoryError:
            self._show_error("Could Not Open File", f"{path.name} is too large to open with the memory available.")
            return False
        if opened.kind == "model":
            if not self._open_model(opened):
                return False
        elif opened.kind == "lecture":
            self._start_lecture(opened.scenes, path.stem, path)
            self._set_source("")
        else:
            self._close_lecture()
            self._replace(opened.network, opened.inputs)
            self._set_path(path)
            self._set_source("")
            self.message.emit(f"Opened {path}")
        self._remember(path.absolute())
        return True

    @Slot()
    def save(self) -> bool:
        # An imported model is never written over with nnviz's JSON: ask for a .json name instead.
        return self.save_as() if self._path is None or self.source else self.save_to(self._path)

    @Slot()
    def save_as(self) -> bool:
        path = self._ask_save_path("Save Network", NETWORK_FILTER, self._suggested_name(".json"))
        return self.save_to(path) if path else False

    def save_to(self, path) -> bool:
        """Save the network and its inputs to ``path``; on failure, say why and keep everything as it was."""
        path = Path(path)
        try:
            save_state(path, self._state.network, self._state.inputs)
        except (OSError, ValueError) as e:  # ValueError: NaN or infinite weights (a diverged training)
            self._show_error("Could Not Save", f"{e}\n\nThe file on disk was left as it was; "
                                               "your network is still open.")
            return False
        self._set_path(path)
        self._set_source("")
        self._set_modified(False)
        self._remember(self._path)
        self.message.emit(f"Saved to {self._path}")
        return True

    def _suggested_name(self, suffix: str) -> str:
        if self._path is not None:
            stem = self._path.stem
        elif self.current_scene is not None:
            stem = re.sub(r"[^\w]+", "-", self.current_scene.title.lower()).strip("-") or "scene"
        else:
            stem = "network"
        return str(Path(self._preferences.last_folder()) / f"{stem}{suffix}")

    # -- export -------------------------------------------------------------------------------------
    @Slot()
    def export_image(self) -> bool:
        if self._renderer is None:
            return False
        options = self._ask_export_options()
        if options is None:
            return False
        self._export_options = options
        path = self._ask_save_path("Export Image", FORMATS[options.format], self._suggested_name(f".{options.format}"))
        if not path:
            return False
        width, height = options.pixel_size
        return self._export("Image", lambda: save_picture(self._renderer, path, width, height, options.scale,
                                                          options.figure),
                            path, f"Exported a {width} × {height} picture to {path}")

    def _view_size(self) -> tuple[int, int]:
        size = getattr(self._renderer, "size", None)
        if callable(size):
            s = size()
            if s.width() >= 16 and s.height() >= 16:
                return s.width(), s.height()
        return DEFAULT_VIEW_SIZE

    @Slot()
    def export_weights(self) -> bool:
        path = self._ask_save_path("Export Weights", WEIGHTS_FILTER, self._suggested_name(".npz"))
        if not path:
            return False
        return self._export("Weights", lambda: export_weights(self._state.network, path), path,
                            f"Exported {self._state.network.n_weights:,} weights to {path}")

    def _export(self, what: str, write, path, done: str) -> bool:
        """Run ``write()``: on failure say why (the old file stays as it was), else remember the folder."""
        try:
            write()
        except (OSError, ValueError) as e:
            self._show_error(f"Could Not Export {what}", str(e))
            return False
        self._preferences.set_last_folder(path)
        self.message.emit(done)
        return True

    @Slot()
    def copy_python(self) -> str:
        """Put a Python snippet that rebuilds the network on the clipboard; returns it."""
        return self._copy_code(python_snippet(self._state.network, self._state.inputs), "Python")

    # -- dialogs (small methods, so that tests can replace them) ----------------------------------
    def _ask_open_path(self, caption: str, filters: str) -> str | None:
        path, _ = QFileDialog.getOpenFileName(self._window, caption, self._preferences.last_folder(), filters)
        return path or None

    def _ask_save_path(self, caption: str, filters: str, suggested: str) -> str | None:
        path, selected = QFileDialog.getSaveFileName(self._window, caption, suggested, filters)
        if not path:
            return None
        match = re.search(r"\(\*(\.\w+)\)", selected or filters)
        if match and not Path(path).suffix:
            path += match[1]
        return path

    def _ask_save_changes(self) -> str:
        """``"save"``, ``"discard"`` or ``"cancel"``."""
        box = QMessageBox(QMessageBox.Warning, "Unsaved Changes — nnviz",
                          f"Save the changes to {self.display_name}?",
                          QMessageBox.Save | QMessageBox.Discard | QMessageBox.Cancel, self._window)
        box.setInformativeText("Your changes to the network are lost if you don't save them.")
        box.setDefaultButton(QMessageBox.Save)
        answer = box.exec()
        return {QMessageBox.Save: "save", QMessageBox.Discard: "discard"}.get(QMessageBox.StandardButton(answer),
                                                                             "cancel")

    def _show_error(self, title: str, text: str) -> None:
        QMessageBox.warning(self._window, f"{title} — nnviz", text)

    def _ask_export_options(self) -> ExportOptions | None:
        dialog = ExportDialog(self._view_size(), self._export_options, self._window)
        return dialog.options() if dialog.exec() == ExportDialog.Accepted else None
