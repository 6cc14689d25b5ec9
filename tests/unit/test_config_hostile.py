"""A hostile whycall.yml is refused quickly with bounded memory (docs/security.md).

The "billion laughs": nine anchors each referencing the previous one ten times expand to 10^9 strings.
PyYAML shares aliased objects, so parsing alone is cheap, but any code that walks the result (merge,
validation, dbt vars JSON) would expand it. whycall refuses a document whose expanded size is too large,
naming the file and the fix. The load runs in a child process with an address-space limit, so a
regression fails by MemoryError or the child's timeout instead of taking the machine down.
"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from orchestration.lib.config import load_config
from orchestration.lib.records import InputError

# nine anchors inside one value of a known key: the chain a..i, each level ten aliases of the previous one
LAUGHS = "checks:\n  tickets:\n    - &a [lol,lol,lol,lol,lol,lol,lol,lol,lol,lol]\n" + "".join(
    f"    - &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 10)}]\n" for i in range(8)
)

CHILD = textwrap.dedent("""
    import resource, sys
    from pathlib import Path
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))
    from orchestration.lib.config import load_config
    from orchestration.lib.records import InputError
    try:
        load_config(Path(sys.argv[1]))
    except InputError as error:
        print(error)
        sys.exit(3)
    sys.exit(0)
""")


def test_the_laughs_expand_to_a_billion():
    # by hand: 10 strings under a, times 10 per level for 8 more levels (b..i)
    assert LAUGHS.count("&") == 9 and 10 * 10**8 == 10**9


def test_a_billion_laughs_is_refused_with_bounded_memory(tmp_path: Path):
    (tmp_path / "whycall.yml").write_text(LAUGHS, encoding="utf-8")
    child = subprocess.run([sys.executable, "-c", CHILD, str(tmp_path)], capture_output=True, text=True,
                           timeout=120, check=False, cwd=Path(__file__).resolve().parents[2])
    assert child.returncode == 3, child.stdout + child.stderr
    assert str(tmp_path / "whycall.yml") in child.stdout
    assert "alias" in child.stdout.lower()


def test_a_few_anchors_still_load(tmp_path: Path):
    """Anchors and aliases are ordinary YAML: a reasonable use (a shared mapping) still loads."""
    (tmp_path / "whycall.yml").write_text(textwrap.dedent("""
        checks:
          volume_drop: &w warn
          freshness: *w
    """), encoding="utf-8")
    assert load_config(tmp_path).checks == {"volume_drop": "warn", "freshness": "warn"}


def test_a_huge_file_is_refused_before_parsing(tmp_path: Path):
    (tmp_path / "whycall.yml").write_text("# " + "x" * (3 * 2**20) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="too large"):
        load_config(tmp_path)
