"""Lectures in the document: open one, step through its scenes, add the network on screen as a scene."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QInputDialog, QMenu

from nnviz.core.scenes import Scene, example_lecture, save_scenes

LECTURE_FILTER = "nnviz lecture (*.json);;All files (*)"


class LectureMixin:
    """The lecture part of :class:`~nnviz.gui.document.document.Document`.

    A mixin rather than an object of its own because a scene *is* the document while it is shown:
    showing one replaces the document's network and path, and opening a file may start a lecture.

    The host is a QObject that calls :meth:`_init_lecture` once its ``_action`` helper exists, and
    provides ``_state``, ``_preferences``, ``_appearance``, ``_window``, ``window_title``, ``maybe_save()``,
    ``_load(path)``, ``_replace(network, inputs)``, ``_set_path(path)``, ``_remember(path)``,
    ``_ask_open_path``, ``_ask_save_path``, ``_show_error`` and the signals ``message`` and ``titleChanged``.

    Signals:
        sceneChanged(str): the title of the lecture scene now shown; ``""`` when none is.
    """

    sceneChanged = Signal(str)

    def _init_lecture(self) -> None:
        self._scenes: list[Scene] = []
        self._scene_index = -1
        self._lecture_path: Path | None = None
        self._lecture_name = ""
        action = self._action
        self.open_lecture_action = action("Open &Lecture…", self.open_lecture, "Ctrl+L",
                                          "Open a lecture: several saved networks, each with a title",
                                          "openLectureAction")
        self.example_lecture_action = action("Open E&xample Lecture", self.open_example_lecture, None,
                                             "Symmetry, vanishing gradients, He initialisation, a digit "
                                             "classifier, the initialisation race and signal propagation",
                                             "exampleLectureAction")
        self.add_scene_action = action("&Add to Lecture…", self.add_scene, None,
                                       "Save the network as a new scene of the lecture", "addSceneAction")
        self.next_scene_action = action("&Next Scene", self.next_scene, "PgDown", "Show the next scene",
                                        "nextSceneAction")
        self.prev_scene_action = action("&Previous Scene", self.prev_scene, "PgUp", "Show the previous scene",
                                        "prevSceneAction")
        self._update_scene_actions()

    # -- reading ------------------------------------------------------------------------------------
    @property
    def scenes(self) -> tuple[Scene, ...]:
        """The scenes of the open lecture (empty when none is open)."""
        return tuple(self._scenes)

    @property
    def scene_index(self) -> int:
        """Index of the scene on screen, or -1."""
        return self._scene_index

    @property
    def current_scene(self) -> Scene | None:
        return self._scenes[self._scene_index] if self._scene_index >= 0 else None

    @property
    def lecture_actions(self) -> list[QAction]:
        return [self.open_lecture_action, self.example_lecture_action, self.add_scene_action,
                self.next_scene_action, self.prev_scene_action]

    def _scene_caption(self) -> str:
        """``"title (lecture, 2/4)"`` for the scene on screen; ``""`` when none is."""
        if self._scene_index < 0:
            return ""
        return f"{self.current_scene.title} ({self._lecture_name}, {self._scene_index + 1}/{len(self._scenes)})"

    def populate_lecture_menu(self, menu: QMenu) -> None:
        """Open lecture…, Open example lecture, Add to lecture…, Next scene, Previous scene."""
        for action in (self.open_lecture_action, self.example_lecture_action, self.add_scene_action, None,
                       self.next_scene_action, self.prev_scene_action):
            menu.addAction(action) if action else menu.addSeparator()

    # -- opening and closing ----------------------------------------------------------------------
    @Slot()
    def open_lecture(self) -> bool:
        if not self.maybe_save():
            return False
        path = self._ask_open_path("Open Lecture", LECTURE_FILTER)
        return self._load(path) if path else False

    @Slot()
    def open_example_lecture(self) -> bool:
        if not self.maybe_save():
            return False
        self._start_lecture(example_lecture(), "example lecture", None)
        return True

    def _start_lecture(self, scenes: list[Scene], name: str, path: Path | None) -> None:
        self._scenes, self._lecture_name = list(scenes), name
        self._lecture_path = None if path is None else Path(path).absolute()
        self.show_scene(0)
        self.message.emit(f"Lecture '{name}': {len(scenes)} scenes; PageDown and PageUp step through them")

    def _close_lecture(self) -> None:
        if self._scenes:
            self._scenes, self._scene_index, self._lecture_path = [], -1, None
            self._update_scene_actions()
            self.sceneChanged.emit("")

    # -- scenes -------------------------------------------------------------------------------------
    def show_scene(self, index: int) -> None:
        """Show scene ``index`` of the open lecture as it was saved (earlier edits to it are dropped)."""
        scene = self._scenes[index]
        self._scene_index = index
        # A copy: edits on screen must not change the lecture, so that stepping back shows the scene as saved.
        self._replace(scene.network.copy(), scene.inputs)
        self._apply_hints(scene)
        self._set_path(None)
        self._update_scene_actions()
        self.sceneChanged.emit(scene.title)

    def _apply_hints(self, scene: Scene) -> None:
        for key, value in scene.appearance.items():
            try:
                self._appearance.set(**{key: value})
            except ValueError as e:
                self.message.emit(f"Scene '{scene.title}': ignored the appearance option {key!r}: {e}")

    @Slot()
    def next_scene(self) -> None:
        if 0 <= self._scene_index < len(self._scenes) - 1:
            self.show_scene(self._scene_index + 1)

    @Slot()
    def prev_scene(self) -> None:
        if self._scene_index > 0:
            self.show_scene(self._scene_index - 1)

    def _update_scene_actions(self) -> None:
        self.next_scene_action.setEnabled(0 <= self._scene_index < len(self._scenes) - 1)
        self.prev_scene_action.setEnabled(self._scene_index > 0)

    @Slot()
    def add_scene(self) -> bool:
        """Save the network on screen as a new scene after the current one (in a new lecture file if
        the lecture has none yet)."""
        title = self._ask_scene_title(f"Scene {len(self._scenes) + 1}")
        if not title:
            return False
        path = self._lecture_path
        if path is None:
            chosen = self._ask_save_path("Save Lecture", LECTURE_FILTER,
                                         str(Path(self._preferences.last_folder()) / "lecture.json"))
            if not chosen:
                return False
            path = Path(chosen).absolute()
        try:
            scene = Scene(title, self._state.network.copy(), self._state.inputs.copy())
        except ValueError as e:
            self._show_error("Could Not Add Scene", str(e))
            return False
        index = self._scene_index + 1 if self._scenes else 0
        scenes = self._scenes[:index] + [scene] + self._scenes[index:]
        try:
            save_scenes(path, scenes)
        except (OSError, ValueError) as e:
            self._show_error("Could Not Save Lecture", f"{e}\n\nThe lecture file was left as it was.")
            return False
        self._scenes, self._scene_index, self._lecture_path = scenes, index, path
        self._lecture_name = path.stem
        self._remember(path)
        self._update_scene_actions()
        self.titleChanged.emit(self.window_title)
        self.sceneChanged.emit(title)
        self.message.emit(f"Added scene {index + 1} of {len(scenes)} to {path}")
        return True

    # A small method, so that tests can replace it.
    def _ask_scene_title(self, default: str) -> str | None:
        title, ok = QInputDialog.getText(self._window, "Add to Lecture — nnviz", "Title of the new scene:",
                                         text=default)
        return title.strip() if ok and title.strip() else None
