"""``perfkit verify``: the reviewer's check of a bundle made by ``perfkit bundle`` (:mod:`perfkit.run.bundle`).

Steps, each refusing the bundle in one line (:class:`InputError`) before anything runs:

1. the archive gets the guards of every Office file (:func:`perfkit.load.formats.sniff.check_office_zip`:
   zip bombs by declared and by real size, too many parts, encryption, damage), and every member
   name must stay inside the folder it is unpacked into: no absolute path, no ``..``, no symlink;
2. it is unpacked into a temporary folder, and ``MANIFEST.json`` must list exactly the files
   unpacked, each with its SHA-256;
3. every path of every bundled parameter file must point inside the bundle.

Then the library versions of ``environment.lock`` are compared with the running environment, and
each unit's notebook is re-run from the bundle's own parameters and inputs (:func:`run_unit`);
what it gives is compared with what the bundle holds (:mod:`perfkit.run.compare`).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import stat
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from perfkit.errors import InputError
from perfkit.run.bundle import MANIFEST_NAME, PARAMS_FOLDER

_SHA256 = re.compile(r"[0-9a-f]{64}")


def _names_a_folder(name: str) -> bool:
    """Whether ``name`` can name a unit's folder of the re-run: what :func:`~perfkit.run.params.unit_key`
    makes of a code or a unit name (and year), so no separator, no leading dot, nothing empty."""
    from perfkit.run.params import unit_key

    return bool(name) and name != "_" and unit_key("", name) == name


_DRIVE = re.compile(r"^[A-Za-z]:")
_PATH_PARAMETERS = ("targets", "actuals", "output_dir", "review_store")


@dataclass
class Verification:
    """What ``perfkit verify`` found: per unit the differences (empty when it reproduces)."""

    units: dict[str, list[str]] = field(default_factory=dict)
    names: dict[str, str] = field(default_factory=dict)
    versions: list[str] = field(default_factory=list)

    @property
    def reproduced(self) -> bool:
        return all(not d for d in self.units.values())

    def lines(self) -> list[str]:
        """The report as printed: version differences first, then one line per unit and its differences."""
        out = [f"注意: 库版本与打包时不同：{v}" for v in self.versions]
        for code, differences in self.units.items():
            unit = " ".join(filter(None, [code, self.names.get(code)]))
            out.append(f"{unit}：不一致（{len(differences)} 处）" if differences else f"{unit}：一致")
            out += [f"  {d}" for d in differences]
        return out


def _member_place(info: zipfile.ZipInfo) -> str:
    return f"压缩包内 {info.filename}"


def safe_members(archive: zipfile.ZipFile, file: str) -> list[zipfile.ZipInfo]:
    """The archive's files, refusing any whose name or type could reach outside the unpacking folder."""
    seen: set[str] = set()
    members = []
    for info in archive.infolist():
        name = info.filename
        place = _member_place(info)
        if "\0" in name or "\\" in name or name.startswith("/") or _DRIVE.match(name):
            raise InputError(file, place, "文件名是绝对路径或含非法字符，会写到解压文件夹之外，拒绝解压")
        if ".." in PurePosixPath(name).parts:
            raise InputError(file, place, "文件名含“..”，会写到解压文件夹之外，拒绝解压")
        if stat.S_ISLNK(info.external_attr >> 16):
            raise InputError(file, place, "是符号链接，可指向解压文件夹之外，拒绝解压")
        if info.is_dir():
            continue
        key = PurePosixPath(name).as_posix()
        if key in seen:
            raise InputError(file, place, "同名文件出现了两次，拒绝解压")
        seen.add(key)
        members.append(info)
    return members


def unpack(path: Path, folder: Path) -> list[str]:
    """Check the archive at ``path`` and unpack its files into ``folder``; returns their names."""
    from perfkit.load.formats.sniff import check_office_zip

    file = str(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise InputError(file, None, "复核包不存在") from None
    except IsADirectoryError:
        raise InputError(file, None, "是文件夹，不是复核包（.zip）") from None
    if not data.startswith(b"PK\x03\x04"):
        raise InputError(file, None, "不是 zip 压缩包（perfkit bundle 生成的复核包）")
    archive = check_office_zip(data, file)
    names = []
    root = folder.resolve()
    for info in safe_members(archive, file):
        target = (root / info.filename).resolve()
        if root not in target.parents:  # safe_members already refused such names: a second lock
            raise InputError(file, _member_place(info), "会写到解压文件夹之外，拒绝解压")
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(archive.read(info))
        names.append(PurePosixPath(info.filename).as_posix())
    return names


def check_manifest(folder: Path, names: list[str], file: str) -> dict:
    """The manifest, once it lists exactly the unpacked files, each with the SHA-256 it has."""
    import hashlib

    if MANIFEST_NAME not in names:
        raise InputError(file, MANIFEST_NAME, "缺少清单文件：不是 perfkit bundle 生成的复核包")
    try:
        manifest = json.loads((folder / MANIFEST_NAME).read_text(encoding="utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(file, MANIFEST_NAME, f"清单不是有效的 JSON（{exc}）") from None
    listed = manifest.get("files") if isinstance(manifest, dict) else None
    units = manifest.get("units") if isinstance(manifest, dict) else None
    if not isinstance(listed, dict) or not isinstance(units, list) or not units:
        raise InputError(file, MANIFEST_NAME, "清单格式不对：应有 files（文件 → SHA-256）与 units（单位）")
    for name, digest in listed.items():
        if not isinstance(digest, str) or not _SHA256.fullmatch(digest):
            raise InputError(file, f"{MANIFEST_NAME}: {name}", f"不是 SHA-256：{digest!r}")
    present = set(names) - {MANIFEST_NAME}
    unlisted = sorted(present - set(listed))
    if unlisted:
        raise InputError(
            file, unlisted[0], f"文件不在 {MANIFEST_NAME} 中（共 {len(unlisted)} 个）：包在打包后被加入了文件"
        )
    missing = sorted(set(listed) - present)
    if missing:
        raise InputError(file, missing[0], f"{MANIFEST_NAME} 列出的文件不在包中（共 {len(missing)} 个）")
    changed = sorted(n for n in listed if hashlib.sha256((folder / n).read_bytes()).hexdigest() != listed[n])
    if changed:
        others = f"；另有 {len(changed) - 1} 个文件不符：{'、'.join(changed[1:6])}" if len(changed) > 1 else ""
        raise InputError(file, changed[0], f"SHA-256 与 {MANIFEST_NAME} 不符：文件在打包后被改动{others}")
    for unit in units:
        if not isinstance(unit, dict) or not all(
            isinstance(unit.get(k), str) for k in ("unit_code", "params", "folder")
        ):
            raise InputError(file, MANIFEST_NAME, "清单中的单位应有 unit_code、params、folder")
        if not _names_a_folder(unit["unit_code"]):
            raise InputError(file, MANIFEST_NAME, f"单位“{unit['unit_code']}”不是单位编码或可用作文件夹名的单位名称")
        if unit["params"] not in listed or not unit["params"].startswith(f"{PARAMS_FOLDER}/"):
            raise InputError(file, MANIFEST_NAME, f"单位 {unit['unit_code']} 的参数文件不在包中：{unit['params']}")
        if not any(name.startswith(unit["folder"].rstrip("/") + "/") for name in listed):
            raise InputError(file, MANIFEST_NAME, f"单位 {unit['unit_code']} 的输出文件夹不在包中：{unit['folder']}")
    codes = [u["unit_code"] for u in units]
    twice = sorted({c for c in codes if codes.count(c) > 1})
    if twice:
        raise InputError(file, MANIFEST_NAME, f"单位 {twice[0]} 出现了两次")
    return manifest


def check_params_inside(folder: Path, params_name: str, file: str) -> None:
    """Refuse a bundled parameter file with a path (input, output, review store) that leaves the bundle."""
    from perfkit.run.params import read_yaml

    params_file = folder / params_name
    data = read_yaml(params_file)
    if not isinstance(data, dict):
        raise InputError(file, params_name, "参数文件应是键值映射")
    root = folder.resolve()
    for key in _PATH_PARAMETERS:
        value = data.get(key)
        for item in value if isinstance(value, list) else [value]:
            if item is None or item == "":
                continue
            if not isinstance(item, str):
                raise InputError(file, f"{params_name}: {key}", f"应为路径，得到 {item!r}")
            target = Path(os.path.normpath(params_file.parent / item))
            if os.path.isabs(item) or (target != root and root not in target.parents):
                raise InputError(file, f"{params_name}: {key}", f"路径指向复核包之外：{item}")
            resolved = target.resolve()
            if resolved != root and root not in resolved.parents:
                raise InputError(file, f"{params_name}: {key}", f"路径经链接指向复核包之外：{item}")


def verify_bundle(path: str | Path, cell_timeout: int | None = 600) -> Verification:
    """Check the bundle at ``path`` and re-run its units; raises :class:`InputError` for a bad bundle.

    Nothing is written outside a temporary folder, which is removed at the end.
    """
    from perfkit.run.compare import compare_unit
    from perfkit.run.lock import LOCK_NAME, parse_lock, version_differences
    from perfkit.run.notebook import run_unit

    path = Path(path)
    file = str(path)
    result = Verification()
    with tempfile.TemporaryDirectory(prefix="perfkit-verify-") as scratch:
        folder = Path(scratch) / "bundle"
        names = unpack(path, folder)
        manifest = check_manifest(folder, names, file)
        for unit in manifest["units"]:
            check_params_inside(folder, unit["params"], file)
        if LOCK_NAME in names:
            result.versions = version_differences(parse_lock((folder / LOCK_NAME).read_text("utf-8", errors="replace")))
        for unit in manifest["units"]:
            code = unit["unit_code"]
            bundled = folder / unit["folder"]
            expected = Path(scratch) / "expected" / code
            shutil.copytree(bundled, expected)
            try:
                produced = run_unit(folder / unit["params"], progress=False, cell_timeout=cell_timeout)
            except InputError as exc:  # named as a file of the bundle, not of the temporary folder
                inside = exc.file.replace(str(folder.resolve()) + os.sep, "").replace(str(folder) + os.sep, "")
                result.units[code] = [f"重新运行失败：{InputError(inside, exc.place, exc.message).one_line()}"]
                continue
            except Exception as exc:  # a kernel that died, a cell that raised: this unit does not reproduce
                last = (str(exc).strip().splitlines() or [""])[-1][:300]
                result.units[code] = [f"重新运行失败：{type(exc).__name__}: {last}"]
                continue
            # compared where the re-run wrote, which is the bundled unit folder unless the parameters moved it
            result.names[code], result.units[code] = compare_unit(expected, produced["notebook"].parent, code)
    return result
