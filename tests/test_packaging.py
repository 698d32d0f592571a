"""The package ships whole: the wheel and the sdist install into fresh virtual environments and
work outside the repository, and the sdist's own tests run.

Built once for the module: ``python -m build --no-isolation`` makes the sdist, then the wheel
from the unpacked sdist (so the sdist holds enough to build). Each is installed into a fresh
virtual environment made without pip, by this environment's pip (``--python NEW --no-deps
--no-index``: offline, nothing downloaded); the dependencies come from this environment's
site-packages through a ``.pth`` file, after the new environment's own site-packages, so the
``certpath`` that runs is the installed one (checked). The commands run from an empty folder
outside the repository. The sdist's tests: a quick subset (profiles, listing, names, catalog
import, the doc checks), run from the unpacked sdist against the sdist's installation.
"""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: The sdist's tests that run here (about 15 s); the whole suite runs in CI from the repository.
SDIST_TESTS = [
    "tests/test_profile.py",
    "tests/test_listing.py",
    "tests/test_names.py",
    "tests/test_import_catalog.py",
    "tests/test_docs.py",
]

pytestmark = pytest.mark.skipif(
    not (ROOT / "pyproject.toml").is_file() or not (ROOT / ".git").exists(),
    reason="builds the package from a repository checkout",
)


def _run(args: list[str], *, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, f"{args}\nstdout:\n{done.stdout}\nstderr:\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sdist and the wheel, built once (the wheel from the sdist)."""
    out = tmp_path_factory.mktemp("dist")
    _run([sys.executable, "-m", "build", "--no-isolation", "--outdir", str(out), str(ROOT)],
         cwd=out)  # fmt: skip
    (sdist,) = out.glob("certpath-*.tar.gz")
    (wheel,) = out.glob("certpath-*.whl")
    return {"sdist": sdist, "wheel": wheel}


def _venv(folder: Path, package: Path) -> Path:
    """A fresh virtual environment at *folder* with *package* installed; its python."""
    _run([sys.executable, "-m", "venv", "--without-pip", str(folder)], cwd=folder.parent)
    python = folder / "bin" / "python"
    purelib = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
        cwd=folder,
    ).strip()
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (Path(purelib) / "certpath-test-deps.pth").write_text("\n".join(sorted(ours)) + "\n")
    pip = [sys.executable, "-m", "pip", "--python", str(python), "install", "--quiet"]
    _run([*pip, "--no-deps", "--no-index", "--no-build-isolation", str(package)], cwd=folder)
    return python


def _clean_env(tmp: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    env["CERTPATH_CACHE_DIR"] = str(tmp / "cache")
    return env


@pytest.fixture(scope="module", params=["wheel", "sdist"])
def installed(
    request: pytest.FixtureRequest, dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[str, Path]]:
    """(kind, python) of a fresh environment with the wheel or the sdist installed."""
    folder = tmp_path_factory.mktemp(f"venv-{request.param}")
    yield request.param, _venv(folder / "env", dist[request.param])


def test_installed_package_validates_and_plans_outside_the_repository(
    installed: tuple[str, Path], tmp_path: Path
) -> None:
    kind, python = installed
    env = _clean_env(tmp_path)
    where = _run([str(python), "-c", "import certpath; print(certpath.__file__)"], cwd=tmp_path,
                 env=env)  # fmt: skip
    assert Path(where.strip()).is_relative_to(python.parent.parent), (kind, where)
    certpath = str(python.parent / "certpath")
    assert _run([certpath, "validate"], cwd=tmp_path, env=env).startswith("valid: ")
    plan = _run(
        [certpath, "path", "--target", "SAFe POPM", "--have", "user story writing",
         "--have", "backlog refinement"],
        cwd=tmp_path, env=env,
    )  # fmt: skip
    assert plan.startswith("Learning path to SAFe Product Owner (cpd:safe-product-owner)")
    assert "Total: " in plan
    template = _run([certpath, "import", "catalog", "--template"], cwd=tmp_path, env=env)
    assert template.startswith("id,label,type,provider,")
    assert list(tmp_path.iterdir()) == [tmp_path / "cache"] or not list(tmp_path.iterdir())


def test_wheel_holds_the_license_and_the_template(dist: dict[str, Path]) -> None:
    import zipfile

    names = zipfile.ZipFile(dist["wheel"]).namelist()
    assert "certpath/importers/catalog-template.csv" in names
    assert any(n.endswith(".dist-info/licenses/LICENSE") for n in names)


def test_sdist_tests_run_from_the_sdist(
    dist: dict[str, Path], tmp_path_factory: pytest.TempPathFactory
) -> None:
    folder = tmp_path_factory.mktemp("sdist-tests")
    with tarfile.open(dist["sdist"]) as archive:
        archive.extractall(folder, filter="data")
    (unpacked,) = folder.iterdir()
    for needed in ("LICENSE", "tests/conftest.py", "tests/data/tiny.ttl", *SDIST_TESTS):
        assert (unpacked / needed).is_file(), needed
    python = _venv(folder / "env", dist["sdist"])
    env = _clean_env(folder)
    out = _run(
        [str(python), "-m", "pytest", "-q", "-p", "no:cacheprovider", *SDIST_TESTS],
        cwd=unpacked,
        env=env,
    )
    assert " passed" in out and "failed" not in out, out
