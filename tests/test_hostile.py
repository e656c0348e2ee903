"""Hostile input, faults and adversarial files (issue 11): each case ends in one clear line
naming the file and the problem, exit 2, the other files still processed, nothing lost,
and never an ``internal error``, a traceback or a hang.

Real components throughout: real FIFOs, devices, a real ``nobody`` process for permission
cases (root reads everything), real ``kill -9``.
"""

from __future__ import annotations

import os
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from .helpers import ROOT, run_cli

ARTEFACT = "Said，then.\n"
NOBODY = 65534


def errors(stderr: str) -> list[str]:
    return [line for line in stderr.splitlines() if ": error: " in line]


def no_crash(r: subprocess.CompletedProcess[str]) -> None:
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr, r.stderr


# --- running as a real non-root user ------------------------------------------------------

_AS_NOBODY = textwrap.dedent("""
    import os, sys
    from click.testing import CliRunner
    from repairtool.cli import main
    # Warm up as root: the interpreter lives where nobody may read, so every module the
    # run needs is imported before the switch.
    warm = sys.argv[1]
    for fmt in ("human", "json"):
        CliRunner().invoke(main, ["scan", "--format", fmt, warm])
    CliRunner().invoke(main, ["scan", "--diff", warm])
    os.setgroups([])
    os.setgid(65534)
    os.setuid(65534)
    sys.argv = ["repairtool", *sys.argv[2:]]
    main()
""")


def run_as_nobody(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    """The command line as user ``nobody`` (needs root to switch; skipped otherwise)."""
    if os.geteuid() != 0:
        pytest.skip("switching to nobody needs root")
    warm = cwd / ".warm.txt"
    warm.write_text(ARTEFACT, encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1",
           "REPAIRTOOL_CACHE_DIR": ""}
    proc = subprocess.run([sys.executable, "-c", _AS_NOBODY, str(warm), *args], cwd=cwd,
                          capture_output=True, env=env, timeout=120)
    return subprocess.CompletedProcess(proc.args, proc.returncode,
                                       proc.stdout.decode("utf-8", "replace"),
                                       proc.stderr.decode("utf-8", "replace"))


@pytest.fixture
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder ``nobody`` can enter (pytest's own tmp folders are root's, mode 0700)."""
    import tempfile

    d = Path(tempfile.mkdtemp(prefix="rt-hostile-"))
    d.chmod(0o755)
    yield d
    for dirpath, dirnames, _ in os.walk(d):
        for name in dirnames:
            os.chmod(os.path.join(dirpath, name), 0o755)
    import shutil

    shutil.rmtree(d, ignore_errors=True)


# --- 1. paths -------------------------------------------------------------------------------

def test_fifo_named_is_one_error_and_never_hangs(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "pipe.txt", "a.txt", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert errors(r.stderr) == [
        "pipe.txt: error: a FIFO (named pipe), not a regular file; not read"]
    assert "a.txt:1:5: RT301" in r.stdout


def test_fifo_and_device_link_found_in_a_folder(tmp_path: Path) -> None:
    d = tmp_path / "d"
    d.mkdir()
    (d / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    os.mkfifo(d / "pipe.txt")
    (d / "zero.txt").symlink_to("/dev/zero")
    r = run_cli("scan", "d", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert errors(r.stderr) == [
        "d/pipe.txt: error: a FIFO (named pipe), not a regular file; not read",
        "d/zero.txt: error: a character device, not a regular file; not read"]
    assert "d/a.txt:1:5" in r.stdout


@pytest.mark.parametrize("device", ["/dev/null", "/dev/zero", "/dev/urandom"])
def test_devices_are_not_read(tmp_path: Path, device: str) -> None:
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", device, "a.txt", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert errors(r.stderr) == [f"{device}: error: a character device, not a regular file; "
                                "not read"]
    assert "a.txt:1:5" in r.stdout


def test_fix_on_a_fifo_does_not_hang(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "pipe.md")
    r = run_cli("scan", "--fix", "pipe.md", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2 and "pipe.md: error: a FIFO" in r.stderr


def test_unreadable_folder_named_as_nobody(world: Path) -> None:
    (world / "locked").mkdir()
    (world / "locked" / "x.txt").write_text(ARTEFACT, encoding="utf-8")
    (world / "locked").chmod(0o000)
    (world / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_as_nobody("scan", "locked", "a.txt", cwd=world)
    no_crash(r)
    assert r.returncode == 2
    assert errors(r.stderr) == ["locked: error: cannot read folder: permission denied"]
    assert "a.txt:1:5" in r.stdout


def test_unreadable_subfolder_is_reported_not_skipped(world: Path) -> None:
    top = world / "top"
    (top / "sub").mkdir(parents=True)
    (top / "sub" / "x.txt").write_text(ARTEFACT, encoding="utf-8")
    (top / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    (top / "sub").chmod(0o000)
    r = run_as_nobody("scan", "top", cwd=world)
    no_crash(r)
    assert r.returncode == 2
    assert errors(r.stderr) == ["top/sub: error: cannot read folder: permission denied"]
    assert "top/a.txt:1:5" in r.stdout


def test_nul_after_the_first_8kb_is_binary(tmp_path: Path) -> None:
    (tmp_path / "late.txt").write_bytes(b"Plain words here. " * 1000 + b"\x00tail\n")
    r = run_cli("scan", "late.txt", cwd=tmp_path)
    assert r.returncode == 2
    assert errors(r.stderr) == ["late.txt: error: binary file (contains NUL bytes), not scanned"]


# --- 1. configuration -----------------------------------------------------------------------

@pytest.mark.parametrize(("body", "message"), [
    ("fail-on = 1\n", "fail-on must be a string, not an integer"),
    ('min-severity = ["error"]\n', "min-severity must be a string, not an array"),
    ('select = [""]\n', "select: an empty rule code"),
    ("glossary = 3\n", "glossary must be a string, not an integer"),
    ('glossary = "nope.csv"\n', "glossary: {dir}/nope.csv: no such file"),
    ('lexicons = ["nope.toml"]\n', "lexicons: {dir}/nope.toml: no such file"),
    ('encoding = "rot13"\n', "encoding: 'rot13' is not a text encoding"),
    ("x = " + "[" * 3000 + "]" * 3000 + "\n", "invalid TOML: nested too deeply"),
])
def test_bad_config_values(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / ".repairtool.toml").write_text(body, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "a.txt", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    cfg = tmp_path / ".repairtool.toml"
    assert errors(r.stderr) == [f"a.txt: error: {cfg}: {message.format(dir=tmp_path)}"]


@pytest.mark.parametrize(("body", "message"), [
    ("tool = 5\n", "tool must be a table, not an integer"),
    ("[tool]\nrepairtool = 5\n", "tool.repairtool must be a table, not an integer"),
])
def test_bad_pyproject_tables(tmp_path: Path, body: str, message: str) -> None:
    (tmp_path / "pyproject.toml").write_text(body, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "--config", "pyproject.toml", "a.txt", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert r.stderr.strip() == f"repairtool: {tmp_path / 'pyproject.toml'}: {message}"


@pytest.mark.parametrize(("args", "message"), [
    (["--encoding", "rot13"], "repairtool: --encoding: 'rot13' is not a text encoding"),
    (["--encoding", "base64"], "repairtool: --encoding: 'base64' is not a text encoding"),
    (["--lexicon", "nope.toml"], "repairtool: --lexicon nope.toml: no such file"),
    (["--glossary", "nope.csv"], "repairtool: --glossary nope.csv: no such file"),
])
def test_bad_options(tmp_path: Path, args: list[str], message: str) -> None:
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", *args, "a.txt", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2 and r.stderr.strip() == message


def test_deeply_nested_lexicon(tmp_path: Path) -> None:
    (tmp_path / "deep.toml").write_text("x = " + "[" * 3000 + "]" * 3000 + "\n",
                                        encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "--lexicon", "deep.toml", "a.txt", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert errors(r.stderr) == ["a.txt: error: deep.toml:1: invalid lexicon: nested too deeply"]


PO = ('msgid ""\nmsgstr ""\n"Content-Type: text/plain; charset=UTF-8\\n"\n\n'
      'msgid "Hello world"\nmsgstr "Hello world"\n')


def test_glossary_csv_not_utf8(tmp_path: Path) -> None:
    (tmp_path / "terms.csv").write_bytes("世界,world\n".encode("gb18030"))
    (tmp_path / "a.po").write_text(PO, encoding="utf-8")
    r = run_cli("scan", "--glossary", "terms.csv", "a.po", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    [line] = errors(r.stderr)
    assert line.startswith("a.po: error: glossary terms.csv: not UTF-8")


def test_tbx_glossary_error_names_the_glossary(tmp_path: Path) -> None:
    (tmp_path / "terms.tbx").write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE martif [<!ENTITY e "x">]>\n<martif/>\n',
        encoding="utf-8")
    (tmp_path / "a.po").write_text(PO, encoding="utf-8")
    r = run_cli("scan", "--glossary", "terms.tbx", "a.po", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert errors(r.stderr) == ["a.po: error: glossary terms.tbx: line 2: XML entity "
                                "declaration refused (entity expansion is not allowed)"]


# --- 2. the XML guard -----------------------------------------------------------------------

XLIFF12 = ('<xliff version="1.2" xmlns="urn:oasis:names:tc:xliff:document:1.2">'
           '<file source-language="zh" target-language="en" datatype="plaintext" original="x">'
           '<body><trans-unit id="1"><source>你好</source><target>{t}</target></trans-unit>'
           '</body></file></xliff>\n')
XLIFF20 = ('<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0" srcLang="zh" '
           'trgLang="en"><file id="f"><unit id="1"><segment><source>你好</source>'
           '<target>{t}</target></segment></unit></file></xliff>\n')
TMX = ('<tmx version="1.4"><header srclang="zh" datatype="plaintext" segtype="sentence" '
       'adminlang="en" creationtool="t" creationtoolversion="1" o-tmf="t"/><body>'
       '<tu tuid="1"><tuv xml:lang="zh"><seg>你好</seg></tuv><tuv xml:lang="en"><seg>{t}</seg>'
       '</tuv></tu></body></tmx>\n')
ANDROID = '<resources><string name="a">{t}</string></resources>\n'
XML_FORMATS = {"a.xlf": XLIFF12, "a.tmx": TMX, "strings.xml": ANDROID}


def _doc(template: str, prolog: str, target: str = "&e;") -> str:
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + prolog + template.format(t=target)


@pytest.mark.parametrize("name", sorted(XML_FORMATS))
@pytest.mark.parametrize(("prolog", "what"), [
    ("<!--" + "x" * 1_100_000 + "-->\n<!DOCTYPE r [<!ENTITY e 'boom'>]>\n",
     "entity declaration refused"),
    ("<!DOCTYPE r [" + " " * 1_100_000 + "<!ENTITY e 'boom'>]>\n",
     "entity declaration refused"),
    ('<!DOCTYPE r SYSTEM "http://example.invalid/x.dtd">\n', "external DTD refused"),
    ('<!DOCTYPE r PUBLIC "-//x//EN" "x.dtd">\n', "external DTD refused"),
    ('<!DOCTYPE r [<!ENTITY % p SYSTEM "file:///etc/passwd"> %p;]>\n',
     "external entity declaration refused"),
])
def test_xml_guard_cannot_be_bypassed(tmp_path: Path, name: str, prolog: str, what: str
                                      ) -> None:
    f = tmp_path / name
    body = _doc(XML_FORMATS[name], prolog, "&e;" if "ENTITY e" in prolog else "Hi，there")
    f.write_text(body, encoding="utf-8")
    for args in (["scan"], ["scan", "--fix"]):
        r = run_cli(*args, name, cwd=tmp_path)
        no_crash(r)
        assert r.returncode == 2, r.stderr
        [line] = errors(r.stderr)
        assert line.startswith(f"{name}: error: line ") and what in line
    assert f.read_text(encoding="utf-8") == body  # never rewritten


@pytest.mark.parametrize("name", sorted(XML_FORMATS))
def test_xml_guard_unknown_encoding_declaration(tmp_path: Path, name: str) -> None:
    body = ('<?xml version="1.0" encoding="klingon"?>\n<!DOCTYPE r [<!ENTITY e "boom">]>\n'
            + XML_FORMATS[name].format(t="&e;"))
    (tmp_path / name).write_text(body, encoding="utf-8")
    r = run_cli("scan", "--fix", name, cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2 and "refused" in r.stderr  # the entity, or the codec itself
    assert (tmp_path / name).read_text(encoding="utf-8") == body


@pytest.mark.parametrize(("name", "template"), [("a.xlf", XLIFF12), ("b.xlf", XLIFF20),
                                                ("a.tmx", TMX)])
def test_long_benign_comment_is_accepted(tmp_path: Path, name: str, template: str) -> None:
    body = _doc(template, "<!--" + " note " * 2000 + "-->\n", "Said，then.")
    (tmp_path / name).write_text(body, encoding="utf-8")
    r = run_cli("scan", "--format", "json", name, cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 1, r.stderr
    assert '"RT301"' in r.stdout


@pytest.mark.parametrize(("name", "template"), [("a.xlf", XLIFF12), ("a.tmx", TMX)])
def test_utf16_with_bom(tmp_path: Path, name: str, template: str) -> None:
    body = '<?xml version="1.0" encoding="UTF-16"?>\n' + template.format(t="Said，then.")
    (tmp_path / name).write_bytes(body.encode("utf-16"))
    r = run_cli("scan", name, cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 1, r.stderr
    assert f"{name}:2:" in r.stdout and "RT301" in r.stdout


# --- 4. writes ------------------------------------------------------------------------------

def _fixable(path: Path) -> None:
    path.write_text(ARTEFACT, encoding="utf-8")


def test_read_only_file_refused_unless_force(tmp_path: Path) -> None:
    f = tmp_path / "ro.txt"
    _fixable(f)
    f.chmod(0o444)
    (tmp_path / "b.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "--fix", "ro.txt", "b.txt", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert errors(r.stderr) == ["ro.txt: error: read-only file; not rewritten "
                                "(use --force to fix it anyway)"]
    assert f.read_text(encoding="utf-8") == ARTEFACT
    assert (tmp_path / "b.txt").read_text(encoding="utf-8") == "Said, then.\n"
    r = run_cli("scan", "--fix", "ro.txt", cwd=tmp_path)
    # The file was read and checked: the summary says so, and its findings are reported.
    assert "no file could be" not in r.stdout + r.stderr
    assert "1 file checked; 1 could not be written." in r.stderr
    assert "ro.txt:1:5: RT301" in r.stderr + r.stdout
    r = run_cli("scan", "--fix", "--force", "ro.txt", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert f.read_text(encoding="utf-8") == "Said, then.\n"
    assert stat.S_IMODE(f.stat().st_mode) == 0o444


def test_hard_link_refused_or_written_through(tmp_path: Path) -> None:
    f, link = tmp_path / "a.txt", tmp_path / "b.txt"
    _fixable(f)
    os.link(f, link)
    r = run_cli("scan", "--fix", "a.txt", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2 and "2 hard links" in r.stderr
    assert f.read_text(encoding="utf-8") == ARTEFACT
    r = run_cli("scan", "--fix", "--force", "a.txt", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert link.read_text(encoding="utf-8") == "Said, then.\n"
    assert f.stat().st_ino == link.stat().st_ino


def test_root_fixing_a_file_of_nobody_keeps_its_owner(tmp_path: Path) -> None:
    if os.geteuid() != 0:
        pytest.skip("needs root to own a file as another user")
    f = tmp_path / "theirs.txt"
    _fixable(f)
    os.chown(f, NOBODY, NOBODY)
    r = run_cli("scan", "--fix", "theirs.txt", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    st = f.stat()
    assert f.read_text(encoding="utf-8") == "Said, then.\n"
    assert (st.st_uid, st.st_gid) == (NOBODY, NOBODY)


def test_edit_between_read_and_rename_is_not_lost(tmp_path: Path) -> None:
    from repairtool.repair import WriteError, write_atomic
    from repairtool.source import read_source

    f = tmp_path / "a.txt"
    _fixable(f)
    src = read_source(f)
    f.write_text("The user's edit.\n", encoding="utf-8")
    os.utime(f, ns=(src.mtime_ns, src.mtime_ns))  # same mtime, and below the same size
    with open(f, "r+b") as fh:
        fh.truncate(src.size)
    kept = f.read_bytes()
    with pytest.raises(WriteError, match="changed on disk"):
        write_atomic(f, b"Said, then.\n", src)
    assert f.read_bytes() == kept
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".repairtool")]


def test_stale_temporary_of_a_killed_run_is_removed(tmp_path: Path) -> None:
    """``kill -9`` while the temporary exists, then run again: nothing is left behind."""
    import signal
    import time

    f = tmp_path / "big.txt"
    f.write_text(("Plain words in a line，then more.\n" * 600_000), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    for _attempt in range(5):
        proc = subprocess.Popen([sys.executable, "-m", "repairtool", "scan", "--fix",
                                 "--select", "RT301", "big.txt"], cwd=tmp_path, env=env,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        while proc.poll() is None:
            if any(p.name.endswith(".repairtool") for p in tmp_path.iterdir()):
                os.kill(proc.pid, signal.SIGKILL)
                break
            time.sleep(0.0005)
        proc.wait()
        if any(p.name.endswith(".repairtool") for p in tmp_path.iterdir()):
            break
        f.write_text(("Plain words in a line，then more.\n" * 600_000), encoding="utf-8")
    else:
        pytest.skip("the write was never caught in the act")
    r = run_cli("scan", "--fix", "--select", "RT301", "big.txt", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["big.txt"]


@pytest.fixture
def small_disk(tmp_path: Path) -> Path:
    """A real 256 KB tmpfs (root only; skipped where mounting is not permitted)."""
    mnt = tmp_path / "disk"
    mnt.mkdir()
    if os.geteuid() != 0 or subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mnt)],
            capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mnt
    subprocess.run(["umount", "-l", str(mnt)], check=False)


def test_disk_full_during_fix_is_reported_and_the_run_goes_on(small_disk: Path) -> None:
    big = small_disk / "a-big.txt"
    big.write_text("Said，then.\n" * 9_000, encoding="utf-8")  # ~110 KB: no room for a copy
    small = small_disk / "b-small.txt"
    _fixable(small)
    filler = small_disk / "filler.bin"
    with open(filler, "wb") as fh:  # fill the rest, less a little room for the small file
        free = os.statvfs(small_disk).f_bavail * os.statvfs(small_disk).f_frsize
        fh.write(b"\0" * max(0, free - 8192))
    before = big.read_bytes()
    r = run_cli("scan", "--fix", "a-big.txt", "b-small.txt", cwd=small_disk)
    no_crash(r)
    assert r.returncode == 2
    [line] = errors(r.stderr)
    assert line.startswith("a-big.txt: error: cannot write: No space left on device")
    assert big.read_bytes() == before
    assert small.read_text(encoding="utf-8") == "Said, then.\n"
    assert sorted(p.name for p in small_disk.iterdir()) == ["a-big.txt", "b-small.txt",
                                                          "filler.bin"]


# --- 1. file names that are not UTF-8 -------------------------------------------------------

@pytest.mark.parametrize(("fmt", "shown"), [
    ("human", "bad\\xffname.txt:1:5: RT301"), ("json", '"path": "bad\\\\xffname.txt"'),
    ("sarif", '"uri": "bad%FFname.txt"'), ("github", "file=bad\\xffname.txt,"),
    ("rdjsonl", '"path": "bad\\\\xffname.txt"'),
])
def test_non_utf8_file_names_in_every_format(tmp_path: Path, fmt: str, shown: str) -> None:
    if sys.platform == "darwin":
        pytest.skip("the file system refuses names that are not UTF-8")
    (tmp_path / os.fsdecode(b"bad\xffname.txt")).write_text(ARTEFACT, encoding="utf-8")
    (tmp_path / "ok.txt").write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "--format", fmt, ".", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 1, r.stderr
    assert shown in r.stdout
    assert "ok.txt" in r.stdout
    if fmt in ("json", "sarif"):
        import json

        json.loads(r.stdout)


def test_non_utf8_file_name_diff_and_fix(tmp_path: Path) -> None:
    name = os.fsdecode(b"bad\xffname.txt")
    (tmp_path / name).write_text(ARTEFACT, encoding="utf-8")
    r = run_cli("scan", "--diff", name, cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 1
    assert 'diff --git "a/bad\\377name.txt" "b/bad\\377name.txt"' in r.stdout
    r = run_cli("scan", "--fix", name, cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert (tmp_path / name).read_text(encoding="utf-8") == "Said, then.\n"


# --- 1. corpus shards -----------------------------------------------------------------------

def corpus_cli(*args: object, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run_cli("corpus", *map(str, args), "--isolated", "--no-progress", cwd=cwd)


GOOD = b"".join(b'{"text": "Said\xef\xbc\x8cthen. %d"}\n' % i for i in range(40))


def _bad_shards(folder: Path) -> dict[str, str]:
    """Every kind of damaged shard, by name, and the words its error line must hold."""
    import gzip

    folder.mkdir()
    gz = gzip.compress(GOOD)
    (folder / "a-good.jsonl").write_bytes(GOOD)
    (folder / "b-trunc.jsonl.gz").write_bytes(gz[: len(gz) // 2])
    (folder / "c-corrupt.jsonl.gz").write_bytes(gz[:20] + b"\x00" * 30 + gz[50:])
    (folder / "d-notgz.jsonl.gz").write_bytes(GOOD)
    (folder / "e-trailing.jsonl.gz").write_bytes(gz + b"garbage!")
    (folder / "g-empty.parquet").write_bytes(b"")
    (folder / "h-corrupt.parquet").write_bytes(b"PAR1" + bytes(range(256)) + b"PAR1")
    expect = {"b-trunc.jsonl.gz": "truncated", "c-corrupt.jsonl.gz": "corrupt compressed",
              "d-notgz.jsonl.gz": "not gzip", "e-trailing.jsonl.gz": "trailing garbage",
              "g-empty.parquet": "not a readable Parquet", "h-corrupt.parquet":
              "not a readable Parquet"}
    try:
        import pyarrow as pa
        import pyarrow.parquet as pq
    except ImportError:
        return expect
    pq.write_table(pa.table({"text": ["Said，then."] * 20}), folder / "good.parquet")
    data = (folder / "good.parquet").read_bytes()
    (folder / "good.parquet").unlink()
    (folder / "i-trunc.parquet").write_bytes(data[: len(data) // 2])
    (folder / "j-footer.parquet").write_bytes(data[:-12] + b"\xff" * 8 + data[-4:])
    expect["i-trunc.parquet"] = expect["j-footer.parquet"] = "not a readable Parquet"
    return expect


@pytest.mark.parametrize("command", ["scan", "fix", "filter"])
def test_bad_shards_are_named_and_the_others_finish(tmp_path: Path, command: str) -> None:
    expect = _bad_shards(tmp_path / "in")
    extra = ["--drop-if", "RT3"] if command == "filter" else []
    r = corpus_cli(command, "in", "-o", "out", *extra, cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2, r.stderr
    lines = errors(r.stderr)
    assert len(lines) == len(expect)
    for name, words in expect.items():
        assert any(line.startswith(f"{name}: error: bad shard: ") and words in line
                   for line in lines), (name, lines)
    assert "40 documents" in r.stdout  # the good shard, whole
    import json

    summary = json.loads((tmp_path / "out" / "summary.json").read_text(encoding="utf-8"))
    assert summary["bad_shards"] == len(expect) and summary["documents"] == 40


def test_deeply_nested_record_and_over_size_line(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    deep = b'{"text": "x", "d": ' + b"[" * 100_000 + b"]" * 100_000 + b"}\n"
    (tmp_path / "in" / "a.jsonl").write_bytes(deep + b'{"text": "' + b"a" * 5000 + b'"}\n'
                                              + GOOD)
    r = corpus_cli("scan", "in", "-o", "out", "--max-record-size", "300KB", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 0, r.stderr
    assert "41 documents" in r.stdout and "1 bad records" in r.stdout
    import json

    [bad] = [json.loads(x) for x in (tmp_path / "out" / "errors.jsonl").read_text().splitlines()]
    assert bad["error"] == "invalid JSON: nested too deeply"
    r = corpus_cli("scan", "in", "-o", "out2", "--max-record-size", "4KB", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    errs = [json.loads(x) for x in (tmp_path / "out2" / "errors.jsonl").read_text().splitlines()]
    assert [e["line"] for e in errs] == [1, 2]
    assert all("over the size limit of 4096 bytes" in e["error"] for e in errs)


def test_over_size_line_is_never_held_whole() -> None:
    """A 200 MB line (here, in a gzip shard) comes back as a short ``TooLong`` head."""
    import gzip
    import tempfile
    import zlib

    from repairtool.corpus.shards import Chunk, Shard, TooLong, iter_lines

    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "big.jsonl.gz"
        comp = zlib.compressobj(6, zlib.DEFLATED, 31)
        with open(path, "wb") as fh:
            fh.write(comp.compress(b'{"text": "'))
            block = b"a" * (1 << 20)
            for _ in range(200):
                fh.write(comp.compress(block))
            fh.write(comp.compress(b'"}\n' + GOOD) + comp.flush())
        with gzip.open(path) as check:
            assert check.read(10) == b'{"text": "'
        shard = Shard(0, str(path), "big.jsonl.gz", "jsonl.gz", path.stat().st_size, 0)
        lines = list(iter_lines(shard, Chunk(0, 0, 0, 1 << 40, 0), limit=1 << 20))
    first = lines[0][1]
    assert isinstance(first, TooLong) and len(first) == 2000
    assert first.length == 10 + 200 * (1 << 20) + 3
    assert len(lines) == 41 and lines[1][0] == first.length


def test_newline_only_gzip_is_capped_by_ratio(tmp_path: Path) -> None:
    """~1 GB of newlines in ~1 MB of gzip: refused as a bomb, not read for minutes."""
    import zlib

    (tmp_path / "in").mkdir()
    comp = zlib.compressobj(9, zlib.DEFLATED, 31)
    with open(tmp_path / "in" / "bomb.jsonl.gz", "wb") as fh:
        block = b"\n" * (1 << 20)
        for _ in range(1024):
            fh.write(comp.compress(block))
        fh.write(comp.flush())
    (tmp_path / "in" / "good.jsonl").write_bytes(GOOD)
    r = corpus_cli("scan", "in", "-o", "out", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert errors(r.stderr) == ["bomb.jsonl.gz: error: bad shard: decompresses to over 200 "
                                "times its size (a decompression bomb?); not read"]
    assert "40 documents" in r.stdout


# --- 4. corpus writes -----------------------------------------------------------------------

def test_scan_and_fix_started_at_once_into_one_new_folder(tmp_path: Path) -> None:
    """The lock is taken before the plan: of two runs at once, one is refused and the
    folder then holds exactly the other's complete results."""
    import json

    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(GOOD * 500)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    for trial in range(3):
        out = tmp_path / f"out{trial}"
        procs = [subprocess.Popen([sys.executable, "-m", "repairtool", "corpus", cmd, "in",
                                   "-o", str(out), "--isolated", "--no-progress"],
                                  cwd=tmp_path, env=env, stdout=subprocess.PIPE,
                                  stderr=subprocess.PIPE) for cmd in ("scan", "fix")]
        codes = [p.wait(timeout=300) for p in procs]
        stderr = [p.stderr.read().decode() for p in procs if p.stderr is not None]
        assert sorted(codes) == [0, 2], stderr
        loser = codes.index(2)
        assert ("another run is using" in stderr[loser]
                or "holds a different run" in stderr[loser]), stderr[loser]
        winner = ("scan", "fix")[1 - loser]
        state = json.loads((out / ".repairtool-corpus" / "job.json").read_text())
        assert state["identity"]["command"] == winner and state["complete"]
        assert (out / "fixed").is_dir() == (winner == "fix")


def test_corrupt_plan_and_marker_are_named(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(GOOD)
    state = tmp_path / "out" / ".repairtool-corpus"
    r = corpus_cli("scan", "in", "-o", "out", "--chunk-size", "500", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    job = state / "job.json"
    good_plan = job.read_bytes()
    job.write_bytes(good_plan[: len(good_plan) // 2])  # what a kill mid-rewrite leaves
    r = corpus_cli("scan", "in", "-o", "out", "--chunk-size", "500", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert r.stderr.startswith(f"repairtool: {job}: corrupt plan file (")
    assert "delete" in r.stderr and r.stderr.count("\n") == 1
    job.write_bytes(good_plan)
    marker = sorted((state / "done").iterdir())[0]
    good_marker = marker.read_bytes()
    marker.write_text("{not json")
    r = corpus_cli("scan", "in", "-o", "out", "--chunk-size", "500", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert r.stderr.startswith(f"repairtool: {marker}: corrupt chunk marker (")
    assert "delete it to run that chunk again" in r.stderr
    marker.write_bytes(good_marker)
    r = corpus_cli("scan", "in", "-o", "out", "--chunk-size", "500", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    assert not list(state.glob("*.tmp"))


def test_workers_end_when_the_main_process_is_killed(tmp_path: Path) -> None:
    import signal
    import time

    (tmp_path / "in").mkdir()
    line = b'{"text": "' + "The ministry said prices would rise ，they said. ".encode() * 40
    (tmp_path / "in" / "a.jsonl").write_bytes((line + b'"}\n') * 40_000)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "NO_COLOR": "1"}
    proc = subprocess.Popen([sys.executable, "-m", "repairtool", "corpus", "scan", "in", "-o",
                             "out", "--isolated", "--no-progress", "--jobs", "2",
                             "--chunk-size", "64MB"], cwd=tmp_path, env=env,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

    def children() -> set[int]:
        out = subprocess.run(["ps", "-eo", "pid=,ppid="], capture_output=True, text=True)
        tree = [tuple(map(int, x.split())) for x in out.stdout.splitlines() if x.strip()]
        found, frontier = set(), {proc.pid}
        while frontier:
            frontier = {p for p, pp in tree if pp in frontier} - found
            found |= frontier
        return found

    deadline = time.monotonic() + 60
    while len(children()) < 3 and time.monotonic() < deadline:  # forkserver + workers
        time.sleep(0.2)
    kids = children()
    assert kids, "no workers started"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    deadline = time.monotonic() + 15
    alive = kids
    while alive and time.monotonic() < deadline:
        time.sleep(0.3)
        alive = {k for k in alive if _running(k)}
    assert not alive, f"workers still running after the main process died: {alive}"


def _running(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().split(")")[-1].split()[0] != "Z"
    except OSError:
        return False


def test_disk_full_in_corpus_fix_leaves_no_parts(small_disk: Path, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.jsonl").write_bytes(GOOD * 500)  # ~600 KB: more than the disk
    r = run_cli("corpus", "fix", str(tmp_path / "in"), "-o", str(small_disk / "out"),
                "--isolated", "--no-progress", cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    assert "No space left on device" in r.stderr and "run the same command again" in r.stderr
    left = [p for p in (small_disk / "out").rglob("*") if p.name.endswith(".tmp")]
    assert not left


# --- 5. time that grows faster than the input ----------------------------------------------

def _scan_seconds(text: str, select: tuple[str, ...]) -> float:
    import time

    from repairtool.config import Settings
    from repairtool.engine import scan_text

    settings = Settings(select=select)
    best = float("inf")
    for _ in range(2):
        t = time.perf_counter()
        scan_text(text, settings=settings)
        best = min(best, time.perf_counter() - t)
    return best


GROWTH = {  # shape -> (text of about n characters, the rules that see it, small size)
    "noqa-spaces": (lambda n: "x repairtool: noqa" + " " * n + "1\n", ("RT101",), 16_000),
    # Each RT301 finding on the line was tested against a tuple that grew per directive.
    "noqa-repeated": (lambda n: "Said，then repairtool: noqa RT101 " * (n // 33) + "\n",
                      ("RT301",), 25_000),
    "dots-a": (lambda n: "......a" * (n // 7) + "\n", ("RT302",), 100_000),
    "amp": (lambda n: "&" + "amp;" * (n // 4) + "\n", ("RT702",), 100_000),
}
#: Times below this count as this much: the ratio of two near-zero times is noise.
FLOOR = 0.02


@pytest.mark.parametrize("shape", sorted(GROWTH))
def test_adversarial_shapes_are_linear(shape: str) -> None:
    """Eight times the text costs about eight times the time (a ratio, not a deadline):
    the backtracking directive regex, the growing noqa tuple, RT302's prefix copy and
    RT702's re-slicing each made it 15-100x. Only the rule concerned runs, so that its cost
    is not hidden under the others'."""
    make, select, small = GROWTH[shape]
    _scan_seconds(make(small), select)  # warm: word lists, compiled patterns
    t_small = max(FLOOR, _scan_seconds(make(small), select))
    ratio = max(FLOOR, _scan_seconds(make(8 * small), select)) / t_small
    # Linear is 8x, quadratic 64x: 16 leaves room for a loaded machine's noise.
    assert ratio < 16, f"{shape}: 8x the text took {ratio:.1f}x the time"


def _peak_bytes(text: str) -> int:
    """Peak memory the Python objects of a scan of ``text`` take (every rule, findings
    turned into their JSON form as the output does)."""
    import tracemalloc

    from repairtool.engine import scan_text
    from repairtool.model import Finding

    def run() -> list[Finding]:
        found = scan_text(text)
        [fx.to_dict() for f in found for fx in f.fixes]
        return found

    scan_text("Warm up，the word lists and lexicons load outside the measure.\n")
    tracemalloc.start()
    try:
        run()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


MEMORY_SHAPES = {  # shape -> text of about n bytes of UTF-8
    "zero-width space between letters": lambda n: "a\u200b" * (n // 4) + "\n",
    "zero-width space after every word": lambda n: "ab\u200b " * (n // 6) + "\n",
    "zero-width space runs": lambda n: "\u200b" * (n // 3) + "\n",
}


@pytest.mark.parametrize("shape", sorted(MEMORY_SHAPES))
def test_invisible_characters_take_memory_linear_in_the_input(shape: str) -> None:
    """A zero-width space between every two letters made one RT704 finding per four bytes,
    several hundred bytes of memory per byte of input (8 MB peaked at 5.9 GB): now close
    runs are one finding with one fix, and four times the text takes about four times the
    memory, well under 100 bytes a byte."""
    make = MEMORY_SHAPES[shape]
    small, large = 32 * 1024, 128 * 1024
    peak_small, peak_large = _peak_bytes(make(small)), _peak_bytes(make(large))
    assert peak_large / large < 100, f"{shape}: {peak_large / large:.0f} bytes a byte"
    # Linear is 4x; the small run's fixed costs make the ratio smaller, never larger.
    assert peak_large / max(peak_small, 1) < 6, f"{shape}: {peak_large / peak_small:.1f}x"


def test_invisible_characters_close_together_are_one_finding_with_one_fix() -> None:
    from repairtool.engine import scan_text
    from repairtool.fixes import apply_once, choose
    from repairtool.model import Applicability

    text = ("The pay\u200bment was made at once and a\u200bb\u200bc\u200bd done\n"
            + "x\u200b " * 10_000 + "\n")
    found = [f for f in scan_text(text) if f.rule.code == "RT704"]
    line2 = text.index("x")
    assert [(f.start, f.end) for f in found] == [
        (7, 8), (35, 40), (line2 + 1, line2 + 1 + 29_998)]
    assert found[1].message == "invisible characters: zero-width space (3)"
    assert len(found[1].fixes) == 1 and len(found[1].fixes[0].edits) == 1
    fixed, _ = apply_once(text, choose(found, Applicability.SAFE))
    assert fixed == text.replace("\u200b", "")


def test_noqa_repeated_keeps_one_code_per_line() -> None:
    from repairtool import suppress
    from repairtool.rules.base import registry

    sup = suppress.parse("x repairtool: noqa RT101 " * 1000 + "\n", registry())
    assert sup.lines == {1: ("RT101",)}


# --- 3. fixes that never change structure ----------------------------------------------------

@pytest.mark.parametrize(("doc", "kept"), [
    ("Intro.\n\n\u200b```\ncode said，then.\n", "\u200b```"),  # would open a fence
    ("Intro.\n\n\u200b    indented said，then.\n", "\u200b    "),  # an indented code block
    ("\uff03 Heading said，then.\n", "\uff03 "),  # a heading
    ("\uff1e quote said，then.\n", "\uff1e "),  # a blockquote
    ("See \uff40code\uff40 here，ok.\n", "\uff40code\uff40"),  # a code span
    ("Link \uff3bt\uff3d\uff08http://x.org\uff09 ok，then.\n", "\uff3bt\uff3d"),  # half a link
    ("Go \uff1chttp://x.org\uff1e now，then.\n", "\uff1chttp"),  # half an autolink
])
def test_markdown_safe_fix_keeps_structure(tmp_path: Path, doc: str, kept: str) -> None:
    from repairtool.markup import structure

    f = tmp_path / "a.md"
    f.write_text(doc, encoding="utf-8")
    r = run_cli("scan", "--fix", "--exit-zero", "a.md", cwd=tmp_path)
    no_crash(r)
    fixed = f.read_text(encoding="utf-8")
    assert kept in fixed, fixed
    assert structure(fixed) == structure(doc)
    assert "，" not in fixed  # the prose repair beside it is still made


def test_fix_on_a_suppression_line_keeps_what_it_suppresses(tmp_path: Path) -> None:
    f = tmp_path / "a.txt"
    doc = "Said，then. repairtool\uff1anoqa RT301\n"
    f.write_text(doc, encoding="utf-8")
    r = run_cli("scan", "--fix", "--exit-zero", "a.txt", cwd=tmp_path)
    no_crash(r)
    fixed = f.read_text(encoding="utf-8")
    assert "repairtool\uff1anoqa" in fixed  # fixing the colon would switch RT301 off
    assert fixed.startswith("Said, then.")


SINGLE_LINE_TMX = (
    '<?xml version="1.0" encoding="UTF-8"?>\n<tmx version="1.4"><header srclang="zh" '
    'datatype="plaintext" segtype="sentence" adminlang="en" creationtool="t" '
    'creationtoolversion="1" o-tmf="t"/><body>\n'
    '<tu tuid="1"><tuv xml:lang="zh"><seg>他说，然后</seg></tuv><tuv xml:lang="en"><seg>He '
    'said，then.</seg></tuv></tu><tu tuid="2"><tuv xml:lang="zh"><seg>她说，好</seg></tuv>'
    '<tuv xml:lang="en"><seg>She said，ok.</seg></tuv></tu>\n</body></tmx>\n')


def test_single_line_tmx_unit_caret_and_fix_on_the_target(tmp_path: Path) -> None:
    (tmp_path / "one.tmx").write_text(SINGLE_LINE_TMX, encoding="utf-8")
    r = run_cli("scan", "--select", "RT301", "one.tmx", cwd=tmp_path)
    line = SINGLE_LINE_TMX.splitlines()[2]
    cols = [line.index("He said，") + 8, line.index("She said，") + 9]
    assert [x.split(":")[2] for x in r.stdout.splitlines() if "RT301" in x] == list(
        map(str, cols))
    r = run_cli("scan", "--fix", "--select", "RT301", "one.tmx", cwd=tmp_path)
    assert r.returncode == 0, r.stderr
    fixed = (tmp_path / "one.tmx").read_text(encoding="utf-8")
    assert fixed == SINGLE_LINE_TMX.replace("said，then", "said, then").replace(
        "said，ok", "said, ok")


@pytest.mark.parametrize(("name", "body", "args"), [
    ("locales/en/a.json", '{"a": ' + "[" * 100_000 + "]" * 100_000 + "}", []),
    ("p.jsonl", '{"source": "x", "target": ' + "[" * 100_000 + "]" * 100_000 + "}\n",
     ["--bilingual", "jsonl"]),
    ("d.xlf", '<?xml version="1.0"?><xliff version="1.2">' + "<g>" * 100_000
     + "</g>" * 100_000 + "</xliff>", []),
])
def test_deeply_nested_bilingual_files(tmp_path: Path, name: str, body: str,
                                       args: list[str]) -> None:
    f = tmp_path / name
    f.parent.mkdir(parents=True, exist_ok=True)
    f.write_text(body, encoding="utf-8")
    (tmp_path / "a.txt").write_text(ARTEFACT, encoding="utf-8")
    others = [] if args else ["a.txt"]  # --bilingual reads every file as pairs
    r = run_cli("scan", *args, name, *others, cwd=tmp_path)
    no_crash(r)
    assert r.returncode == 2
    [line] = errors(r.stderr)
    assert line.startswith(f"{name}: error: ")
    assert not others or "a.txt:1:5" in r.stdout
