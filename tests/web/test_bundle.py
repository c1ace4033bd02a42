"""The widget shipped in the package is exactly what its source builds to."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "src/rostra/web/static"
BUNDLE_LIMIT_GZIPPED = 30 * 1024


def _node_with_esbuild() -> str:
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    if not (ROOT / "node_modules/esbuild").is_dir():
        if os.environ.get("CI"):
            pytest.fail("node_modules/esbuild is missing: scripts/test runs `npm ci` when npm is there")
        pytest.skip("run `npm ci` to check the bundle")
    return node


def test_shipped_bundle_matches_its_source(tmp_path):
    node = _node_with_esbuild()
    subprocess.run([node, str(ROOT / "scripts/build-widget.mjs"), str(tmp_path)], check=True, timeout=120)
    for name in ("embed.js", "count.js"):
        assert (tmp_path / name).read_bytes() == (SHIPPED / name).read_bytes(), (
            f"src/rostra/web/static/{name} is stale: run `npm run build` and commit it"
        )


def test_embed_stays_small():
    import gzip

    assert len(gzip.compress((SHIPPED / "embed.js").read_bytes(), 9)) < BUNDLE_LIMIT_GZIPPED
