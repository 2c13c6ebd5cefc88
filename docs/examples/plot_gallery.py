"""Every plot of ``movement_like.plots`` on the sample data, saved as PNG files."""

from movement_like import plots, sample_data

layers = sample_data.fetch_dataset("synthetic_ultrasound", with_video=True)
manual, dlc = [str(name) for name in layers.layers.values]

fig = plots.plot_trajectory(
    layers.position,
    keypoints="0",
    video=layers.attrs["video_path"],
    title="label 0 over the first frame",
)
fig.savefig("trajectory.png")

fig = plots.plot_layer_comparison(layers.position, dlc, manual, keypoint="0")
fig.savefig("layers.png")

fig = plots.plot_confidence_histogram(layers.confidence.sel(layers=dlc), threshold=0.6)
fig.savefig("confidence.png")

mice = sample_data.fetch_dataset("multi_mouse_dlc")
fig = plots.plot_time_series(
    mice.position, individual="mouse2", keypoints=["snout", "tail_base", "tail_tip"]
)
fig.savefig("time_series.png")
print("wrote trajectory.png, layers.png, confidence.png, time_series.png")
