"""The News timeline page (/news) through the real router, driven as a user would."""

from __future__ import annotations

import pandas as pd
import pytest
import streamlit as st

from qazdash.datasets import load_shipped
from qazdash.store import Store
from tests.app.conftest import assert_no_errors, open_page, page_text


def metric(at, label: str) -> str:
    return next(m.value for m in at.metric if m.label == label)


@pytest.fixture(autouse=True)
def fresh_caches():
    """Each test has its own database: drop the process-wide store and news index caches."""
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def test_page_shows_timeline_counts_map_and_table_from_shipped_data():
    at = open_page("news")
    assert_no_errors(at)
    assert metric(at, "Articles") == "189"
    text = page_text(at)
    assert "News timeline" in text and "Places in the news" in text
    table = next(df for df in at.dataframe if "Headline" in df.value.columns)
    assert len(table.value) == 189
    assert "China's Qingdao Port Ready to Export Kazakh Goods to Asia-Pacific Region" in set(table.value["Headline"])
    assert any(e.label.startswith("Place names not on the map") for e in at.expander)
    assert at.get("download_button")  # the CSV download is offered


@pytest.mark.parametrize("query", ["актау", "Aktau", "АКТАУ", "Ақтау"])
def test_search_finds_aktau_in_any_script(query):
    at = open_page("news", {"news_q": query})
    assert_no_errors(at)
    assert at.text_input(key="news_q").value == query
    assert metric(at, "Articles") == "31"


def test_typing_a_search_updates_the_counts():
    at = open_page("news")
    at.text_input(key="news_q").set_value("Циндао").run()
    assert_no_errors(at)
    assert metric(at, "Articles") == "28"
    at.text_input(key="news_q").set_value("контейнер").run()  # a Russian word inside Russian headlines
    assert int(metric(at, "Articles")) >= 1
    headlines = next(df for df in at.dataframe if "Headline" in df.value.columns).value["Headline"]
    assert all(isinstance(h, str) for h in headlines)


def test_shared_url_reproduces_the_filtered_view():
    query = {
        "news_q": "port",
        "news_corridors": ["titr_middle_corridor"],
        "news_langs": ["en"],
        "news_from": "2023-01-01",
        "news_to": "2024-12-31",
    }
    first = open_page("news", query)
    second = open_page("news", query)
    assert_no_errors(first)
    assert first.multiselect(key="news_corridors").value == ["titr_middle_corridor"]
    assert first.multiselect(key="news_langs").value == ["en"]
    shown = metric(first, "Articles")
    assert 0 < int(shown) < 189
    assert metric(second, "Articles") == shown
    rows = next(df for df in first.dataframe if "Headline" in df.value.columns).value
    assert rows["Language"].eq("en").all()
    assert rows["Corridors"].str.contains("Middle Corridor").all()
    assert rows["Published"].str[:4].astype(int).between(2023, 2024).all()


def test_place_filter_and_lanes_by_topic():
    at = open_page("news")
    at.multiselect(key="news_places").set_value(["Aktau"]).run()
    assert metric(at, "Articles") == "31"
    at.radio(key="news_lanes").set_value("topic").run()
    assert_no_errors(at)
    assert metric(at, "Articles") == "31"


def test_seed_story_card_shows_its_three_dates():
    at = open_page("news", {"news_article": "a-0089"})
    assert_no_errors(at)
    text = page_text(at)
    assert "China's Qingdao Port Ready to Export Kazakh Goods to Asia" in text.replace("\\", "")
    card = text.replace("\\", "")
    assert "QazMonitor" in card and "2022-11-10" in card
    assert "2022-11-04" in card  # the Astana meeting
    assert "2022-11-15" in card  # the online seminar, from the notes
    assert "Qingdao, Astana" in card
    at.button(key="news_card_close").click().run()
    assert "news_article" not in at.query_params
    assert "Click a point on the timeline" in page_text(at)


def test_no_match_says_what_to_change():
    at = open_page("news", {"news_q": "no-such-words-anywhere"})
    assert_no_errors(at)
    assert metric(at, "Articles") == "0"
    assert any("No article matches" in i.value for i in at.info)


def test_uploaded_article_without_tags_is_tagged_and_placed():
    store = Store.open(seed=load_shipped)
    upload = pd.DataFrame(
        [
            {
                "article_id": "up-0001",
                "published": "2025-03",
                "title": "Паром из Ақтау в Баку: Kazakh Invest meets KTZ Express",
                "source": "Test upload",
                "url": "https://example.org/up-0001",
                "language": "ru",
                "topic": "logistics",
                "summary": "Новая линия через Каспий.",
            }
        ]
    )
    store.commit("articles", upload, author="test", source_name="upload.csv")
    store.engine.dispose()
    at = open_page("news", {"news_article": "up-0001", "news_q": "aktau"})
    assert_no_errors(at)
    assert metric(at, "Articles") == "32"
    card = page_text(at).replace("\\", "")
    assert "2025-03 (month only)" in card
    assert "Aktau, Baku (Alat)" in card
    assert "Kazakh Invest, KTZ Express" in card
    assert "Tagged automatically" in card


def test_url_holds_ids_not_translated_labels():
    # (AppTest formats widget options in its own thread, in English, so this runs on the English page;
    # the labels differ from the ids in every language: "Middle Corridor (TITR)" vs titr_middle_corridor)
    at = open_page("news")
    at.multiselect(key="news_corridors").set_value(["titr_middle_corridor"]).run()
    assert_no_errors(at)
    assert at.query_params["news_corridors"] in (["titr_middle_corridor"], "titr_middle_corridor")
    at.radio(key="news_lanes").set_value("topic").run()
    assert at.query_params["news_lanes"] in (["topic"], "topic")
