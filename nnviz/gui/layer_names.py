"""What a column of nodes is called, for every view: "Input", "Hidden 2", "Output" (short: "In", "H2", "Out")."""


def layer_title(layer: int, n_layers: int) -> str:
    """The name of node layer ``layer`` (0 = input) in a network of ``n_layers`` node layers."""
    if layer == 0:
        return "Input"
    return "Output" if layer == n_layers - 1 else f"Hidden {layer}"


def short_title(layer: int, n_layers: int) -> str:
    if layer == 0:
        return "In"
    return "Out" if layer == n_layers - 1 else f"H{layer}"
