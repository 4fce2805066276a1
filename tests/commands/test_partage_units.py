"""/partage building blocks: path confinement, file names, passwords, blank documents."""

from __future__ import annotations

import io
import zipfile
from xml.etree import ElementTree

import pytest

from bot.errors import ArgumentError
from bot.ports.files import SharingPolicy
from commands.partage.blank_office import blank_document
from commands.partage.passwords import looks_strong, strong_password
from commands.partage.paths import folder_name, numbered, read_path, safe_file_name

POLICY = SharingPolicy(
    forbidden_names=frozenset({".htaccess"}),
    forbidden_characters=frozenset({"\\", "/"}),
    forbidden_extensions=(".part", ".filepart"),
)


def confine(typed: str) -> str:
    """Where a path typed in the room whose folder is Partage/equipe points."""
    return read_path(typed, "Partage").inside("Partage", "equipe")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("rapport.pdf", "Partage/equipe/rapport.pdf"),
        ("/bilans/./rapport.pdf", "Partage/equipe/bilans/rapport.pdf"),
        ("Partage/equipe/rapport.pdf", "Partage/equipe/rapport.pdf"),
        ("/partage/EQUIPE/rapport.pdf", "Partage/equipe/rapport.pdf"),
        ("equipe//compte rendu.docx", "Partage/equipe/equipe/compte rendu.docx"),
        ("/", "Partage/equipe"),
        ("Partage", "Partage/equipe"),
        ("/partage/Equipe/", "Partage/equipe"),
    ],
)
def test_paths_land_inside_the_rooms_share_folder(typed: str, expected: str) -> None:
    assert confine(typed) == expected


@pytest.mark.parametrize(
    "typed",
    ["../secret", "equipe/../../x", "/..", "a\x00b", "a\\..\\b", "x" * 600, "  ", "a\nb",
     "Partage/direction/salaires.pdf", "/Partage/direction"],
)
def test_escaping_or_malformed_paths_are_refused(typed: str) -> None:
    with pytest.raises(ArgumentError):
        confine(typed)


def test_attachment_names_are_made_storable_or_refused() -> None:
    assert safe_file_name("../../etc/passwd", POLICY) == "passwd"
    assert safe_file_name("C:\\Users\\marie\\note.txt", POLICY) == "note.txt"
    assert safe_file_name(".bashrc", POLICY) == "bashrc"
    assert safe_file_name(".htaccess", POLICY) == "htaccess"  # no hidden files
    long_name = safe_file_name("a" * 300 + ".pdf", POLICY)
    assert long_name.endswith(".pdf") and len(long_name) == 200
    for forbidden in ("video.part", "export.FILEPART"):
        with pytest.raises(ArgumentError):
            safe_file_name(forbidden, POLICY)


def test_copies_are_numbered_like_the_files_app() -> None:
    assert numbered("rapport.pdf", 2) == "rapport (2).pdf"
    assert numbered("LISEZMOI", 3) == "LISEZMOI (3)"
    assert folder_name("équipe/projet") == "équipe_projet"
    assert folder_name("..") == "salon"


def test_generated_passwords_are_strong_unique_and_long_enough_for_the_policy() -> None:
    strict = SharingPolicy(password_min_length=24)
    passwords = {strong_password(POLICY) for _ in range(50)}
    assert len(passwords) == 50 and all(looks_strong(p) for p in passwords)
    assert len(strong_password(strict)) >= 24
    assert not any("`" in p for p in passwords)


@pytest.mark.parametrize(
    ("extension", "main", "content_type"),
    [
        ("docx", "word/document.xml", "wordprocessingml.document.main+xml"),
        ("xlsx", "xl/workbook.xml", "spreadsheetml.sheet.main+xml"),
        ("pptx", "ppt/presentation.xml", "presentationml.presentation.main+xml"),
    ],
)
def test_blank_documents_are_well_formed_office_packages(
    extension: str, main: str, content_type: str
) -> None:
    with zipfile.ZipFile(io.BytesIO(blank_document(extension))) as archive:
        names = archive.namelist()
        assert names[0] == "[Content_Types].xml" and main in names
        for name in names:
            ElementTree.fromstring(archive.read(name))
        types = archive.read("[Content_Types].xml").decode()
        assert content_type in types
        assert "application/vnd.openxmlformats-package.relationships+xml" in types
        rels = archive.read("_rels/.rels").decode()
        assert f'Target="{main}"' in rels
    with pytest.raises(ValueError, match="txt"):
        blank_document("txt")
