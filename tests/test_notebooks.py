"""The notebooks run top to bottom, offline, on the library of this checkout, and are stored clean.

Each notebook is executed with nbclient in a kernel started from this interpreter (the venv's
python, so ``certpath`` is imported from ``src/``); the ``assert`` lines inside the notebooks make
the run meaningful. Nothing is written back: the stored notebooks keep no outputs (checked too).
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import nbformat
import pytest

ROOT = Path(__file__).resolve().parent.parent
NOTEBOOKS = ROOT / "notebooks"
SRC = ROOT / "src"
PATHS = sorted(NOTEBOOKS.glob("*.ipynb"))

# Run first, in the kernel, and never stored: the kernel is this interpreter and imports the
# certpath of this checkout.
PROBE = f"""
import sys as _sys
from pathlib import Path as _Path
import certpath as _certpath
assert _sys.executable == {sys.executable!r}, _sys.executable
assert _Path(_certpath.__file__).resolve().is_relative_to({str(SRC)!r}), _certpath.__file__
"""


def _kernel_manager() -> object:
    """A manager for the ``python3`` kernel that is always ipykernel's own spec, run with
    ``sys.executable``: an installed kernelspec of the same name elsewhere is ignored."""
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    specs = KernelSpecManager(kernel_dirs=[])
    return KernelManager(kernel_name="python3", kernel_spec_manager=specs)


def test_there_are_notebooks() -> None:
    names = [p.name for p in PATHS]
    assert names == [
        "01-explore-the-graph.ipynb",
        "02-plan-a-learning-path.ipynb",
        "03-sparql-cookbook.ipynb",
    ]


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_is_stored_clean(path: Path) -> None:
    nb = nbformat.read(path, as_version=4)
    nbformat.validate(nb)
    assert nb.nbformat == 4
    assert nb.metadata["kernelspec"]["name"] == "python3"
    dirty = [
        f"cell {i}"
        for i, cell in enumerate(nb.cells)
        if cell.cell_type == "code" and (cell.outputs or cell.execution_count is not None)
    ]
    assert not dirty, f"{path.name} is stored with outputs or execution counts in {dirty}"


@pytest.mark.parametrize("path", PATHS, ids=[p.stem for p in PATHS])
def test_notebook_runs(path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from nbclient import NotebookClient

    # Connection files and the IPython profile go to a temporary folder: nothing is written to
    # the home folder, and no user startup script runs in the kernel.
    monkeypatch.setenv("JUPYTER_RUNTIME_DIR", str(tmp_path / "runtime"))
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))

    nb = nbformat.read(path, as_version=4)
    code = [cell for cell in nb.cells if cell.cell_type == "code"]
    assert any("assert " in cell.source for cell in code), f"{path.name} asserts nothing"
    nb.cells.insert(0, nbformat.v4.new_code_cell(PROBE))
    client = NotebookClient(
        nb,
        km=_kernel_manager(),
        kernel_name="python3",
        timeout=120,
        resources={"metadata": {"path": str(NOTEBOOKS)}},
    )
    started = time.perf_counter()
    client.execute()  # raises CellExecutionError with the cell and traceback on any failure
    elapsed = time.perf_counter() - started
    errors = [
        out
        for cell in nb.cells
        if cell.cell_type == "code"
        for out in cell.outputs
        if out.output_type == "error"
    ]
    assert not errors
    assert elapsed < 60, f"{path.name} took {elapsed:.1f} s"
