"""The registry of file formats: one module per format, one line per format here.

Order matters: :func:`movement_like.io.registry.detect_format` tries the formats
whose suffix matches first, in this order, and the first sniffer that says yes
wins. Put the more specific format before the more general one (LightningPose
before DeepLabCut, for instance).

Adding a format = one new module in this package (``sniff``, a reader and
maybe a writer) plus one line below.
"""

from movement_like.io.registry import FileFormat

_P = "movement_like.io.formats."

FORMATS: list[FileFormat] = [
    FileFormat(
        "netCDF",
        ("poses", "bboxes"),
        (".nc", ".nc4", ".netcdf"),
        "movement_like.io.netcdf",
        writer="write",
        aliases=("movement", "movement_like"),
    ),
    # --- pose formats I (DeepLabCut, LightningPose, Anipose, SLEAP) ---
    # SLEAP comes first so that saving "*.analysis.h5" picks its writer ("*.h5": DeepLabCut).
    FileFormat("SLEAP", ("poses",), (".slp", ".analysis.h5"), _P + "sleap", writer="write"),
    # LightningPose is sniffed before DeepLabCut (its CSVs are DLC-style), but saving "*.csv"
    # by suffix alone writes DeepLabCut; LightningPose is written when named (to="LP").
    FileFormat(
        "LightningPose",
        ("poses",),
        (".csv",),
        _P + "lightningpose",
        writer="write",
        aliases=("LP", "lightning-pose"),
        write_by_suffix=False,
    ),
    FileFormat(
        "DeepLabCut", ("poses",), (".h5", ".csv"), _P + "dlc", writer="write", aliases=("DLC",)
    ),
    FileFormat("Anipose", ("poses",), (".csv",), _P + "anipose", writer="write"),
    # --- pose formats II (NWB, idtracker.ai, VIA tracks) ---
    FileFormat("NWB", ("poses",), (".nwb",), _P + "nwb", writer="write", aliases=("ndx-pose",)),
    FileFormat(
        "idtracker.ai",
        ("poses",),
        (".npy", ".h5", ".pickle", ".csv", "/"),
        _P + "idtracker",
        aliases=("idtracker", "idtrackerai"),
    ),
    FileFormat(
        "VIA-tracks",
        ("bboxes",),
        (".csv",),
        _P + "via",
        writer="write",
        aliases=("VIA", "VIA tracks", "via_tracks"),
    ),
    # --- annotation layers (DUSTrack) ---
    FileFormat(
        "DUSTrack",
        ("poses",),
        (".json",),
        _P + "dustrack",
        writer="write",
        aliases=("dustrack-layer",),
    ),
]
