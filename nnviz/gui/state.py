"""The one object that owns the network and the input vector, and tells the views what changed."""

from __future__ import annotations

from contextlib import contextmanager

import numpy as np
from PySide6.QtCore import QObject, Signal

from nnviz.core import Network, Trace, new_seed
from nnviz.core.defaults import DEFAULT_SEED
from nnviz.core.limits import MAX_HIDDEN_LAYERS

from .deferred import DeferredRefresh

DEFAULT_HIDDEN_SIZE = 4


class NetworkState(QObject):
    """Owns a :class:`~nnviz.core.Network` and the input vector; reruns the forward pass.

    Setters change the model at once (``state.network`` and ``state.trace`` are always exact when
    read) and emit only on a real change. The signals are sent once per event-loop turn, however
    many setters ran in it, so a burst of changes gives one recompute and one redraw.

    Signals, in the order they are sent in one turn:

    - ``structureChanged()``: layer sizes or the number of layers changed, or the network was replaced.
    - ``settingsChanged()``: an activation (any layer's), the loss, initialiser, scale, seed, bias or learning rate.
    - ``weightsChanged()``: weight or bias values changed (re-roll, resize, edit, training, new network).
    - ``inputChanged()``: the input vector changed.
    - ``traceChanged()``: the forward pass was recomputed; ``state.trace`` holds it.
    - ``message(str)``: a short explanation for the status bar (a refused value, say).
    """

    structureChanged = Signal()
    settingsChanged = Signal()
    weightsChanged = Signal()
    inputChanged = Signal()
    traceChanged = Signal()
    message = Signal(str)

    def __init__(self, network: Network | None = None, inputs=None, parent=None):
        super().__init__(parent)
        self._network = network if network is not None else Network([2, 4, 2], seed=DEFAULT_SEED)
        self._inputs = self._fit_inputs(inputs if inputs is not None else (3.0, 4.0)[: self.n_inputs])
        self._trace: Trace | None = None
        self._replacing = False
        self.recompute_count = 0
        """How many forward passes the state has run (for tests and benchmarks)."""
        self._pending = DeferredRefresh(self, self._send)

    # -- reading ----------------------------------------------------------------------------------
    @property
    def network(self) -> Network:
        return self._network

    @property
    def inputs(self) -> np.ndarray:
        """A read-only view of the ``(n_in,)`` input vector."""
        view = self._inputs.view()
        view.flags.writeable = False
        return view

    @property
    def n_inputs(self) -> int:
        return self._network.layer_sizes[0]

    @property
    def trace(self) -> Trace:
        """The forward pass for the current input; recomputed on demand if a change is pending."""
        if self._trace is None:
            self._trace = self._network.forward(self._inputs)
            self.recompute_count += 1
        return self._trace

    # -- change bookkeeping -------------------------------------------------------------------------
    def _changed(self, *kinds: str) -> None:
        self._trace = None
        self._pending.mark(*kinds)

    def flush(self) -> None:
        """Send the pending signals now (normally the event loop does this once per turn)."""
        self._pending.run()

    def _send(self, pending: set[str]) -> None:
        for kind, signal in (("structure", self.structureChanged), ("settings", self.settingsChanged),
                             ("weights", self.weightsChanged), ("input", self.inputChanged)):
            if kind in pending:
                signal.emit()
        self.trace  # noqa: B018 - recompute once, before the views read it
        self.traceChanged.emit()

    @contextmanager
    def replacing(self):
        """Replace the whole network (open a file, New) as one change, not an edit.

        The block's signals are sent when it ends, with :attr:`is_replacing` True while they are.
        """
        self._replacing = True
        try:
            yield self
            self.flush()
        finally:
            self._replacing = False

    @property
    def is_replacing(self) -> bool:
        """True while the signals of a :meth:`replacing` block are being sent."""
        return self._replacing

    def _fit_inputs(self, values) -> np.ndarray:
        """``values`` cut or zero-padded to the input size; non-finite values are refused."""
        values = np.asarray(values, dtype=float).ravel()
        if not np.all(np.isfinite(values)):
            raise ValueError("inputs must be finite numbers")
        out = np.zeros(self.n_inputs)
        n = min(len(values), self.n_inputs)
        out[:n] = values[:n]
        return out

    # -- structure ----------------------------------------------------------------------------------
    def set_network(self, network: Network, inputs=None) -> None:
        """Replace the whole network (open a file, load a scene); inputs kept where they fit.

        Non-finite weights or biases are refused with ``ValueError`` (a file cannot hold them either).
        """
        bad = network.first_non_finite_array()
        if bad is not None:
            raise ValueError(f"{bad} contains NaN or infinite values")
        old_inputs = self._inputs
        self._network = network
        self._inputs = self._fit_inputs(old_inputs if inputs is None else inputs)
        self._changed("structure", "settings", "weights", "input")

    def set_layer_sizes(self, sizes) -> None:
        """Resize, keeping every remaining node's weights; raises ``ValueError`` beyond the limits."""
        sizes = tuple(int(n) for n in sizes)
        if sizes == self._network.layer_sizes:
            return
        old_n_in = self.n_inputs
        self._network.resize(sizes)
        kinds = ["structure", "weights"]
        if self.n_inputs != old_n_in:
            self._inputs = self._fit_inputs(self._inputs)
            kinds.append("input")
        self._changed(*kinds)

    def set_layer_size(self, layer: int, size: int) -> None:
        sizes = list(self._network.layer_sizes)
        sizes[layer] = int(size)
        self.set_layer_sizes(sizes)

    @property
    def hidden_layer_count(self) -> int:
        return len(self._network.layer_sizes) - 2

    def set_hidden_layer_count(self, count: int) -> None:
        """Add hidden layers before the output (as wide as the last hidden one) or remove the last ones."""
        count = int(count)
        if not 0 <= count <= MAX_HIDDEN_LAYERS:
            raise ValueError(f"hidden layers must be between 0 and {MAX_HIDDEN_LAYERS}, got {count}")
        sizes = list(self._network.layer_sizes)
        hidden = sizes[1:-1]
        width = hidden[-1] if hidden else DEFAULT_HIDDEN_SIZE
        hidden = hidden[:count] + [width] * (count - len(hidden))
        self.set_layer_sizes([sizes[0], *hidden, sizes[-1]])

    # -- settings -----------------------------------------------------------------------------------
    def _set_setting(self, name: str, value, reinitialize: bool) -> None:
        if getattr(self._network, name) == value:
            return
        setattr(self._network, name, value)  # validates; raises ValueError on a bad value
        if reinitialize:
            self._network.reinitialize()
            self._changed("settings", "weights")
        else:
            self._changed("settings")

    def _change_activations(self, change) -> None:
        """Run ``change()`` on the network; settings changed if any layer's activation (or the output's
        following of the hidden one) did. ``change`` raises ``ValueError`` for a refused value."""
        net = self._network
        before = (net.activations, net.output_follows_hidden, net.activation)
        change()
        if (net.activations, net.output_follows_hidden, net.activation) != before:
            self._changed("settings")

    def set_activation(self, name: str) -> None:
        """Give every hidden layer activation ``name`` (a per-layer choice is replaced)."""
        self._change_activations(lambda: setattr(self._network, "activation", name))

    def set_output_activation(self, name: str) -> None:
        self._change_activations(lambda: setattr(self._network, "output_activation", name))

    def set_layer_activation(self, layer: int, name: str) -> None:
        """Give node layer ``layer`` (1 … L−1; the last is the output) activation ``name``, no other layer."""
        self._change_activations(lambda: self._network.set_layer_activation(int(layer), name))

    def set_loss(self, name: str) -> None:
        """``"mse"`` or ``"cross_entropy"``; ``ValueError`` when it does not fit the output activation."""
        self._set_setting("loss", name, reinitialize=False)

    def set_init(self, name: str) -> None:
        self._set_setting("init", name, reinitialize=True)

    def set_init_scale(self, scale: float) -> None:
        self._set_setting("init_scale", float(scale), reinitialize=True)

    def set_seed(self, seed: int) -> None:
        """Use ``seed`` and redraw all weights from it (same seed, same weights)."""
        if int(seed) == self._network.seed:
            return
        self._network.reinitialize(seed=int(seed))
        self._changed("settings", "weights")

    def reroll(self) -> int:
        """Pick a new seed and redraw all weights; returns the new seed."""
        seed = new_seed()
        self.set_seed(seed)
        return seed

    def reinitialize(self) -> None:
        """Redraw all weights from the current seed (undoes training and edits)."""
        self._network.reinitialize()
        self._changed("weights")

    def set_bias(self, enabled: bool) -> None:
        if bool(enabled) == self._network.bias:
            return
        self._network.bias = bool(enabled)
        self._changed("settings", "weights")

    def set_learning_rate(self, rate: float) -> None:
        self._set_setting("learning_rate", float(rate), reinitialize=False)

    def configure(self, *, layer_sizes=None, activation=None, output_activation=None, loss=None, init=None,
                  bias=None, learning_rate=None) -> None:
        """Several settings at once (None keeps one), in an order in which every step is valid: a squared
        error goes before an output that cross-entropy cannot take, a cross-entropy after the output it needs.
        They signal together at the end of the event-loop turn; ``ValueError`` for a refused value."""
        if layer_sizes is not None:
            self.set_layer_sizes(layer_sizes)
        if activation is not None:
            self.set_activation(activation)
        if loss == "mse":
            self.set_loss(loss)
        if output_activation is not None:
            self.set_output_activation(output_activation)
        if loss is not None:
            self.set_loss(loss)
        for setter, value in ((self.set_init, init), (self.set_bias, bias), (self.set_learning_rate, learning_rate)):
            if value is not None:
                setter(value)

    # -- values -------------------------------------------------------------------------------------
    def set_input(self, index: int, value: float) -> None:
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"input {index} must be a finite number, got {value}")
        if self._inputs[index] == value:
            return
        self._inputs[index] = value
        self._changed("input")

    def set_inputs(self, values) -> None:
        values = np.asarray(values, dtype=float)
        if values.shape != self._inputs.shape:
            raise ValueError(f"expected {self.n_inputs} input values, got shape {values.shape}")
        new = self._fit_inputs(values)
        if np.array_equal(new, self._inputs):
            return
        self._inputs = new
        self._changed("input")

    def set_weight(self, layer: int, to: int, frm: int, value: float) -> None:
        """Set one weight: ``weights[layer][to, frm]``; non-finite values are refused."""
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"a weight must be a finite number, got {value}")
        w = self._network.weights[layer]
        if w[to, frm] == value:
            return
        w[to, frm] = value
        self._changed("weights")

    def set_bias_value(self, layer: int, to: int, value: float) -> None:
        """Set one bias: ``biases[layer][to]``; non-finite values are refused."""
        value = float(value)
        if not np.isfinite(value):
            raise ValueError(f"a bias must be a finite number, got {value}")
        b = self._network.biases[layer]
        if b[to] == value:
            return
        b[to] = value
        self._changed("weights")

    def notify_weights_changed(self) -> None:
        """Call after changing the network's weight arrays in place (training does)."""
        self._changed("weights")
