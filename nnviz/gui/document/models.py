"""Trained models in the document: open one (asking for its activations when the file stores none),
export the network as a model file, copy it as PyTorch or Keras code."""

from __future__ import annotations

from PySide6.QtCore import Signal, Slot
from PySide6.QtGui import QGuiApplication

from nnviz.core.framework_snippets import keras_snippet, pytorch_snippet

from ..appearance import MATRIX_ABOVE
from .activation_dialog import ActivationDialog

MODEL_PATTERNS = "*.onnx *.pt *.pth *.safetensors *.keras *.h5 *.hdf5 *.joblib *.pkl *.pickle *.npz"
OPEN_FILTER = (f"nnviz files and trained models (*.json {MODEL_PATTERNS});;nnviz network or lecture (*.json);;"
               f"Trained model: ONNX, PyTorch, safetensors, Keras, scikit-learn, NumPy ({MODEL_PATTERNS});;"
               "All files (*)")
EXPORT_MODEL_FILTER = "ONNX model (*.onnx);;safetensors (*.safetensors);;NumPy arrays (*.npz)"


class ModelMixin:
    """The trained-model part of :class:`~nnviz.gui.document.document.Document`.

    The host is a QObject that calls :meth:`_init_models` once its ``_action`` helper exists, and provides
    ``_state``, ``_window``, ``_close_lecture()``, ``_replace(network, inputs)``, ``_set_path(path)``,
    ``_suggested_name(suffix)``, ``_ask_save_path``, ``_export`` and the signal ``message``.

    Signals:
        sourceChanged(str): where the open network came from ("ONNX, 3 Gemm layers"); ``""`` for nnviz's files.
    """

    sourceChanged = Signal(str)

    def _init_models(self) -> None:
        self._source = ""
        action = self._action
        self.export_model_action = action("Export &Model…", self.export_model, None,
                                          "Save the network as a trained model: ONNX, safetensors or NumPy (.npz)",
                                          "exportModelAction")
        self.copy_pytorch_action = action("Copy as P&yTorch", self.copy_pytorch, None,
                                          "Copy PyTorch code that rebuilds this network with its exact weights",
                                          "copyPyTorchAction")
        self.copy_keras_action = action("Copy as &Keras", self.copy_keras, None,
                                        "Copy Keras code that rebuilds this network with its exact weights",
                                        "copyKerasAction")

    @property
    def model_actions(self) -> list:
        return [self.export_model_action, self.copy_pytorch_action, self.copy_keras_action]

    @property
    def source(self) -> str:
        """Where the open network came from ("ONNX, 3 Gemm layers"); "" unless it is an imported model."""
        return self._source

    def _set_source(self, source: str) -> None:
        if source != self._source:
            self._source = source
            self.sourceChanged.emit(source)

    def _open_model(self, opened) -> bool:
        """Show the network of an opened model file (:class:`~nnviz.core.documents.Opened`), after asking
        for its activations when the file stores none; False (nothing changed) if the user cancels."""
        network = opened.network
        if opened.needs_activations:
            chosen = self._ask_activations(opened.path.name, opened.source)
            if chosen is None:
                return False
            network = opened.model.to_network(*chosen)
        self._close_lecture()
        if self._appearance.matrix_above is None:
            # A trained model's big layers read better as weight matrices than as a hairball of lines.
            self._appearance.set(matrix_above=MATRIX_ABOVE)
        self._replace(network, None)
        self._set_path(opened.path)
        self._set_source(opened.source)
        self.message.emit(f"Opened {opened.path.name}: {opened.source}")
        return True

    def _ask_activations(self, file_name: str, source: str) -> tuple[str, str] | None:
        """``(hidden, output)`` from :class:`ActivationDialog`, or None if cancelled."""
        dialog = ActivationDialog(file_name, source, self._window)
        chosen = dialog.activations() if dialog.exec() == ActivationDialog.Accepted else None
        dialog.deleteLater()
        return chosen

    @Slot()
    def export_model(self) -> bool:
        from nnviz.core.models import export_model

        path = self._ask_save_path("Export Model", EXPORT_MODEL_FILTER, self._suggested_name(".onnx"))
        if not path:
            return False
        network = self._state.network
        return self._export("Model", lambda: export_model(network, path), path,
                            f"Exported {network.n_weights:,} weights as a model to {path}")

    @Slot()
    def copy_pytorch(self) -> str:
        """Put PyTorch code that rebuilds the network on the clipboard; returns it."""
        return self._copy_code(pytorch_snippet(self._state.network), "PyTorch")

    @Slot()
    def copy_keras(self) -> str:
        """Put Keras code that rebuilds the network on the clipboard; returns it."""
        return self._copy_code(keras_snippet(self._state.network), "Keras")

    def _copy_code(self, code: str, language: str) -> str:
        QGuiApplication.clipboard().setText(code)
        self.message.emit(f"Copied {code.count(chr(10))} lines of {language} that rebuild this network")
        return code
