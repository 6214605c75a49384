from __future__ import annotations

import matplotlib.image as mpimg
import numpy as np

from atlas.static_map import national_map


def test_national_map_draws_all_regions_and_the_insets(geodata_root, tmp_path):
    fig = national_map("regions", root=geodata_root)
    ax = fig.axes[0]
    xmin, xmax = ax.get_xlim()
    # the insets sit west of Brittany (x < 100 km in Lambert-93), the metropole reaches Nice
    assert xmin < 0 < 1_000_000 < xmax
    out = tmp_path / "regions.png"
    fig.savefig(out, dpi=100)
    image = mpimg.imread(out)
    drawn = (np.abs(image[..., :3] - np.array([0x9A, 0xA8, 0xB8]) / 255).sum(axis=2) < 0.05)
    assert drawn.mean() > 0.1  # a real share of the page is territory


def test_coloured_map_has_a_legend(geodata_root):
    fig = national_map("departements", column="population", title="Population",
                       root=geodata_root)
    legend = fig.axes[0].get_legend()
    assert legend is not None and len(legend.get_texts()) == 5
