"""The bad-input corpus for ``perfkit verify``: hostile or broken bundles, each refused in one line.

Like the cases of ``test_corpus.py``: exit status 1, one line ``错误: FILE: PLACE: MESSAGE`` on
stderr naming the archive and the place in it, nothing on stdout, nothing written outside the
temporary folder (no unit is re-run: every refusal comes before). The bundles are small hand-made
archives (illustrative content), built to be valid except for the one defect each case names.
"""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from perfkit.cli import main
from tests.badinput.test_corpus import Refused

PARAMS = "params/562301.yaml"
GOOD_PARAMS = (
    'unit_code: "562301"\nyear: 2025\ntargets: [../run/data/targets.txt]\noutput_dir: ../run/units\n'
    "review_store: ../run/units/review.sqlite\n"
)


def files(params: str = GOOD_PARAMS) -> dict[str, bytes]:
    """The files of a small bundle (illustrative content): a parameter file, one input, one unit output."""
    return {
        PARAMS: params.encode(),
        "run/data/targets.txt": "（示例）绩效目标表\n".encode(),
        "run/units/562301/summary.json": b"{}",
    }


def manifest(content: dict[str, bytes], folder: str = "run/units/562301", code: str = "562301", n: int = 1) -> bytes:
    listed = {name: hashlib.sha256(data).hexdigest() for name, data in content.items()}
    units = [{"unit_code": code, "params": PARAMS, "folder": folder}] * n
    return json.dumps({"format": "perfkit-bundle/1", "units": units, "files": listed}).encode()


def archive(folder: Path, content: dict[str, bytes], manifest_bytes: bytes | None = None, extra=()) -> Path:
    """``content`` with its manifest (or ``manifest_bytes``), plus ``extra`` (ZipInfo, data) members."""
    path = folder / "bundle.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("MANIFEST.json", manifest(content) if manifest_bytes is None else manifest_bytes)
        for name, data in content.items():
            zf.writestr(name, data)
        for info, data in extra:
            zf.writestr(info, data)
    return path


def with_member(name: str, data: bytes = b"x", mode: int | None = None) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        info = zipfile.ZipInfo(name)
        info.compress_type = zipfile.ZIP_DEFLATED
        if mode is not None:
            info.external_attr = mode << 16
        return archive(folder, files(), extra=[(info, data)])

    return make


def encrypted_member(folder: Path) -> Path:
    """A member flagged as encrypted (bit 0 of the flags), set in the central directory by hand: zipfile clears it."""
    path = with_member("run/data/secret.txt")(folder)
    data = bytearray(path.read_bytes())
    entry = data.rindex(b"PK\x01\x02")  # the last central directory entry is the extra member's
    assert data[entry + 46 : entry + 46 + len("run/data/secret.txt")] == b"run/data/secret.txt"
    data[entry + 8] |= 0x1
    path.write_bytes(bytes(data))
    return path


def size_that_lies(folder: Path) -> Path:
    """A member of 2 MiB whose central directory declares 100 bytes, so no ratio check sees it coming."""
    path = with_member("run/data/zeros.txt", bytes(2 * 2**20))(folder)
    data = bytearray(path.read_bytes())
    entry = data.rindex(b"PK\x01\x02")
    data[entry + 24 : entry + 28] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(data))
    return path


def with_params(params: str) -> Callable[[Path], Path]:
    return lambda folder: archive(folder, files(params))


def edited_after_manifest(folder: Path) -> Path:
    content = files()
    listed = manifest(content)
    content["run/data/targets.txt"] = "（示例）改过的绩效目标表\n".encode()
    return archive(folder, content, listed)


def listed_but_missing(folder: Path) -> Path:
    content = files()
    listed = manifest(content | {"run/units/562301/findings.parquet": b"gone"})
    return archive(folder, content, listed)


def unlisted_file(folder: Path) -> Path:
    content = files()
    return archive(folder, content | {"run/data/added.txt": b"added later"}, manifest(content))


def no_manifest(folder: Path) -> Path:
    path = folder / "bundle.zip"
    with zipfile.ZipFile(path, "w") as zf:
        for name, data in files().items():
            zf.writestr(name, data)
    return path


def manifest_with(**unit) -> Callable[[Path], Path]:
    def make(folder: Path) -> Path:
        content = files()
        return archive(folder, content, manifest(content, **unit))

    return make


def text_file(folder: Path) -> Path:
    path = folder / "bundle.zip"
    path.write_text("不是压缩包\n", encoding="utf-8")
    return path


LINK = stat.S_IFLNK | 0o777
CASES: dict[str, tuple[Callable[[Path], Path], Refused]] = {
    "bundle: not a zip": (text_file, Refused("bundle.zip", "bundle.zip: 不是 zip 压缩包")),
    # worked by hand: 8 MiB of zeros deflate to about 8 KiB, a ratio near 1000, over the limit of 100
    "bundle: zip bomb (compression ratio)": (
        with_member("run/data/zeros.txt", bytes(8 * 2**20)),
        Refused("bundle.zip", "bundle.zip: 压缩包内 run/data/zeros.txt: 压缩比"),
    ),
    "bundle: zip bomb (a size header that lies)": (
        size_that_lies,
        Refused(
            "bundle.zip", "bundle.zip: 压缩包内 run/data/zeros.txt: 解压后大于声明的 100 字节（疑似压缩炸弹），拒绝读取"
        ),
    ),
    "bundle: encrypted member": (
        encrypted_member,
        Refused("bundle.zip", "bundle.zip: 压缩包内 run/data/secret.txt: 文件已加密"),
    ),
    "bundle: ../ leaves the folder": (
        with_member("../evil.txt"),
        Refused("bundle.zip", "bundle.zip: 压缩包内 ../evil.txt: 文件名含“..”，会写到解压文件夹之外，拒绝解压"),
    ),
    "bundle: ../ in the middle of a name": (
        with_member("run/../../evil.txt"),
        Refused("bundle.zip", "bundle.zip: 压缩包内 run/../../evil.txt: 文件名含“..”"),
    ),
    "bundle: absolute member name": (
        with_member("/tmp/evil.txt"),
        Refused("bundle.zip", "bundle.zip: 压缩包内 /tmp/evil.txt: 文件名是绝对路径或含非法字符"),
    ),
    "bundle: Windows drive in a member name": (
        with_member("C:/evil.txt"),
        Refused("bundle.zip", "bundle.zip: 压缩包内 C:/evil.txt: 文件名是绝对路径或含非法字符"),
    ),
    "bundle: backslashes in a member name": (
        with_member("..\\evil.txt"),
        Refused("bundle.zip", "bundle.zip: 压缩包内 ..\\evil.txt: 文件名是绝对路径或含非法字符"),
    ),
    "bundle: symlink member": (
        with_member("run/data/link", b"/etc/passwd", mode=LINK),
        Refused("bundle.zip", "bundle.zip: 压缩包内 run/data/link: 是符号链接，可指向解压文件夹之外，拒绝解压"),
    ),
    "bundle: no manifest": (no_manifest, Refused("bundle.zip", "bundle.zip: MANIFEST.json: 缺少清单文件")),
    "bundle: manifest is not JSON": (
        lambda folder: archive(folder, files(), b"{not json"),
        Refused("bundle.zip", "bundle.zip: MANIFEST.json: 清单不是有效的 JSON"),
    ),
    "bundle: manifest without files": (
        lambda folder: archive(folder, files(), b'{"units": []}'),
        Refused("bundle.zip", "bundle.zip: MANIFEST.json: 清单格式不对"),
    ),
    "bundle: a file edited after the manifest was written": (
        edited_after_manifest,
        Refused("bundle.zip", "bundle.zip: run/data/targets.txt: SHA-256 与 MANIFEST.json 不符：文件在打包后被改动"),
    ),
    "bundle: the manifest lists a file the archive lacks": (
        listed_but_missing,
        Refused("bundle.zip", "bundle.zip: run/units/562301/findings.parquet: MANIFEST.json 列出的文件不在包中"),
    ),
    "bundle: a file the manifest does not list": (
        unlisted_file,
        Refused("bundle.zip", "bundle.zip: run/data/added.txt: 文件不在 MANIFEST.json 中"),
    ),
    "bundle: the manifest's unit folder outside the bundle": (
        manifest_with(folder="run/units/562301/../../../.."),
        Refused(
            "bundle.zip", "bundle.zip: MANIFEST.json: 单位 562301 的输出文件夹不在包中：run/units/562301/../../../.."
        ),
    ),
    "bundle: a unit code that would name a folder outside": (
        manifest_with(code="../../562301"),
        Refused("bundle.zip", "bundle.zip: MANIFEST.json: 单位“../../562301”不是单位编码或可用作文件夹名的单位名称"),
    ),
    "bundle: a unit listed twice": (
        manifest_with(n=2),
        Refused("bundle.zip", "bundle.zip: MANIFEST.json: 单位 562301 出现了两次"),
    ),
}
# a bundled params file with a path that leaves the bundle: (parameter, path as bundled, path as edited)
LEAVING = [
    ("targets", "../run/data/targets.txt", "../../outside/targets.txt"),
    ("targets", "../run/data/targets.txt", "/etc/hosts"),
    ("output_dir", "../run/units\n", "../../elsewhere\n"),
    ("review_store", "../run/units/review.sqlite", "../../review.sqlite"),
]
CASES |= {
    f"bundle: params {key} outside the bundle ({new.strip()})": (
        with_params(GOOD_PARAMS.replace(old, new)),
        Refused("bundle.zip", f"bundle.zip: params/562301.yaml: {key}: 路径指向复核包之外：{new.strip()}"),
    )
    for key, old, new in LEAVING
}


@pytest.mark.parametrize("name", list(CASES))
def test_hostile_bundle_is_refused_in_one_line(name, tmp_path, capsys):
    make, expected = CASES[name]
    received = tmp_path / "inbox"
    received.mkdir()
    path = make(received)
    before = sorted(tmp_path.rglob("*"))
    status = main(["verify", str(path)])
    captured = capsys.readouterr()
    assert (status, captured.out) == (1, "")
    assert captured.err.startswith(f"错误: {received / expected.file}: ") and captured.err.count("\n") == 1, (
        captured.err
    )
    assert expected.place_and_message in captured.err, captured.err
    assert sorted(tmp_path.rglob("*")) == before, "a refused bundle writes nothing"
    assert not (tmp_path / "evil.txt").exists() and not Path("/tmp/evil.txt").exists()
