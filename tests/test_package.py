"""Package-level promises: a light import, a version, lazy submodules."""

import subprocess
import sys


def test_import_is_light():
    code = "import sys, reanalysis; print(sorted(m for m in ('pandas', 'scipy', 'matplotlib', 'statsmodels', 'lifelines') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_lazy_submodules_and_version():
    import reanalysis

    assert reanalysis.__version__ != "0+unknown"
    assert reanalysis.proportions.proportion_ci(1, 2).estimate == 0.5


def test_readme_example_runs():
    import re
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    code = re.search(r"```python\n(.*?)```", readme, re.S).group(1)
    exec(compile(code, "README.md", "exec"), {})
