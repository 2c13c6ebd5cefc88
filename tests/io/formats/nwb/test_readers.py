"""The two readers (pynwb and h5py) agree, and what ``from_nwb_file`` accepts."""

from __future__ import annotations

import warnings

import pytest
import xarray as xr

from movement_like.errors import FileFormatError
from movement_like.io import load_poses
from tests.io.formats.nwb.helpers import NWB, REAL, SLEAP_IO

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning", "ignore::UserWarning")


@pytest.mark.parametrize("name", REAL)
def test_h5py_reader_agrees_with_pynwb(realdata, name):
    auto = load_poses.from_nwb_file(realdata / NWB / name)
    direct = load_poses.from_nwb_file(realdata / NWB / name, backend="h5py")
    assert direct.attrs["nwb_reader"] == "h5py"
    auto.attrs.pop("nwb_reader")
    direct.attrs.pop("nwb_reader")
    xr.testing.assert_identical(auto, direct)


def test_open_nwbfile_object(realdata):
    from pynwb import NWBHDF5IO

    with NWBHDF5IO(str(realdata / NWB / REAL[2]), "r") as io:
        ds = load_poses.from_nwb_file(io.read())
    assert ds.sizes["time"] == 10 and ds.attrs["ndx_pose_version"] == "0.3.0"


def test_not_hdf5_and_bad_arguments(tmp_path, realdata):
    fake = tmp_path / "fake.nwb"
    fake.write_text("hello")
    with pytest.raises(FileFormatError, match="not an HDF5 file"):
        load_poses.from_nwb_file(fake)
    with pytest.raises(ValueError, match="which must be"):
        load_poses.from_nwb_file(realdata / SLEAP_IO, which="labels")
    with pytest.raises(TypeError, match="path or a pynwb.NWBFile"):
        load_poses.from_nwb_file(42)


def test_heavy_modules_stay_unimported_until_used():
    import subprocess
    import sys

    code = (
        "import sys\nfrom movement_like.io import load_poses, save_poses, load_bboxes\n"
        "print(sorted(m for m in ('pynwb', 'hdmf', 'ndx_pose') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_warnings_do_not_leak(realdata):
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        load_poses.from_nwb_file(realdata / SLEAP_IO)
