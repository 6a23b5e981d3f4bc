"""Model import/export timings: export a network near the weight limit in each format, then import it.

Run ``.venv/bin/python scripts/bench_models.py [--sizes 2000,2000,2000,10]``.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from nnviz.core import Network, export_model, import_model  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="2000,2000,2000,10", help="layer sizes, comma-separated")
    sizes = [int(n) for n in parser.parse_args().sizes.split(",")]
    net = Network(sizes, activation="relu", bias=True, seed=1)
    print(f"{'-'.join(map(str, sizes))}: {net.n_weights:,} weights")
    print(f"{'format':<12} {'MiB':>6} {'export s':>9} {'import s':>9}")
    with tempfile.TemporaryDirectory() as folder:
        for suffix in (".safetensors", ".npz", ".onnx"):
            path = os.path.join(folder, "net" + suffix)
            start = time.perf_counter()
            export_model(net, path)
            exported = time.perf_counter() - start
            start = time.perf_counter()
            import_model(path)
            imported = time.perf_counter() - start
            print(f"{suffix[1:]:<12} {os.path.getsize(path) / 2**20:>6.0f} {exported:>9.2f} {imported:>9.2f}")


if __name__ == "__main__":
    main()
