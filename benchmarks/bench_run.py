"""Cost of a report: where a report's time goes, the demo's wall time, and a batch of 20 reports
with --jobs 1 against --jobs 2 (the baseline measured in the same run).

    python benchmarks/bench_run.py [--batch 20] [--skip-demo]

Prints: per-report fixed overhead (kernel start + imports, HTML, PDF) from a notebook that
only imports the package; per-stage durations of the demo reports (manifest); the demo's wall
time (all notebooks, both languages, HTML + PDF); the batch's wall times and the speed-up.
Targets (issue 11): fixed overhead <= 3 s, speed-up >= 1.7x on 2 cores, demo <= 45 s.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from kamreport.data.demo import write_demo_data  # noqa: E402
from kamreport.params import Params  # noqa: E402
from kamreport.report import batch, render  # noqa: E402


def _demo_params(root: Path, formats: list[str]) -> list[Path]:
    out = []
    for name in ("demo.yaml", "demo_en.yaml"):
        spec = yaml.safe_load((REPO / "params" / name).read_text(encoding="utf-8"))
        spec["output"] = {"formats": formats, "dir": str(root / "reports")}
        spec["data"] = {**spec["data"], "survey": str(root / "data" / "survey.csv"),
                        "codebook": str(root / "data" / "codebook.yaml"),
                        "accounts": str(root / "data" / "accounts.csv"),
                        "transactions": {**spec["data"]["transactions"], "path": str(root / "data" / "transactions.csv")}}
        path = root / name
        path.write_text(yaml.safe_dump(spec, allow_unicode=True), encoding="utf-8")
        out.append(path)
    return out


def fixed_overhead(root: Path, params: Path) -> dict[str, float]:
    """A report whose notebook only imports kamreport: kernel start, imports, HTML and PDF."""
    notebooks = root / "nb"
    notebooks.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook(cells=[
        nbformat.v4.new_code_cell('params_file = ""\nrun_id = ""', metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import kamreport.report.notebook, kamreport.inputs, kamreport.satisfaction.pls\n"
                                  "print('ready')"),
    ])
    nb.metadata["kernelspec"] = {"name": "kamreport", "display_name": "kamreport", "language": "python"}
    nbformat.write(nb, notebooks / "00_empty.ipynb")
    saved = render.NOTEBOOK_DIR
    render.NOTEBOOK_DIR = notebooks
    try:
        started = time.perf_counter()
        outcome = render.run_report(Params.from_file(params), "00_empty", root / "overhead")
        total = time.perf_counter() - started
    finally:
        render.NOTEBOOK_DIR = saved
    assert outcome.status == "ok", outcome.error
    return {**outcome.durations, "total": round(total, 2)}


def batch_of(root: Path, n: int) -> list[Params]:
    """``n`` parameter sets of the customer-value report (HTML only), one per made-up variant."""
    spec = yaml.safe_load(_demo_params(root, ["html"])[1].read_text(encoding="utf-8"))
    spec["notebooks"] = ["02_customer_value"]
    out = []
    for i in range(n):
        path = root / f"batch_{i:02d}.yaml"
        path.write_text(yaml.safe_dump({**spec, "title": f"Batch {i}"}, allow_unicode=True), encoding="utf-8")
        out.append(Params.from_file(path))
    return out


def timed_run(params: list[Params], out: Path, jobs: int) -> float:
    started = time.perf_counter()
    result = batch.run_batch(params, out_dir=out, jobs=jobs, run_id=f"j{jobs}", progress=False, force=True)
    elapsed = time.perf_counter() - started
    assert result.ok, [(o.name, o.error) for o in result.failed]
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--batch", type=int, default=20)
    parser.add_argument("--skip-demo", action="store_true")
    args = parser.parse_args()
    root = Path(tempfile.mkdtemp(prefix="kamreport-bench-run-"))
    try:
        write_demo_data(root / "data")
        demo = _demo_params(root, ["html", "pdf"])
        over = fixed_overhead(root, demo[1])
        print(f"fixed overhead of one report (s): {over}  target total <= 3 s")
        if not args.skip_demo:
            started = time.perf_counter()
            result = batch.run_batch([Params.from_file(p) for p in demo], out_dir=root / "demo", jobs=2,
                                     run_id="demo", progress=False, force=True)
            wall = time.perf_counter() - started
            assert result.ok, [(o.name, o.error) for o in result.failed]
            manifest = json.loads((result.run_dir / "manifest.json").read_text(encoding="utf-8"))
            for entry in manifest["reports"]:
                print(f"  {entry['name']:<28} {entry['durations']}  pages {entry['pages']}")
            print(f"demo (6 reports, HTML + PDF, --jobs 2): {wall:.1f} s  target <= 45 s  ratio {wall / 45:.2f}")
        params = batch_of(root, args.batch)
        one = timed_run(params, root / "b1", 1)
        two = timed_run(params, root / "b2", 2)
        print(f"batch of {args.batch} reports: --jobs 1 {one:.1f} s, --jobs 2 {two:.1f} s, "
              f"speed-up {one / two:.2f}x (target >= 1.7x)")
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main()
