"""Regions in files and datasets: GeoJSON, netCDF, idtracker.ai setup points, VIA regions."""

from __future__ import annotations

import json

import numpy as np
import pytest
import shapely

from movement_like.dataset import poses_from_numpy
from movement_like.errors import FileFormatError, InvalidArgumentError, OverwriteError
from movement_like.io import load_netcdf, load_poses, save_netcdf
from movement_like.roi import (
    LineOfInterest,
    PolygonOfInterest,
    compute_region_occupancy,
    get_regions,
    load_rois,
    regions_from_geojson,
    regions_from_setup_points,
    regions_from_via_shapes,
    regions_to_geojson,
    save_rois,
    set_regions,
)
from movement_like.roi import io as roi_files
from movement_like.roi.io import load_via_regions

CENTRE = PolygonOfInterest([(100, 100), (300, 100), (300, 250), (100, 250)], name="centre")
RING = PolygonOfInterest(
    [(0, 0), (400, 0), (400, 350), (0, 350)], holes=[CENTRE.coords], name="periphery"
)
DOOR = LineOfInterest([(0, 175), (50, 175)], name="door")


def same(a, b) -> bool:
    return type(a) is type(b) and a.name == b.name and a.region.equals_exact(b.region, 0)


# --------------------------------------------------------------------------- #
# regions that travel with the dataset
# --------------------------------------------------------------------------- #
def test_regions_survive_netcdf(tmp_path):
    ds = poses_from_numpy(np.random.default_rng(0).uniform(0, 400, (20, 1, 2, 2)), fps=30.0)
    stored = set_regions(ds, [CENTRE, RING, DOOR])
    assert "regions" not in ds.attrs  # the input is untouched
    assert "set_regions" in stored.attrs["log"]
    save_netcdf(stored, tmp_path / "state.nc")
    loaded = load_netcdf(tmp_path / "state.nc")
    regions = get_regions(loaded)
    assert all(same(a, b) for a, b in zip(regions, [CENTRE, RING, DOOR], strict=True))
    # and the loaded dataset answers with its own regions
    occupancy = compute_region_occupancy(loaded)
    assert occupancy.region.values.tolist() == ["centre", "periphery", "door"]
    np.testing.assert_array_equal(
        occupancy.values, compute_region_occupancy(ds, [CENTRE, RING, DOOR]).values
    )


def test_no_regions_is_an_empty_list_and_bad_ones_are_named():
    ds = poses_from_numpy(np.zeros((2, 1, 1, 2)))
    assert get_regions(ds) == []
    with pytest.raises(InvalidArgumentError, match="pass the regions"):
        compute_region_occupancy(ds)
    broken = ds.assign_attrs(regions="{not json")
    with pytest.raises(FileFormatError, match=r"attrs\['regions'\]"):
        get_regions(broken)


# --------------------------------------------------------------------------- #
# GeoJSON files
# --------------------------------------------------------------------------- #
def test_files_are_written_atomically_and_never_replaced_unasked(tmp_path):
    path = tmp_path / "zones.geojson"
    save_rois([CENTRE], path)
    with pytest.raises(OverwriteError):
        save_rois([RING], path)
    assert [r.name for r in load_rois(path)] == ["centre"]
    save_rois([RING, DOOR], path, overwrite=True)
    assert [r.name for r in load_rois(path)] == ["periphery", "door"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["zones.geojson"]
    with pytest.raises(InvalidArgumentError, match="suffix"):
        save_rois([CENTRE], tmp_path / "zones.txt")


def test_a_geojson_file_from_another_tool(tmp_path):
    """A GIS tool's file: crs, bbox, ids, other properties, no roi_type, no name."""
    content = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "pixels"}},
        "features": [
            {
                "type": "Feature",
                "id": 7,
                "bbox": [0, 0, 1, 1],
                "geometry": {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
                "properties": {"colour": "red"},
            },
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": [[0, 0], [2, 2.5]]},
                "properties": None,
            },
        ],
    }
    (tmp_path / "gis.json").write_text(json.dumps(content))
    polygon, line = load_rois(tmp_path / "gis.json")
    assert polygon.name == "Un-named region" and polygon.coords[:] == [
        (0, 0),
        (1, 0),
        (1, 1),
        (0, 0),
    ]
    assert isinstance(line, LineOfInterest) and line.coords[:] == [(0, 0), (2, 2.5)]


BAD = {
    "not JSON": ("{", "not valid JSON"),
    "a list": ("[]", "not a GeoJSON FeatureCollection"),
    "no features": ('{"type": "FeatureCollection"}', "no list of 'features'"),
    "a point": (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": '
        '{"type": "Point", "coordinates": [1, 2]}}]}',
        "feature 0 has geometry type 'Point'",
    ),
    "type mismatch": (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": '
        '"LineString", "coordinates": [[0, 0], [1, 1]]}, '
        '"properties": {"roi_type": "PolygonOfInterest"}}]}',
        "roi_type 'PolygonOfInterest' does not match geometry type 'LineString'",
    ),
    "open ring": (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": '
        '"Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}}]}',
        "ring 0 must be a list of at least 4",
    ),
    "NaN": (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": '
        '"LineString", "coordinates": [[0, 0], [NaN, 1]]}}]}',
        "position 1 has a coordinate that is not finite",
    ),
    "strings": (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": '
        '"LineString", "coordinates": [[0, 0], ["1", 1]]}}]}',
        "position 1 is not an \\[x, y\\] pair",
    ),
    "numeric name": (
        '{"type": "FeatureCollection", "features": [{"type": "Feature", "geometry": {"type": '
        '"LineString", "coordinates": [[0, 0], [1, 1]]}, "properties": {"name": 3}}]}',
        "the name must be a string",
    ),
    "deep nesting": ("[" * 100_000 + "]" * 100_000, "not valid JSON"),
}


@pytest.mark.parametrize("case", list(BAD))
def test_bad_files_get_our_error_naming_them(tmp_path, case):
    text, message = BAD[case]
    path = tmp_path / "bad.geojson"
    path.write_text(text)
    with pytest.raises(FileFormatError, match=message) as error:
        load_rois(path)
    assert str(path) in str(error.value)


def test_missing_huge_and_misnamed_files(tmp_path, monkeypatch):
    with pytest.raises(FileNotFoundError):
        load_rois(tmp_path / "nothing.geojson")
    path = tmp_path / "big.geojson"
    save_rois([RING], path)
    monkeypatch.setattr(roi_files, "MAX_BYTES", 100)
    with pytest.raises(FileFormatError, match="too large"):
        load_rois(path)
    monkeypatch.undo()
    (tmp_path / "zones.txt").write_text(regions_to_geojson([CENTRE]))
    with pytest.raises(FileFormatError, match="suffix"):
        load_rois(tmp_path / "zones.txt")
    (tmp_path / "latin.geojson").write_bytes(b'{"type": "\xe9"}')
    with pytest.raises(FileFormatError, match="not UTF-8"):
        load_rois(tmp_path / "latin.geojson")


def test_geojson_text_is_exact():
    awkward = PolygonOfInterest(
        [(0.1, 0.2), (1 / 3, 2 / 3), (123456.789012345, 1e-300)], name="ü ⊂ 𝓡"
    )
    (back,) = regions_from_geojson(regions_to_geojson([awkward]))
    assert same(back, awkward)


# --------------------------------------------------------------------------- #
# idtracker.ai setup points
# --------------------------------------------------------------------------- #
@pytest.mark.realdata
def test_idtracker_border_from_the_real_file(realdata):
    path = realdata / "idtrackerai" / "test_trajectories_idtrackerai_with_border.npy"
    ds = load_poses.from_idtracker_file(path)
    (border,) = regions_from_setup_points(ds)
    assert isinstance(border, PolygonOfInterest) and border.name == "border"
    assert len(border.coords) == 12  # 11 clicked points, closed
    assert border.coords[0] == (980.0, 469.0) and border.coords[5] == (180.0, 469.0)
    assert border.region.area == 470437.0
    occupancy = compute_region_occupancy(ds.position, [border])
    # every known centroid, checked against shapely point by point
    known = ds.position.notnull().all("space").values
    assert int(known.sum()) == 4021
    points = ds.position.values[known]
    expected = [border.region.covers(shapely.Point(p)) for p in points]
    assert occupancy.isel(region=0).values[known].tolist() == expected
    assert int(occupancy.sum()) == 2318


def test_setup_points_mapping_and_json():
    mapping = {"border": np.array([[0, 0], [10, 0], [10, 10], [0, 10]]), "feeder": [[2, 2], [3, 3]]}
    border, feeder = regions_from_setup_points(mapping)
    assert isinstance(border, PolygonOfInterest) and isinstance(feeder, LineOfInterest)
    again = regions_from_setup_points(
        json.dumps({k: np.asarray(v).tolist() for k, v in mapping.items()})
    )
    assert all(same(a, b) for a, b in zip(again, [border, feeder], strict=True))
    with pytest.warns(UserWarning, match="not a region"):
        assert regions_from_setup_points({"spot": [[1, 2]]}) == []
    with pytest.raises(InvalidArgumentError, match="setup_points"):
        regions_from_setup_points(poses_from_numpy(np.zeros((2, 1, 1, 2))))


# --------------------------------------------------------------------------- #
# VIA regions
# --------------------------------------------------------------------------- #
VIA_SHAPES = [
    (
        {"name": "polygon", "all_points_x": [10, 50, 30], "all_points_y": [10, 10, 40]},
        {"name": "nest"},
    ),
    ({"name": "rect", "x": 5, "y": 6, "width": 10, "height": 20}, {"name": "food"}),
    ({"name": "circle", "cx": 100, "cy": 100, "r": 10}, {"label": "water"}),
    ({"name": "ellipse", "cx": 0, "cy": 0, "rx": 4, "ry": 2, "theta": np.pi / 2}, {}),
    ({"name": "polyline", "all_points_x": [0, 5, 9], "all_points_y": [0, 5, 0]}, {"name": "wall"}),
    ({"name": "point", "cx": 1, "cy": 1}, {"name": "spot"}),
]


def check_via_regions(regions):
    assert [r.name for r in regions] == ["nest", "food", "water", "ellipse 3", "wall"]
    assert regions[1].coords[:] == [(5, 6), (15, 6), (15, 26), (5, 26), (5, 6)]
    assert regions[2].region.area == pytest.approx(np.pi * 100, rel=0.01)  # 64-gon
    assert regions[3].region.bounds == pytest.approx((-2, -4, 2, 4))  # turned a quarter
    assert isinstance(regions[4], LineOfInterest)


def test_via_shapes():
    entries = [{"shape_attributes": s, "region_attributes": a} for s, a in VIA_SHAPES]
    with pytest.warns(UserWarning, match="point"):
        check_via_regions(regions_from_via_shapes(entries))


def test_via_csv_and_json_files(tmp_path):
    header = ",".join(roi_files.VIA_HEADER)
    lines = [header]
    for i, (shape, attributes) in enumerate(VIA_SHAPES):
        cells = [json.dumps(shape).replace('"', '""'), json.dumps(attributes).replace('"', '""')]
        lines.append(f'frame.png,100,"{{}}",{len(VIA_SHAPES)},{i},"{cells[0]}","{cells[1]}"')
    (tmp_path / "via.csv").write_text("\n".join(lines))
    with pytest.warns(UserWarning, match="point"):
        check_via_regions(load_via_regions(tmp_path / "via.csv"))
    export = {
        "frame.png100": {
            "filename": "frame.png",
            "size": 100,
            "regions": [{"shape_attributes": s, "region_attributes": a} for s, a in VIA_SHAPES],
            "file_attributes": {},
        }
    }
    (tmp_path / "via.json").write_text(json.dumps(export))
    (tmp_path / "project.json").write_text(
        json.dumps({"_via_settings": {}, "_via_img_metadata": export})
    )
    for name in ("via.json", "project.json"):
        with pytest.warns(UserWarning, match="point"):
            check_via_regions(load_via_regions(tmp_path / name))
    (tmp_path / "broken.csv").write_text(
        header + '\nframe.png,1,"{}",1,0,"{""name"":""rect"",""x"":1}","{}"'
    )
    with pytest.raises(FileFormatError, match="incomplete"):
        load_via_regions(tmp_path / "broken.csv")
    (tmp_path / "other.csv").write_text("a,b\n1,2")
    with pytest.raises(FileFormatError, match="not a VIA CSV"):
        load_via_regions(tmp_path / "other.csv")


@pytest.mark.realdata
def test_via_regions_of_the_real_file(realdata):
    regions = load_via_regions(
        realdata / "via" / "sherlock_ep01_tracks_FRCNN.csv", name_attribute="track"
    )
    assert len(regions) == 427
    assert regions[0].name == "320" and regions[-1].name == "324"
    assert regions[0].coords[:] == [(325, 113), (428, 113), (428, 245), (325, 245), (325, 113)]
    assert regions[-1].coords[0] == (207, 90)


def test_the_old_home_of_region_files_warns_and_gives_the_same_functions():
    import importlib
    import sys

    sys.modules.pop("movement_like.io.rois", None)
    with pytest.warns(FutureWarning, match="movement_like.roi.io"):
        old = importlib.import_module("movement_like.io.rois")
    assert old.save_rois is roi_files.save_rois
    assert old.load_rois is roi_files.load_rois
    assert old.load_via_regions is load_via_regions
