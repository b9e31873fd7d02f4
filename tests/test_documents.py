"""Loading articles: files, directories, jsonl, broken encodings, publication dates."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from geo.documents import (
    Document,
    DocumentMeta,
    infer_published,
    load_documents,
    normalise_text,
    read_meta,
)
from geo.exceptions import DocumentError, FrontlineError

DOCS = Path(__file__).parent / "data" / "docs"


def _load(
    *paths: Path | str,
    published: date | None = None,
    meta: dict[str, DocumentMeta] | None = None,
) -> tuple[list[Document], list[DocumentError]]:
    errors: list[DocumentError] = []
    docs = list(load_documents(list(paths), published=published, meta=meta, on_error=errors.append))
    return docs, errors


# -- normalise_text ---------------------------------------------------------------------------
# ftfy straightens curly quotes, so a repaired x2019; may come out as either apostrophe.
APOS = ("'", "’")


def test_broken_numeric_entities_are_repaired() -> None:
    assert normalise_text("Haftarx2019;s forces") in {f"Haftar{a}s forces" for a in APOS}
    assert normalise_text("Sirtex2019;s portxA0;was shut") in {
        f"Sirte{a}s port was shut" for a in APOS
    }


def test_proper_entities_are_not_mangled_by_the_repair() -> None:
    # "&#x2019;" is a whole reference: the repair of truncated ones must leave no "&#" debris.
    out = normalise_text("Libya&#x2019;s army and Misratax2019;s brigades")
    assert out in {f"Libya{a}s army and Misrata{a}s brigades" for a in APOS}


def test_mojibake_is_fixed() -> None:
    assert normalise_text("Fighting â€” heavy at times â€” went on in Sirte.") == (
        "Fighting — heavy at times — went on in Sirte."
    )
    assert normalise_text("Libyaâ€™s army") in {f"Libya{a}s army" for a in APOS}


def test_exotic_spaces_and_line_endings() -> None:
    assert (
        normalise_text("Bani\u00a0Walid\u2009fell\r\nnext\rline") == "Bani Walid fell\nnext\nline"
    )


def test_control_characters_are_removed_but_lines_kept() -> None:
    out = normalise_text("GNA\x0bforces\x1fadvanced\nLNA retreated")
    assert "\x0b" not in out and "\x1f" not in out
    assert out.split("\n")[1] == "LNA retreated"


# -- load_documents ----------------------------------------------------------------------------
def test_txt_document(tmp_path: Path) -> None:
    path = tmp_path / "sirte_report.txt"
    path.write_text("Haftarx2019;s forces withdrew from Sirte.\n", encoding="utf-8")
    docs, errors = _load(path)
    assert errors == []
    assert len(docs) == 1
    doc = docs[0]
    assert doc.doc_id == "sirte_report"
    assert doc.text in {f"Haftar{a}s forces withdrew from Sirte.\n" for a in APOS}
    assert doc.path == str(path)
    assert doc.line is None
    assert doc.content_hash and len(doc.content_hash) == 64


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    path = tmp_path / "bom.txt"
    path.write_bytes("\ufeffGNA forces entered Zawiya.".encode())
    docs, _ = _load(path)
    assert docs[0].text.startswith("GNA")


def test_directory_is_searched_recursively_in_stable_order() -> None:
    docs, errors = _load(DOCS)
    ids = [d.doc_id for d in docs]
    assert ids == ["gharyan_report", "sabha_note", "w-1", "w-3"]
    # The malformed jsonl line is reported with file and line; readme.md is not read at all.
    assert [(Path(e.path).name, e.line) for e in errors] == [("wire.jsonl", 2)]


def test_fixture_txt_entities_and_stamp_date() -> None:
    docs, _ = _load(DOCS / "gharyan_report.txt")
    (doc,) = docs
    assert any(f"Haftar{a}s units" in doc.text for a in APOS)
    assert "x2019;" not in doc.text and "xA0;" not in doc.text
    assert "centre. Shops" in doc.text
    assert doc.published == date(2019, 11, 5)
    assert doc.published_source.startswith("text:")


def test_jsonl_fields_and_lines() -> None:
    docs, errors = _load(DOCS / "wire.jsonl")
    by_id = {d.doc_id: d for d in docs}
    assert set(by_id) == {"w-1", "w-3"}
    w1 = by_id["w-1"]
    assert w1.published == date(2020, 6, 5)
    assert w1.source == "Reuters"
    assert w1.url == "https://example.org/w-1"
    assert w1.title == "Sirte calm"
    assert w1.line == 1
    assert by_id["w-3"].source == "Anadolu"  # "outlet" is read as the source
    assert by_id["w-3"].line == 3
    (err,) = errors
    assert isinstance(err, DocumentError)
    assert err.line == 2
    assert str(err).startswith(f"{DOCS / 'wire.jsonl'}:2:")


def test_jsonl_bad_lines_are_reported_and_skipped(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    path.write_text(
        "\n".join(
            [
                '{"id": "a", "text": "GNA forces retook Tarhuna."}',
                "[1, 2, 3]",
                '{"id": "c", "text": "   "}',
                '{"id": "d", "text": "The LNA holds Sirte.", "published": "not a date"}',
                "",
                '{"text": "Clashes near Brega."}',
            ]
        ),
        encoding="utf-8",
    )
    docs, errors = _load(path)
    assert [d.doc_id for d in docs] == ["a", "d", "feed:6"]
    assert [e.line for e in errors] == [2, 3, 4]
    assert "not a date" in str(errors[2])
    assert docs[1].published is None


def test_published_argument_fills_only_missing_dates() -> None:
    docs, _ = _load(DOCS, published=date(2020, 6, 6))
    own = {d.doc_id: d.published for d in docs if d.published_source == "metadata"}
    assert own and date(2020, 6, 6) not in own.values()  # a jsonl record's own date stays
    rest = [d for d in docs if d.doc_id not in own]
    assert rest and {(d.published, d.published_source) for d in rest} == {(date(2020, 6, 6), "cli")}


def test_published_override_wins_over_everything() -> None:
    docs = list(load_documents([DOCS], published_override=date(2020, 6, 6), on_error=print))
    assert docs
    assert {d.published for d in docs} == {date(2020, 6, 6)}
    assert {d.published_source for d in docs} == {"cli"}


def test_meta_gives_date_and_outlet_to_txt(tmp_path: Path) -> None:
    path = tmp_path / "a1.txt"
    path.write_text("The LNA retreated from Gharyan.", encoding="utf-8")
    meta = {"a1": DocumentMeta(published=date(2019, 6, 27), source="Anadolu", url="u")}
    docs, _ = _load(path, meta=meta)
    assert docs[0].published == date(2019, 6, 27)
    assert docs[0].published_source == "metadata"
    assert docs[0].source == "Anadolu"


def test_empty_file_is_reported(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "blank.txt").write_text("  \n\n", encoding="utf-8")
    docs, errors = _load(tmp_path)
    assert docs == []
    assert sorted(Path(e.path).name for e in errors) == ["blank.txt", "empty.txt"]
    assert all("empty" in e.reason for e in errors)


def test_binary_file_is_skipped_others_loaded(tmp_path: Path) -> None:
    (tmp_path / "a_image.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
    (tmp_path / "b_real.txt").write_text("GNA forces seized Sabratha.", encoding="utf-8")
    docs, errors = _load(tmp_path)
    assert [d.doc_id for d in docs] == ["b_real"]
    assert len(errors) == 1
    assert errors[0].path.endswith("a_image.txt")
    assert "binary" in errors[0].reason


def test_invalid_utf8_is_still_processed_with_line_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin.txt"
    path.write_bytes(b"GNA forces advanced.\nThe LNA left Gharyan \xe9vening.\nThird line.\n")
    docs, errors = _load(path)
    assert len(docs) == 1
    assert "The LNA left Gharyan" in docs[0].text
    assert "Third line." in docs[0].text
    (err,) = errors
    assert err.line == 2
    assert f"{path}:2" in str(err)


def test_missing_path_is_reported(tmp_path: Path) -> None:
    docs, errors = _load(tmp_path / "nowhere.txt")
    assert docs == []
    assert errors[0].line is None
    assert "nowhere.txt" in str(errors[0])


def test_default_handler_logs_and_goes_on(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    (tmp_path / "a.txt").write_text("", encoding="utf-8")
    (tmp_path / "b.txt").write_text("GNA forces advanced into Sirte.", encoding="utf-8")
    docs = list(load_documents([tmp_path]))
    assert [d.doc_id for d in docs] == ["b"]
    assert "a.txt" in caplog.text


def test_other_suffixes_in_directories_are_ignored(tmp_path: Path) -> None:
    (tmp_path / "notes.md").write_text("Sirte fell.", encoding="utf-8")
    (tmp_path / "data.csv").write_text("id,text\n1,Sirte fell.", encoding="utf-8")
    docs, errors = _load(tmp_path)
    assert docs == [] and errors == []


def test_document_error_is_a_value_error() -> None:
    err = DocumentError("feed.jsonl", 7, "malformed JSON")
    assert isinstance(err, ValueError) and isinstance(err, FrontlineError)
    assert str(err) == "feed.jsonl:7: malformed JSON"


# -- infer_published ---------------------------------------------------------------------------
def test_bare_wire_stamp_line() -> None:
    day, how = infer_published("200606095959993\nGNA forces advanced on Sirte.")
    assert day == date(2020, 6, 6)
    assert "stamp" in how


def test_stamp_must_be_alone_on_its_line() -> None:
    assert infer_published("Casualties 200606095959993 reported.")[0] is None


def test_impossible_stamp_is_ignored() -> None:
    assert infer_published("201399101112131\nThe LNA left Sirte.")[0] is None


def test_no_clue_means_unknown() -> None:
    assert infer_published("GNA forces seized Gharyan on Saturday.") == (None, "unknown")


def test_weekday_after_explicit_date() -> None:
    # The truce began on a Monday; the report of "Thursday" is later that week.
    text = "The truce of Monday, June 1, 2020 held, the LNA said on Thursday."
    assert infer_published(text)[0] == date(2020, 6, 4)


def test_weekday_before_future_start_date() -> None:
    text = "A curfew takes effect from Monday, June 8, 2020, the council announced on Saturday."
    assert infer_published(text)[0] == date(2020, 6, 6)


def test_dateline_with_same_weekday() -> None:
    text = "Tripoli, Saturday, June 6, 2020\nGNA forces advanced on Saturday, officials said."
    assert infer_published(text)[0] == date(2020, 6, 6)


def test_past_date_introduced_by_on() -> None:
    text = (
        "GNA forces seized Tarhuna on Friday, June 5, 2020. "
        "The ministry said on Saturday the town was calm."
    )
    assert infer_published(text)[0] == date(2020, 6, 6)


def test_jsonl_published_field_wins_over_text(tmp_path: Path) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(
        '{"id": "s", "text": "200101000000000\\nThe LNA left Sirte.", "published": "2020-06-06"}',
        encoding="utf-8",
    )
    docs, _ = _load(path)
    assert docs[0].published == date(2020, 6, 6)


# -- read_meta ---------------------------------------------------------------------------------
def test_read_meta(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text(
        "id,published,outlet,url,title\n"
        "a1,2020-06-06,Anadolu,https://example.org/a1,Tarhuna\n"
        "a2,,,,\n",
        encoding="utf-8",
    )
    meta = read_meta(path)
    assert meta["a1"] == DocumentMeta(
        date(2020, 6, 6), "https://example.org/a1", "Anadolu", "Tarhuna"
    )
    assert meta["a2"] == DocumentMeta()


def test_read_meta_bad_date_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text("id,published\na1,2020-06-06\na2,06/07/2020\n", encoding="utf-8")
    with pytest.raises(DocumentError) as info:
        read_meta(path)
    assert info.value.line == 3
    assert str(info.value).startswith(f"{path}:3:")
    assert "06/07/2020" in str(info.value)


def test_read_meta_needs_id_column(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text("name,published\na1,2020-06-06\n", encoding="utf-8")
    with pytest.raises(DocumentError, match="id"):
        read_meta(path)
