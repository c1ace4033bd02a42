"""The widget's report form offers exactly the reasons the API accepts (rostra.vocabulary)."""

import json
import re
from pathlib import Path

from rostra.vocabulary import REPORT_REASONS

WIDGET_SOURCE = Path(__file__).resolve().parents[2] / "src" / "rostra" / "web" / "widget" / "embed.js"


def test_the_report_form_lists_the_report_reasons_of_the_vocabulary():
    listed = re.search(r'h\("select", \{ id: reasonId, name: "reason" \},\s*(\[[^\]]*\])', WIDGET_SOURCE.read_text())
    assert listed is not None, "the report form's reason list moved: update this test"
    assert tuple(json.loads(listed.group(1))) == REPORT_REASONS
