"""The movement-like command line: info and convert."""

from __future__ import annotations

import numpy as np
import pytest
import xarray as xr

from movement_like.cli import main
from movement_like.io import load_netcdf, load_poses, save_netcdf


def _sample(tmp_path):
    pos = np.arange(40.0).reshape(5, 2, 2, 2)
    pos[0, 0, 1] = np.nan
    ds = load_poses.from_numpy(
        pos,
        individual_names=["m1", "m2"],
        keypoint_names=["nose", "tail"],
        fps=30,
        source_software="test",
        layout="movement_like",
    )
    path = tmp_path / "in.nc"
    save_netcdf(ds, path)
    return ds, path


def test_info_prints_summary(tmp_path, capsys):
    _, path = _sample(tmp_path)
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "format:       netCDF" in out
    assert "individuals:  2 (m1, m2)" in out
    assert "frames:       5 (frame 0 to 4)" in out
    assert "fps:          30.0" in out
    assert "nose    0.00 %" in out
    assert "tail   10.00 %" in out


def test_convert_and_refuse_overwrite(tmp_path, capsys):
    ds, path = _sample(tmp_path)
    out = tmp_path / "out.nc"
    assert main(["convert", str(path), str(out)]) == 0
    xr.testing.assert_identical(load_netcdf(out), ds)
    assert main(["convert", str(path), str(out)]) == 2
    assert "overwrite" in capsys.readouterr().err


def test_unknown_file_lists_formats(tmp_path, capsys):
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"hello")
    assert main(["info", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "x.bin" in err and "supported formats:" in err and "netCDF" in err


def test_missing_file(tmp_path, capsys):
    assert main(["info", str(tmp_path / "nope.h5")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_convert_picks_writer_by_suffix_or_name(tmp_path):
    from movement_like.io import detect_format
    from movement_like.io.registry import find_format

    _, path = _sample(tmp_path)
    assert main(["convert", str(path), str(tmp_path / "out.csv")]) == 0
    assert detect_format(tmp_path / "out.csv").name == "DeepLabCut"
    assert main(["convert", str(path), str(tmp_path / "lp.csv"), "--to", "LP"]) == 0
    assert find_format("LP", need="writer").name == "LightningPose"


def test_damaged_hdf5_is_called_damaged(tmp_path, capsys, realdata):
    source = realdata / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5"
    truncated = tmp_path / "truncated.h5"
    truncated.write_bytes(source.read_bytes()[:5000])
    assert main(["info", str(truncated)]) == 2
    err = capsys.readouterr().err
    assert "truncated.h5: it starts like an HDF5 file but cannot be opened" in err


def test_convert_all_goes_on_past_a_bad_file(tmp_path, capsys, realdata):
    out = tmp_path / "out"
    out.mkdir()
    bad = tmp_path / "bad.csv"
    bad.write_text("not,a,pose,file\n")
    inputs = [
        realdata / "deeplabcut" / "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.h5",
        bad,
        realdata / "sleap" / "clip.predictions.slp",
    ]
    code = main(["convert-all", *map(str, inputs), "--out-dir", str(out), "--no-progress"])
    assert code == 2
    captured = capsys.readouterr()
    assert "converted 2 of 3 files" in captured.out
    assert "bad.csv" in captured.err
    assert sorted(p.name for p in out.iterdir()) == [
        "clip.predictions.nc",
        "m3v1mp4DLC_resnet50_openfieldAug20shuffle1_30000.nc",
    ]
    assert load_netcdf(out / "clip.predictions.nc").sizes["individuals"] == 2
    # a second run refuses to overwrite, file by file
    assert main(["convert-all", str(inputs[0]), "--out-dir", str(out), "--no-progress"]) == 2
    assert "overwrite" in capsys.readouterr().err
    # two inputs with the same name never write over each other
    twin = tmp_path / "twin"
    twin.mkdir()
    (twin / "clip.predictions.slp").write_bytes(inputs[2].read_bytes())
    args = [str(inputs[2]), str(twin / "clip.predictions.slp"), "--out-dir", str(tmp_path)]
    assert main(["convert-all", *args, "--no-progress"]) == 2
    assert "is also the output of" in capsys.readouterr().err


def test_info_counts_missing_values_per_coordinate(realdata, capsys):
    # front_right_paw is tracked in 2-D within a 3-D file: only its z is missing
    path = realdata / "nwb" / "0.1.1_poseestimation_nodes_edges.nwb"
    assert main(["info", str(path)]) == 0
    out = capsys.readouterr().out
    assert "missing values per keypoint and coordinate" in out
    assert "front_left_paw     0.00 %    0.00 %    0.00 %" in out
    assert "front_right_paw    0.00 %    0.00 %  100.00 %" in out


def test_refused_overwrite_names_the_command_line_flag(tmp_path, capsys):
    _, path = _sample(tmp_path)
    out = tmp_path / "out.nc"
    out.write_bytes(b"keep me")
    assert main(["convert", str(path), str(out)]) == 2
    err = capsys.readouterr().err
    assert "pass --overwrite to replace it" in err and "overwrite=True" not in err
    assert main(["convert-all", str(path), "--out-dir", str(tmp_path), "--no-progress"]) == 2
    err = capsys.readouterr().err
    assert "in.nc" in err and "--overwrite" in err and "overwrite=True" not in err
    assert out.read_bytes() == b"keep me"


def test_unrecognised_file_names_the_source_software_flag(tmp_path, capsys):
    bad = tmp_path / "x.bin"
    bad.write_bytes(b"hello")
    assert main(["info", str(bad)]) == 2
    err = capsys.readouterr().err
    assert "--source-software NAME" in err and "source_software=" not in err


def test_our_errors_are_one_line_and_foreign_ones_a_traceback(tmp_path, capsys, monkeypatch):
    from movement_like.errors import FileFormatError
    from movement_like.io import registry

    _, path = _sample(tmp_path)

    def damaged(*args, **kwargs):
        raise FileFormatError(path, "first line\nsecond line", "fix it")

    monkeypatch.setattr(registry, "load", damaged)
    assert main(["info", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "first line second line" in err and "Traceback" not in err

    def bug(*args, **kwargs):
        raise KeyError("a bug")

    monkeypatch.setattr(registry, "load", bug)
    with pytest.raises(KeyError):  # a foreign exception is a bug: shown with its traceback
        main(["info", str(path)])


def test_errors_from_the_installed_command(tmp_path):
    import subprocess
    import sys

    bad = tmp_path / "x.nc"
    bad.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(100))
    missing_dir = tmp_path / "nope"
    for argv in (
        ["info", str(bad)],
        ["info", str(tmp_path / "missing.h5")],
        ["convert-all", str(bad), "--out-dir", str(missing_dir)],
    ):
        done = subprocess.run(
            [sys.executable, "-m", "movement_like.cli", *argv], capture_output=True, text=True
        )
        assert done.returncode == 2, (argv, done.stderr)
        assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr, done.stderr
        assert done.stderr.startswith(f"movement-like {argv[0]}: error: ")
