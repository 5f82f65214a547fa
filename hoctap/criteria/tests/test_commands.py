"""`hoctap check-criteria`: OK for sound files, every problem and a non-zero exit otherwise."""

from __future__ import annotations

import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from hoctap.criteria import loader


def test_shipped_sets_are_all_ok() -> None:
    out = StringIO()
    call_command("check_criteria", stdout=out)
    lines = out.getvalue().splitlines()
    assert len(lines) == len(loader.shipped_files())
    assert all(line.startswith("OK") for line in lines)


def test_a_broken_file_is_reported_and_fails(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("code: x\nmode: score\n", encoding="utf-8")
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as failed:
        call_command("check_criteria", str(broken), stdout=out, stderr=err)
    assert failed.value.returncode == 1
    assert str(broken) in out.getvalue()
    assert "mode: giá trị 'score'" in err.getvalue()
    assert "title: thiếu khoá bắt buộc" in err.getvalue()


@pytest.mark.parametrize(("broken", "exit_code"), [(False, 0), (True, 1)])
def test_exit_code_of_the_hoctap_command(tmp_path: Path, broken: bool, exit_code: int) -> None:
    good = loader.SETS_DIR / "cong-dan-hoc-tap-2023.yaml"
    files = [str(good)]
    if broken:
        bad = tmp_path / "bad.yaml"
        bad.write_text(
            good.read_text(encoding="utf-8").replace("max_points: 10", "max_points: 9", 1)
        )
        files.append(str(bad))
    done = subprocess.run(  # noqa: S603 - our own interpreter and command
        [str(Path(sys.executable).parent / "hoctap"), "check-criteria", *files],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == exit_code, done.stderr
    if broken:
        assert "total_points: tổng điểm tối đa các chỉ số là 99" in done.stderr
        assert "criteria[0].max_points" in done.stderr
