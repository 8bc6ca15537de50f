"""Charts: PNG bytes from Counts, drawn off-screen, leaving no figure behind."""
import io

from PIL import Image

from tracker.domain.report import Counts
from tracker.exports import charts


def test_png_from_counts():
    counts = Counts({"done_on_time": 3, "done_late": 1, "in_progress_on_time": 4, "in_progress_overdue": 2,
                     "not_started": 1, "no_report": 2})
    png = charts.status_by_group_png([("Thái Nguyên", counts), ("Bắc Ninh", Counts.empty())],
                                     "Tình trạng thực hiện theo tỉnh")
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(png)) as image:
        assert image.width >= 1000


def test_no_groups_still_gives_a_chart():
    assert charts.status_by_group_png([], "Trống").startswith(b"\x89PNG")


def test_no_pyplot_figures_left_open():
    import matplotlib.pyplot as plt

    charts.status_by_group_png([("A", Counts.empty())], "x")
    assert plt.get_fignums() == []
