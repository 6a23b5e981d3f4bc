"""Mutation fuzz of the model importer on the real model files (run by hand; the test suite stays light).

    python scripts/fuzz_models.py --cases 3000 --seed 1 [--models ../shared/models]

Each case mutates one real file (bit flips, byte runs, inserted/deleted bytes, truncation, 4/8-byte fields
set to huge values) and reads it with ``read_model``. Cases run in a worker process under a memory cap and a
per-case alarm; a worker that dies (a crash in a C reader) is restarted after the case that killed it.
Anything but a model or ModelImportError, and every case over a second, is printed.
"""

from __future__ import annotations

import argparse
import io
import json
import multiprocessing as mp
import queue
import sys
import time
import zipfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
HUGE = (2**31 - 1, 2**32 - 1, 2**62, 2**63 - 1, 0xFFFF_FFFF_FFFF_FFFF)


def mutate(data: bytes, rng: np.random.Generator) -> bytes:
    """One to four random mutations of ``data``."""
    out = bytearray(data)
    for _ in range(int(rng.integers(1, 5))):
        if not out:
            break
        i = int(rng.integers(len(out)))
        kind = rng.integers(6)
        if kind == 0:
            out[i] ^= 1 << int(rng.integers(8))
        elif kind == 1:
            out[i:i + 8] = rng.integers(0, 256, 8, dtype=np.uint8).tobytes()
        elif kind == 2:
            del out[i:i + int(rng.integers(1, 16))]
        elif kind == 3:
            out[i:i] = rng.integers(0, 256, int(rng.integers(1, 16)), dtype=np.uint8).tobytes()
        elif kind == 4:
            del out[i:]
        else:
            width = 8 if rng.integers(2) else 4
            value = int(rng.choice(HUGE)) % (1 << (8 * width))
            out[i:i + width] = value.to_bytes(width, "little")
    return bytes(out)


def mutate_file(data: bytes, rng: np.random.Generator) -> bytes:
    """``data`` mutated; for a zip, half the time one member is mutated and the zip rebuilt, so the
    mutation reaches the reader behind the archive's checksums."""
    if data[:4] == b"PK\x03\x04" and rng.integers(2):
        with zipfile.ZipFile(io.BytesIO(data)) as source:
            members = [(info.filename, source.read(info)) for info in source.infolist()]
        target = int(rng.integers(len(members)))
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w") as out:
            for k, (name, raw) in enumerate(members):
                out.writestr(name, mutate(raw, rng) if k == target else raw)
        return buffer.getvalue()
    return mutate(data, rng)


def _worker(files, seed, start, stop, workdir, progress, results):
    import resource
    import signal

    resource.setrlimit(resource.RLIMIT_AS, (3 * 2**30, 3 * 2**30))
    sys.path.insert(0, str(ROOT))
    from nnviz.core.models import ModelImportError, read_model

    def alarm(*_):
        raise TimeoutError("over 20 s")

    signal.signal(signal.SIGALRM, alarm)
    for case in range(start, stop):
        rng = np.random.default_rng([seed, case])
        source = files[case % len(files)]
        path = Path(workdir) / f"case{source.suffix}"
        path.write_bytes(mutate_file(source.read_bytes(), rng))
        progress.value = case
        t0 = time.perf_counter()
        signal.alarm(20)
        try:
            read_model(path)
            outcome = "model"
        except ModelImportError:
            outcome = "refused"
        except BaseException as e:  # noqa: BLE001 - the point is to see every other outcome
            outcome = f"{type(e).__name__}: {str(e)[:100]}"
        finally:
            signal.alarm(0)
        seconds = time.perf_counter() - t0
        results.put((case, source.name, outcome, seconds))
    results.put(None)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--cases", type=int, default=3000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--models", type=Path, default=ROOT.parent.parent / "shared" / "models")
    args = parser.parse_args()
    manifest = json.loads((args.models / "manifest.json").read_text())
    files = sorted({args.models / entry["file"] for entry in manifest.values()})
    import tempfile

    counts, problems, start = {}, [], 0
    with tempfile.TemporaryDirectory() as workdir:
        while start < args.cases:
            progress, results = mp.Value("l", start), mp.Queue()
            worker = mp.Process(target=_worker, args=(files, args.seed, start, args.cases, workdir, progress,
                                                      results))
            worker.start()
            last, stalled = progress.value, 0.0
            while True:
                try:
                    item = results.get(timeout=1)
                except queue.Empty:  # the worker died, or hangs in C code its alarm cannot stop
                    stalled = stalled + 1 if progress.value == last else 0
                    last = progress.value
                    if worker.is_alive() and stalled < 40:
                        continue
                    item = "dead"
                if item is None:
                    start = args.cases
                    break
                if item == "dead":
                    if worker.is_alive():
                        worker.kill()
                    worker.join()
                    case = progress.value
                    problems.append((case, files[case % len(files)].name, f"worker died ({worker.exitcode})", 0))
                    start = case + 1
                    break
                case, name, outcome, seconds = item
                key = outcome if outcome in ("model", "refused") else "other"
                counts[key] = counts.get(key, 0) + 1
                if key == "other" or seconds > 1.0:
                    problems.append(item)
            worker.join()
    print(f"{args.cases} cases, seed {args.seed}: {counts}")
    for case, name, outcome, seconds in problems:
        print(f"  case {case} ({name}): {outcome} in {seconds:.2f} s")
    return 1 if any(p[2] not in ("model", "refused") for p in problems) else 0


if __name__ == "__main__":
    sys.exit(main())
