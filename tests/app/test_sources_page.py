"""Data & sources page."""

from tests.app.conftest import assert_no_errors, open_page, page_text


def test_sources_lists_every_dataset_with_its_version_and_licences():
    at = open_page("sources")
    assert_no_errors(at)
    labels = [e.label for e in at.expander]
    for title, rows in [("Places", 72), ("Route legs", 95), ("News articles", 189), ("Statistics", 259)]:
        assert any(label.startswith(title) and f"{rows} rows" in label for label in labels), labels
    text = page_text(at)
    assert "Natural Earth" in text and "GeoNames" in text
    assert "Current version" in text


def test_the_sources_document_sits_below_the_page_title():
    from qazdash.datasets_doc import sources_markdown

    text = sources_markdown()
    assert text.startswith("#### Where the shipped data comes from")
    assert not [line for line in text.splitlines() if line.startswith(("# ", "## ", "### "))]
    at = open_page("sources", {"lang": "ru"})
    assert_no_errors(at)
    assert "#### Where the shipped data comes from" in [m.value.splitlines()[0] for m in at.markdown if m.value]
