"""The data set combo of the Training panel: toy sets, the bundled real sets (read on a worker thread when first
chosen, so that the window never waits for scikit-learn) and the user's CSV file (read on a worker thread too)."""

from __future__ import annotations

import os

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QComboBox

from nnviz.core.datasets import BUNDLED_DATASETS, DATASETS, DatasetError
from nnviz.core.datasets import load_csv as read_csv

from ..background import BackgroundJob
from ..quiet import show_index
from .data import CSV, DISPLAY_NAMES, TrainingData


class DatasetPicker(QComboBox):
    """Chooses the data set of ``data``; shows the data's choice (a loaded CSV adds an entry).

    Signals: ``loading(str)``: a bundled set or a file is being read (the text says so); ``loaded(str)``: it
    was, and the data switched to it; ``failed(str title, str text)``: it could not be read (nothing changed);
    ``csvReading(bool)``: a CSV file started or stopped being read.
    """

    csvReading = Signal(bool)
    loading = Signal(str)
    loaded = Signal(str)
    failed = Signal(str, str)

    def __init__(self, data: TrainingData, parent=None):
        super().__init__(parent)
        self.setObjectName("dataset")
        self.setToolTip("The data to train on (Load CSV… in the File menu adds your own)")
        self._data = data
        self._reader = BackgroundJob(self, "nnviz-datasets")
        self._csv_reader = BackgroundJob(self, "nnviz-csv")
        for name in (*DATASETS, *BUNDLED_DATASETS):
            self.addItem(DISPLAY_NAMES[name], name)
        self.insertSeparator(len(DATASETS))
        self.currentIndexChanged.connect(self._on_chosen)
        data.changed.connect(self.show_data)
        self.show_data()

    @property
    def busy(self) -> bool:
        """True while a bundled set is being read."""
        return self._reader.busy

    def show_data(self, *_) -> None:
        data = self._data
        index = self.findData(CSV)
        if data.has_csv:
            label = f"Custom CSV ({data.display_name})"
            if index < 0:
                self.addItem(label, CSV)
            else:
                self.setItemText(index, label)
        if not self.busy:  # while a set is read, the combo shows that choice
            show_index(self, self.findData(data.name))

    def load_in_background(self, name: str) -> None:
        """Read the bundled set ``name`` on the worker thread, then switch the data to it."""
        from nnviz.core.datasets import load_dataset

        self._reader.start(load_dataset, name, done=lambda future: self._read(name, future))
        self.loading.emit(f"Loading {DISPLAY_NAMES[name]}…")

    def _read(self, name: str, future) -> None:
        try:
            self._data.set_bundled(future.result())
        except (OSError, ValueError, ImportError) as error:
            self.show_data()
            self.failed.emit(f"Cannot load {DISPLAY_NAMES[name]}", str(error))
            return
        self.loaded.emit(f"Loaded {self._data.display_name}: {self._data.n_samples:,} samples")

    def load_csv_in_background(self, path) -> None:
        """Read the CSV file ``path`` on a worker thread, then switch the data to it (one file at a time)."""
        if self._csv_reader.busy:
            return
        path = os.fspath(path)
        self._csv_reader.start(read_csv, path, done=lambda future: self._csv_read(path, future))
        self.csvReading.emit(True)
        self.loading.emit(f"Reading {os.path.basename(path)}…")

    def _csv_read(self, path: str, future) -> None:
        self.csvReading.emit(False)
        try:
            self._data.set_csv(path, *future.result())
        except DatasetError as error:
            self.show_data()
            self.failed.emit("Cannot load the CSV file", str(error))
            return
        self.loaded.emit(f"Loaded {self._data.display_name}: {len(self._data.y_train) + len(self._data.y_test)} rows")

    def _on_chosen(self, index: int) -> None:
        name = self.itemData(index)
        if self._data.is_loaded(name) or name == CSV:
            self._reader.forget()  # a set chosen while another loads wins
            self._data.set_dataset(name)
        else:
            self.load_in_background(name)
