"""Loading articles: files, directories, jsonl, broken encodings, publication dates."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from geo.documents import (
    Document,
    DocumentMeta,
    infer_published,
    load_documents,
    normalise_text,
    parse_published,
    read_meta,
    split_document,
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


# -- issue 14: records, encodings, dates, duplicates, long documents ------------------------------
def test_jsonl_records_split_on_newline_only(tmp_path: Path) -> None:
    """Issue 14 #3: U+2028, U+2029 and NEL inside a JSON string split the record."""
    path = tmp_path / "feed.jsonl"
    lines = [
        {"id": "ls", "text": "GNA forces retook Tarhuna.\u2028Residents returned."},
        {"id": "ps", "text": "The LNA holds Sirte.\u2029It said so on Monday."},
        {"id": "nel", "text": "Clashes near Brega.\x85More later."},
        {"text": "No id on the fourth line."},
    ]
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in lines), encoding="utf-8")
    docs, errors = _load(path)
    assert errors == []
    assert [d.doc_id for d in docs] == ["ls", "ps", "nel", "feed:4"]
    assert [d.line for d in docs] == [1, 2, 3, 4]
    assert "Residents returned" in docs[0].text and "More later" in docs[2].text


def test_jsonl_with_crlf_line_ends(tmp_path: Path) -> None:
    path = tmp_path / "crlf.jsonl"
    path.write_bytes(b'{"id": "a", "text": "One."}\r\n{"id": "b", "text": "Two."}\r\n')
    docs, errors = _load(path)
    assert errors == [] and [(d.doc_id, d.line) for d in docs] == [("a", 1), ("b", 2)]


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-be"])
def test_utf16_and_utf32_with_a_bom_are_read(tmp_path: Path, encoding: str) -> None:
    """Issue 14 #6: UTF-16 files were dropped as binary."""
    import codecs

    boms = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE}
    boms["utf-32-be"] = codecs.BOM_UTF32_BE
    text = "GNA forces retook Tarhuna on Friday.\nCafé «Sirte» — ليبيا."
    (tmp_path / "a.txt").write_bytes(boms.get(encoding, b"") + text.encode(encoding))
    feed = json.dumps({"id": "j", "text": text}, ensure_ascii=False) + "\n"
    (tmp_path / "b.jsonl").write_bytes(boms.get(encoding, b"") + feed.encode(encoding))
    docs, errors = _load(tmp_path)
    assert errors == []
    assert [d.text for d in docs] == [normalise_text(text)] * 2
    assert not docs[0].text.startswith("\ufeff")


def test_utf16_without_a_bom_is_binary_with_a_hint(tmp_path: Path) -> None:
    (tmp_path / "a.txt").write_bytes("GNA forces retook Tarhuna.".encode("utf-16-le"))
    docs, errors = _load(tmp_path)
    assert docs == [] and "byte-order mark" in str(errors[0])


def test_broken_utf16_is_read_with_replacements_and_reported(tmp_path: Path) -> None:
    import codecs

    data = codecs.BOM_UTF16_LE + "Line one.\nLine two.".encode("utf-16-le") + b"\x00\xd8"
    (tmp_path / "a.txt").write_bytes(data)
    docs, errors = _load(tmp_path)
    assert len(docs) == 1 and "Line two." in docs[0].text
    assert errors[0].kept and errors[0].line == 2 and "invalid UTF-16" in str(errors[0])


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2020-06-06", (date(2020, 6, 6), "day")),
        ("2020-06-06T23:30:00-05:00", (date(2020, 6, 6), "day")),
        ("2020-06-06T10:00:00Z", (date(2020, 6, 6), "day")),
        ("2020-06-06 10:00", (date(2020, 6, 6), "day")),
        ("20200606", (date(2020, 6, 6), "day")),
        ("2020-06", (date(2020, 6, 30), "month")),
        ("2020-02", (date(2020, 2, 29), "month")),
        ("2020", (date(2020, 12, 31), "year")),
        ("Sat, 06 Jun 2020 10:00:00 GMT", (date(2020, 6, 6), "day")),
        ("6 June 2020", (date(2020, 6, 6), "day")),
        ("June 6, 2020", (date(2020, 6, 6), "day")),
    ],
)
def test_published_values_kept_at_their_precision(value: str, expected: tuple[date, str]) -> None:
    assert parse_published(value) == expected


@pytest.mark.parametrize(
    "value",
    [
        2020,
        5,
        "5",
        2020.5,
        True,
        [2020],
        "07/06/2020",
        "2020-13",
        "2020-02-30",
        "June 2020",
        "June 6",
        "soon",
    ],
)
def test_numeric_ambiguous_and_partial_written_dates_are_rejected(value: object) -> None:
    """Issue 14 #7: ``published: 2020`` or "5" became a full date padded with today."""
    with pytest.raises(ValueError, match="date"):
        parse_published(value)


def test_jsonl_published_numbers_are_reported_partials_kept(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    records = [
        {"id": "n", "text": "GNA forces retook Tarhuna.", "published": 2020},
        {"id": "s", "text": "GNA forces retook Sirte.", "published": "5"},
        {"id": "m", "text": "GNA forces retook Brega.", "published": "2020-06"},
        {"id": "y", "text": "GNA forces retook Zliten.", "published": "2019"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    docs, errors = _load(path)
    by_id = {d.doc_id: d for d in docs}
    assert [(e.line, e.kept) for e in errors] == [(1, True), (2, True)]
    assert "is int 2020" in str(errors[0]) and "'5' is not a date" in str(errors[1])
    assert by_id["n"].published is None and by_id["s"].published is None
    assert (by_id["m"].published_iso, by_id["m"].published_precision) == ("2020-06", "month")
    assert by_id["m"].published == date(2020, 6, 30)  # the latest it can be, never today
    assert by_id["y"].published_iso == "2019"


def test_partial_published_is_made_exact_by_the_text_when_they_agree(tmp_path: Path) -> None:
    path = tmp_path / "feed.jsonl"
    stamp = "200606095959993\nGNA forces retook Tarhuna on Friday."
    records = [
        {"id": "agree", "text": stamp, "published": "2020-06"},
        {"id": "disagree", "text": stamp, "published": "2019-06"},
    ]
    path.write_text("\n".join(json.dumps(r) for r in records), encoding="utf-8")
    docs, _ = _load(path)
    assert (docs[0].published, docs[0].published_precision) == (date(2020, 6, 6), "day")
    assert docs[0].published_source.startswith("metadata (2020-06) and text:")
    assert (docs[1].published_iso, docs[1].published_source) == ("2019-06", "metadata")


def test_meta_csv_takes_partial_dates_and_rejects_numeric_orders(tmp_path: Path) -> None:
    path = tmp_path / "meta.csv"
    path.write_text("id,published\na,2020-06\n", encoding="utf-8")
    assert read_meta(path)["a"].published_precision == "month"
    path.write_text("id,published\na,2020-06-01\nb,06/07/2020\n", encoding="utf-8")
    with pytest.raises(DocumentError, match=r"meta.csv:3: .*ambiguous"):
        read_meta(path)


def test_duplicate_ids_with_different_text_name_both_places(tmp_path: Path) -> None:
    """Issue 14 #8: two records with one id and different text were silently merged."""
    (tmp_path / "a.jsonl").write_text(
        '{"id": "x", "text": "GNA forces retook Tarhuna."}\n'
        '{"id": "x", "text": "GNA forces retook Tarhuna."}\n',  # the same text: not a conflict
        encoding="utf-8",
    )
    (tmp_path / "b.jsonl").write_text(
        '{"id": "y", "text": "Other."}\n{"id": "x", "text": "The LNA retook Tarhuna."}\n',
        encoding="utf-8",
    )
    docs, errors = _load(tmp_path)
    assert [d.doc_id for d in docs] == ["x", "x", "y"]
    (err,) = errors
    assert not err.kept and (err.path, err.line) == (str(tmp_path / "b.jsonl"), 2)
    assert f"duplicate id 'x' with different text (first at {tmp_path / 'a.jsonl'}:1)" in str(err)
    every = list(load_documents([tmp_path], unique_ids=False, on_error=errors.append))
    assert len(every) == 4 and len(errors) == 1


def test_long_documents_split_at_paragraph_breaks() -> None:
    paragraph = "GNA forces retook Tarhuna on Friday. Residents returned to the town.\n\n"
    doc = Document("big", paragraph * 100, date(2020, 6, 6), "cli", "big.txt")
    parts = split_document(doc, max_chars=1000)
    assert len(parts) > 5 and all(len(p.text) <= 1000 for _, p in parts)
    assert "".join(p.text for _, p in parts) == doc.text
    for offset, part in parts:
        assert doc.text[offset : offset + len(part.text)] == part.text
        assert part.text.endswith("\n\n") or offset + len(part.text) == len(doc.text)
        assert (part.doc_id, part.content_hash, part.published) == (
            "big",
            doc.content_hash,
            doc.published,
        )
    assert split_document(doc, max_chars=10_000_000) == [(0, doc)]


def test_one_line_documents_split_at_sentences_then_spaces() -> None:
    doc = Document("line", "The LNA said so. " * 200, None, "unknown", "l.txt")
    parts = split_document(doc, max_chars=1000)
    assert all(p.text.endswith(". ") for _, p in parts[:-1])
    words = Document("w", "word " * 1000, None, "unknown", "w.txt")
    assert all(p.text.endswith(" ") for _, p in split_document(words, max_chars=1000)[:-1])
    blob = Document("b", "x" * 2500, None, "unknown", "b.txt")
    assert [len(p.text) for _, p in split_document(blob, max_chars=1000)] == [1000, 1000, 500]
    with pytest.raises(ValueError, match="at least 1000"):
        split_document(blob, max_chars=10)
