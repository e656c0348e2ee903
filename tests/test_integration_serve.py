"""``repairtool serve``: the HTTP API driven with urllib against a real server (in a thread,
and the real command in a subprocess), and the page end to end in headless Chromium
(Debian's ``chromium`` and ``chromedriver``, driven by Selenium), with a screenshot.

The patches the page writes must be the ones ``review`` writes for the same decisions, and
apply with ``git apply``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from repairtool.cli import build_overrides
from repairtool.integrations import serve as web

from . import demo_rules
from .conftest import FIXTURES
from .repair_helpers import cli, demo, env, git, init_repo  # noqa: F401  (the fixture `demo`)

A_TXT = "Line one teh cat，and ** dog.\nSecond teh line ** here.\n"
B_TXT = "Other，file。\n"
NEWS = (FIXTURES / "examples" / "news.txt").read_text(encoding="utf-8")
#: Markup in the text must show as text, never become elements of the page.
HOSTILE = 'Officials said，the <i id="injected">new rules would start soon.\n'
CHROMIUM = shutil.which("chromium")
CHROMEDRIVER = "/usr/bin/chromedriver"


def make_repo(root: Path, files: dict[str, str]) -> Path:
    init_repo(root)
    for name, text in files.items():
        (root / name).write_text(text, encoding="utf-8")
    git(["add", "."], root)
    git(["commit", "-qm", "start"], root)
    return root


@contextmanager
def serving(repo: Path, names: list[str], select: tuple[str, ...] = ()
            ) -> Iterator[tuple[web.ReviewServer, str]]:
    """A review server of ``names`` in ``repo`` in a thread; its URL."""
    overrides = build_overrides(select=select, extend_select=(), ignore=(), language=None,
                                lexicons=(), exclude=(), encoding=None)
    desk, errors = web.open_review(
        tuple(str(repo / n) for n in names), settings=None, overrides=overrides,
        isolated=True, recorded={}, patch_file=repo / "serve.patch",
        decisions_file=repo / "serve.json",
        options={"select": ",".join(select), "ignore": ""}, say=lambda _s: None)
    assert not errors
    server = web.ReviewServer(desk)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, server.url
    finally:
        server.shutdown()
        server.server_close()
        thread.join(10)


def base_of(url: str) -> str:
    return url.split("/?", 1)[0]


def request(url: str, body: Any = None, token: str | None = None,
            raw: bytes | None = None) -> tuple[int, Any]:
    """``GET`` (or ``POST`` a JSON ``body``); the status and the decoded JSON or text."""
    data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
    req = urllib.request.Request(url, data=data, method="GET" if data is None else "POST")
    if token is not None:
        req.add_header("X-Repairtool-Token", token)
    try:
        with urllib.request.urlopen(req, timeout=30) as res:
            status, payload, ctype = res.status, res.read(), res.headers["Content-Type"]
    except urllib.error.HTTPError as exc:
        status, payload, ctype = exc.code, exc.read(), exc.headers["Content-Type"]
    text = payload.decode("utf-8")
    return status, json.loads(text) if ctype.startswith("application/json") else text


def api(server: web.ReviewServer, route: str, body: Any = None) -> Any:
    status, data = request(base_of(server.url) + route, body, token=server.token)
    assert status == 200, data
    return data


# --- HTTP -------------------------------------------------------------------------------


@pytest.mark.usefixtures("demo")
def test_every_request_needs_the_token(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": A_TXT})
    with serving(repo, ["a.txt"], demo_rules.SELECT) as (server, url):
        base = base_of(url)
        for path in ("/", "/page.js", "/page.css", "/api/findings", "/nothing",
                     "/?token=wrong", "/?token=" + server.token[:-1], "/?token=%C3%A9"):
            status, data = request(base + path)
            assert status == 403, path
            assert data["ok"] is False
        assert request(base + "/api/findings", token="x" * len(server.token))[0] == 403
        # Writing without the token writes nothing.
        assert request(base + "/api/write", {}, token="")[0] == 403
        assert request(base + "/api/quit", {})[0] == 403
        assert not (repo / "serve.json").exists() and not (repo / "serve.patch").exists()
        status, page = request(url)
        assert status == 200 and "<title>repairtool review</title>" in page
        assert f'src="page.js?token={server.token}"' in page
        assert request(base + "/page.js?token=" + server.token)[0] == 200
        assert request(base + "/nothing?token=" + server.token)[0] == 404


@pytest.mark.usefixtures("demo")
def test_the_page_is_self_contained(tmp_path: Path) -> None:
    """No external asset and a strict content security policy."""
    repo = make_repo(tmp_path / "repo", {"a.txt": A_TXT})
    with serving(repo, ["a.txt"], demo_rules.SELECT) as (_server, url), \
            urllib.request.urlopen(url, timeout=30) as res:
        csp = res.headers["Content-Security-Policy"]
        page = res.read().decode()
    assert "default-src 'none'" in csp and "script-src 'self'" in csp
    assert not re.search(r"(src|href)=\"(https?:)?//", page)
    for name in ("page.js", "page.css"):
        text = (Path(web.__file__).parent / name).read_text(encoding="utf-8")
        assert "http://" not in text and "https://" not in text
        assert "innerHTML" not in text  # the findings' text goes in as text nodes


@pytest.mark.usefixtures("demo")
def test_findings_json(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": A_TXT, "b.txt": B_TXT})
    with serving(repo, ["a.txt", "b.txt"], demo_rules.SELECT) as (server, _url):
        data = api(server, "/api/findings")
    assert data["counts"] == {"accepted": 0, "rejected": 0, "undecided": 7}
    assert data["decisions"] == [None] * 7
    assert [(i["file"], i["line"], i["column"], i["code"]) for i in data["items"]] == [
        ("a.txt", 1, 10, "RT992"), ("a.txt", 1, 17, "RT301"), ("a.txt", 1, 22, "RT993"),
        ("a.txt", 2, 8, "RT992"), ("a.txt", 2, 17, "RT993"), ("b.txt", 1, 6, "RT301"),
        ("b.txt", 1, 11, "RT301")]
    mask = data["items"][2]
    assert mask["context"] == ["Line one teh cat，and ", "**", " dog."]
    assert [c["title"] for c in mask["candidates"]] == [
        "Fill with 'the'", "Fill with 'a'", "Fill with 'this'"]
    second = mask["candidates"][1]
    assert second["before"][1] == "**" and second["after"][1] == "a"
    assert second["after"][0] == second["before"][0] == "Line one teh cat，and "
    assert data["signature"].startswith("repairtool 0.1.0|rules:RT301,RT991")
    assert data["signature"].endswith("|accept:interactive|lang:en|select:"
                                      + ",".join(demo_rules.SELECT))


@pytest.mark.usefixtures("demo")
def test_accepting_everything_writes_what_review_accept_all_writes(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"a.txt": A_TXT, "b.txt": B_TXT})
    with serving(repo, ["a.txt", "b.txt"], demo_rules.SELECT) as (server, _url):
        items = api(server, "/api/findings")["items"]
        for item in items:
            out = api(server, "/api/decide", {"index": item["index"], "decision": "accept"})
            assert out["ok"], out
        out = api(server, "/api/write", {})
    assert out["patch"] == str(repo / "serve.patch")
    assert out["counts"] == {"accepted": 7, "rejected": 0, "undecided": 0}
    select = ["--isolated", "--select", ",".join(demo_rules.SELECT), "--color", "never"]
    done = cli(["review", *select, "--accept", "all", "--patch", "review.patch",
                "--save-decisions", "review.json", "a.txt", "b.txt"], repo, demo=True)
    assert done.returncode == 0, done.stderr
    served = (repo / "serve.patch").read_bytes()
    reviewed = (repo / "review.patch").read_bytes()
    # The same diff; only the signature line says who decided.
    assert served.split(b"\n", 1)[1] == reviewed.split(b"\n", 1)[1]
    assert b"|accept:interactive|" in served.split(b"\n", 1)[0]
    assert b"|accept:all|" in reviewed.split(b"\n", 1)[0]
    served_dec = json.loads((repo / "serve.json").read_text(encoding="utf-8"))
    reviewed_dec = json.loads((repo / "review.json").read_text(encoding="utf-8"))
    assert served_dec["files"] == reviewed_dec["files"]
    git(["apply", "--check", "serve.patch"], repo)
    # review replays the page's decisions into the same patch.
    done = cli(["review", *select, "--decisions", "serve.json", "--patch", "replayed.patch",
                "a.txt", "b.txt"], repo, demo=True)
    assert done.returncode == 0, done.stderr
    assert (repo / "replayed.patch").read_bytes().split(b"\n", 1)[1] == \
        served.split(b"\n", 1)[1]
    git(["apply", "serve.patch"], repo)
    assert (repo / "a.txt").read_text(encoding="utf-8") == \
        "Line one the cat, and the dog.\nSecond the line the here.\n"


def test_nothing_to_review(tmp_path: Path) -> None:
    repo = make_repo(tmp_path / "repo", {"clean.txt": "Nothing to repair here.\n"})
    with serving(repo, ["clean.txt"]) as (server, _url):
        assert api(server, "/api/findings")["items"] == []
        out = api(server, "/api/write", {})
    assert out["patch"] is None and out["message"].startswith("no edit was accepted")
    assert not (repo / "serve.patch").exists()
    assert json.loads((repo / "serve.json").read_text(encoding="utf-8"))["files"] == {}


def test_bilingual_files_get_review_s_patch(tmp_path: Path) -> None:
    """PO and XLIFF are written back through their formats, as ``review`` does."""
    names = ["zh-en.po", "zh-en-12.xlf"]
    repo = make_repo(tmp_path / "repo", {
        n: (FIXTURES / "bilingual" / n).read_text(encoding="utf-8") for n in names})
    with serving(repo, names) as (server, _url):
        for item in api(server, "/api/findings")["items"]:
            decision = "accept" if item["candidates"] else "reject"
            out = api(server, "/api/decide", {"index": item["index"], "decision": decision})
            assert out["ok"], out
        assert api(server, "/api/write", {})["patch"]
    done = cli(["review", "--isolated", "--accept", "all", "--patch", "review.patch", *names],
               repo)
    assert done.returncode == 0, done.stderr
    served = (repo / "serve.patch").read_bytes()
    assert served.split(b"\n", 1)[1] == (repo / "review.patch").read_bytes().split(b"\n", 1)[1]
    assert b"+#, fuzzy" in served  # the changed PO entries are marked for review
    git(["apply", "--check", "serve.patch"], repo)


@pytest.mark.usefixtures("demo")
def test_keys_mean_what_they_mean_in_review(tmp_path: Path) -> None:
    """Candidates, replacement, reject, skip the rest of the file, undo, overlap refused."""
    repo = make_repo(tmp_path / "repo", {"a.txt": A_TXT, "c.txt": "one xyz two\n"})
    with serving(repo, ["a.txt", "c.txt"], demo_rules.SELECT) as (server, _url):
        ids = [item["id"] for item in api(server, "/api/findings")["items"]]
        assert api(server, "/api/undo", {})["message"] == "nothing to undo"
        api(server, "/api/decide", {"index": 0, "decision": {"replace": "THE"}})
        api(server, "/api/decide", {"index": 1, "decision": "reject"})
        api(server, "/api/decide", {"index": 2, "decision": {"candidate": 3}})
        out = api(server, "/api/decide", {"index": 2, "decision": {"candidate": 4}})
        assert out["ok"] is False and out["message"] == "no such candidate"
        out = api(server, "/api/undo", {})
        assert out["ok"] and out["back"] == 2 and out["decisions"][2] is None
        api(server, "/api/decide", {"index": 2, "decision": {"candidate": 2}})
        # The page can go back and decide again; undo gives back the earlier decision.
        assert api(server, "/api/decide", {"index": 1, "decision": "accept"})["ok"]
        assert api(server, "/api/undo", {})["decisions"][1] == "reject"
        out = api(server, "/api/skip", {"index": 3})  # the rest of a.txt
        assert out["next"] == 5
        assert out["decisions"][:5] == [{"replace": "THE"}, "reject", {"candidate": 2},
                                        "skip", "skip"]
        # c.txt: xy and yz overlap; the second is refused as review refuses it.
        assert api(server, "/api/decide", {"index": 5, "decision": "accept"})["ok"]
        out = api(server, "/api/decide", {"index": 6, "decision": "accept"})
        assert out["ok"] is False
        assert out["message"].startswith("overlaps the repair you accepted on line 1")
        out = api(server, "/api/write", {})
        assert out["counts"] == {"accepted": 3, "rejected": 1, "undecided": 3}
        # Bad requests are refused and change nothing.
        base, token = base_of(server.url), server.token
        assert request(base + "/api/decide", {"index": 99, "decision": "accept"}, token)[0] \
            == 404
        assert request(base + "/api/decide", {"index": "0", "decision": "accept"},
                       token)[0] == 400
        assert request(base + "/api/decide", {"index": 0, "decision": "maybe"}, token)[0] \
            == 400
        assert request(base + "/api/decide", token=token, raw=b"{not json")[0] == 400
        assert request(base + "/api/decide", token=token, raw=b"[1]")[0] == 400
        assert api(server, "/api/findings")["counts"]["accepted"] == 3
    decisions = json.loads((repo / "serve.json").read_text(encoding="utf-8"))["files"]
    assert decisions == {"a.txt": {ids[0]: {"replace": "THE"}, ids[1]: "reject",
                                   ids[2]: {"candidate": 2}},
                         "c.txt": {ids[5]: "accept"}}
    git(["apply", "serve.patch"], repo)
    assert (repo / "a.txt").read_text(encoding="utf-8") == \
        "Line one THE cat，and a dog.\nSecond teh line ** here.\n"
    assert (repo / "c.txt").read_text(encoding="utf-8") == "one x yz two\n"


def test_the_command_serves_until_quit(tmp_path: Path) -> None:
    """The real ``repairtool serve`` process: URL on stdout, quit writes and exits 0."""
    repo = make_repo(tmp_path / "repo", {"news.txt": NEWS})
    proc = subprocess.Popen(
        [sys.executable, "-m", "repairtool", "serve", "--isolated", "--port", "0",
         "--patch", "out.patch", "--save-decisions", "out.json", "."],  # a folder
        cwd=repo, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?token=[\w-]{32}", url), url
        base, token = base_of(url), url.split("token=")[1]
        assert request(base + "/api/findings")[0] == 403
        status, data = request(base + "/api/findings", token=token)
        assert status == 200 and len(data["items"]) == 11
        first = data["items"][0]
        assert first["code"] == "RT101" and first["candidates"][1]["after"][1] == \
            "Tokyo authorities have"
        request(base + "/api/decide", {"index": 0, "decision": {"candidate": 2}}, token)
        request(base + "/api/decide", {"index": 1, "decision": "accept"}, token)
        status, out = request(base + "/api/quit", {}, token)
        assert status == 200 and out["patch"] == "out.patch"
        _out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert "repairtool: 11 findings in 1 file; open the page" in err
    assert "repairtool: wrote out.patch and out.json" in err
    assert "2 accepted, 0 rejected, 9 undecided" in err
    git(["apply", "--check", "out.patch"], repo)
    git(["apply", "out.patch"], repo)
    assert (repo / "news.txt").read_text(encoding="utf-8").splitlines()[0] == (
        "Tokyo authorities have tightened its rules on foreign investment, according to "
        "media reports on Tuesday.")


def test_ctrl_c_keeps_what_was_decided(tmp_path: Path) -> None:
    """As ``q`` (and Ctrl-C) in ``review``: the decisions so far are written."""
    repo = make_repo(tmp_path / "repo", {"news.txt": NEWS})
    proc = subprocess.Popen(
        [sys.executable, "-m", "repairtool", "serve", "--isolated", "news.txt"],
        cwd=repo, env=env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        assert proc.stdout is not None
        url = proc.stdout.readline().strip()
        base, token = base_of(url), url.split("token=")[1]
        status, _ = request(base + "/api/decide", {"index": 10, "decision": "accept"}, token)
        assert status == 200
        proc.send_signal(signal.SIGINT)
        _out, err = proc.communicate(timeout=30)
    finally:
        proc.kill()
        proc.wait()
    assert proc.returncode == 0, err
    assert "1 accepted, 0 rejected, 10 undecided" in err
    # The defaults: repairtool.patch and repairtool-decisions.json in the current folder.
    git(["apply", "--check", "repairtool.patch"], repo)
    assert (repo / "repairtool-decisions.json").is_file()
    # A port already taken is one line and exit 2.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        done = cli(["serve", "--isolated", "--port", str(taken.getsockname()[1]), "news.txt"],
                   repo)
    assert done.returncode == 2
    assert b"repairtool: cannot listen on 127.0.0.1 port" in done.stderr


def test_the_command_refuses_stdin_and_bad_decisions(tmp_path: Path) -> None:
    (tmp_path / "bad.json").write_text("[", encoding="utf-8")
    done = cli(["serve", "-"], tmp_path)
    assert done.returncode == 2 and b"stdin cannot be reviewed" in done.stderr
    done = cli(["serve", "--decisions", "bad.json", "x.txt"], tmp_path)
    assert done.returncode == 2 and b"bad.json: not JSON" in done.stderr
    (tmp_path / ".repairtool.toml").write_text("nonsense = 1\n", encoding="utf-8")
    (tmp_path / "x.txt").write_text("Text.\n", encoding="utf-8")
    # A bad config is that file's error; with nothing left to review no server starts.
    done = cli(["serve", "x.txt"], tmp_path)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith(b"x.txt: error: ") and b".repairtool.toml: unknown" \
        in done.stderr
    assert b"no finding to review: no patch written" in done.stderr
    done = cli(["serve", "--isolated", "x.txt"], tmp_path)
    assert done.returncode == 0 and b"no finding to review" in done.stderr
    assert not (tmp_path / "repairtool.patch").exists()


def test_scan_start_up_does_not_import_the_server() -> None:
    """The issue: no integration imports anything heavy at ``repairtool scan`` start-up."""
    news = str(FIXTURES / "examples" / "news.txt")
    done = subprocess.run([sys.executable, "-X", "importtime", "-m", "repairtool", "scan",
                           "--isolated", news], capture_output=True, text=True, env=env(),
                          timeout=120)
    assert done.returncode == 1, done.stderr
    imported = {line.rsplit("|", 1)[-1].strip() for line in done.stderr.splitlines()
                if line.startswith("import time:")}
    assert "repairtool.cli" in imported
    for name in ("repairtool.integrations.serve", "http.server", "selenium"):
        assert name not in imported, name
    code = ("import sys, repairtool.cli; print(sorted(m for m in sys.modules if "
            "m.startswith(('repairtool.integrations', 'http.server', 'selenium'))))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env(), timeout=120)
    assert done.stdout.strip() == "[]", done.stdout + done.stderr


# --- the browser ------------------------------------------------------------------------

browser = pytest.mark.skipif(CHROMIUM is None or not os.path.exists(CHROMEDRIVER),
                             reason="chromium and chromium-driver are not installed")


@pytest.fixture(scope="module")
def driver() -> Iterator[Any]:
    if CHROMIUM is None or not os.path.exists(CHROMEDRIVER):
        pytest.skip("chromium and chromium-driver are not installed")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage",
                "--disable-gpu", "--window-size=1280,900", "--lang=en-US"):
        options.add_argument(arg)
    d = webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)
    d.set_page_load_timeout(60)
    # A fixed viewport, so the screenshot's size is known.
    d.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                      {"width": 1280, "height": 900, "deviceScaleFactor": 1, "mobile": False})
    try:
        yield d
    finally:
        d.quit()


def wait_for(check: Any, timeout: float = 20) -> Any:
    end = time.monotonic() + timeout
    while True:
        value = check()
        if value or time.monotonic() > end:
            return value
        time.sleep(0.05)


def open_page(d: Any, url: str) -> None:
    d.get(url)
    assert wait_for(lambda: d.execute_script("return document.body.dataset.ready === '1'"))


def press(d: Any, keys: str, at_once: bool = False) -> None:
    """Press each key on the page and wait until the page has its answer (``at_once``:
    press them all, then wait)."""
    from selenium.webdriver.common.action_chains import ActionChains

    for group in [keys] if at_once else list(keys):
        ActionChains(d).send_keys(group).perform()
        # A key's step is queued in its handler; wait until no step is left.
        assert wait_for(lambda: d.execute_script(
            "return (document.body.dataset.busy || '0') === '0'"))


def current(d: Any) -> str:
    return str(d.execute_script(
        "const c = document.querySelector('.finding.current'); "
        "return c ? c.querySelector('.head').textContent : ''"))


@browser
def test_browser_review_with_the_keys(tmp_path: Path, driver: Any) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    repo = make_repo(tmp_path / "repo", {"news.txt": NEWS, "z.txt": HOSTILE})
    with serving(repo, ["news.txt", "z.txt"]) as (server, url):
        d = driver
        open_page(d, url)
        assert "[1/12]" in current(d) and "RT101" in current(d)
        # Markup in the findings is text: no element was made from it.
        assert d.find_elements(By.ID, "injected") == []
        assert d.execute_script("return document.scripts.length") == 1
        z = d.find_element(By.ID, "f-11").text
        assert '<i id="injected">new rules' in z
        press(d, "2")        # 1 RT101: candidate 2, 'Tokyo authorities have'
        # 2 RT101: accept 'media'; 3 RT101 'President': reject. Pressed at once: the
        # second key waits for the first one's answer and applies to the next finding.
        press(d, "ar", at_once=True)
        press(d, "a")        # 4 RT301 '，' -> ', '
        assert "[5/12]" in current(d) and "RT202" in current(d)
        press(d, "e")        # 5 RT202 askedWhy: type a replacement
        field = d.switch_to.active_element
        assert field.get_attribute("aria-label") == "replacement"
        field.send_keys("asked, why")
        press(d, Keys.ENTER)
        assert "[6/12]" in current(d)
        press(d, "u")        # undo the replacement: back on 5
        assert "[5/12]" in current(d)
        press(d, "e")
        ActionChains(d).send_keys("asked why").perform()
        press(d, Keys.ENTER)
        press(d, "9")        # 6 has no ninth candidate: nothing happens but help
        assert "[6/12]" in current(d)
        assert "a accept · r reject" in d.find_element(By.ID, "status").text
        press(d, "s")        # skip the rest of news.txt: on to z.txt
        assert "[12/12]" in current(d) and "z.txt" in current(d)
        press(d, "?")
        assert d.find_element(By.ID, "help").is_displayed()
        assert "4 accepted, 1 rejected, 7 undecided" in d.find_element(By.ID, "counts").text
        press(d, "q")        # write and stop
        assert wait_for(lambda: "server has stopped" in d.find_element(By.ID, "status").text)
        assert wait_for(lambda: server.stopped.is_set())
    assert "wrote" in d.find_element(By.ID, "status").text
    git(["apply", "--check", "serve.patch"], repo)
    git(["apply", "serve.patch"], repo)
    lines = (repo / "news.txt").read_text(encoding="utf-8").splitlines()
    assert lines[0] == ("Tokyo authorities have tightened its rules on foreign investment, "
                        "according to media reports on Tuesday.")
    assert lines[1] == ("The new ** said the measures would take effect next month, and "
                        "analysts asked why prices rose so quickly.")
    assert lines[2:] == NEWS.splitlines()[2:]
    assert (repo / "z.txt").read_text(encoding="utf-8") == HOSTILE
    files = json.loads((repo / "serve.json").read_text(encoding="utf-8"))["files"]
    assert sorted(map(json.dumps, files["news.txt"].values())) == sorted(
        map(json.dumps, [{"candidate": 2}, "accept", "reject", "accept",
                         {"replace": "asked why"}]))


@browser
def test_browser_long_review_keeps_a_window_of_cards(tmp_path: Path, driver: Any) -> None:
    """Thousands of findings must not make thousands of cards: a window moves with the keys."""
    repo = make_repo(tmp_path / "repo", {"long.txt": NEWS * 20})
    with serving(repo, ["long.txt"]) as (server, url):
        d = driver
        open_page(d, url)
        cards = "return document.querySelectorAll('article.finding').length"
        assert d.execute_script(cards) == 40
        assert "180 more findings" in d.find_element("id", "findings").text
        press(d, "j" * 45)
        assert "[46/220]" in current(d)
        assert d.execute_script(cards) <= 50
        assert "findings before these" in d.find_element("id", "findings").text
        press(d, "a")
        assert server.desk.state()["decisions"][45] == "accept"
        assert "[47/220]" in current(d)


def png_pixels(data: bytes) -> tuple[int, int, list[bytes]]:
    """Width, height and the rows of an 8-bit RGB(A) PNG (what Chromium writes)."""
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(data):
        (length,), kind = struct.unpack(">I", data[pos:pos + 4]), data[pos + 4:pos + 8]
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = chunk
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour in (2, 6), (depth, colour)
    bpp = 3 if colour == 2 else 4
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:
                                                          (y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = prev[i], prev[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc
                                      else c)) & 255
        rows.append(bytes(line))
        prev = line
    return width, height, rows


@browser
def test_screenshot_of_the_page(tmp_path: Path, driver: Any) -> None:
    repo = make_repo(tmp_path / "repo", {"news.txt": NEWS})
    with serving(repo, ["news.txt"]) as (_server, url):
        open_page(driver, url)
        shot = driver.get_screenshot_as_png()
    keep = os.environ.get("REPAIRTOOL_SCREENSHOT")  # to look at it: a path to write it to
    if keep:
        Path(keep).write_bytes(shot)
    width, height, rows = png_pixels(shot)
    assert (width, height) == (1280, 900)
    bpp = len(rows[0]) // width
    pixels = {row[i:i + 3] for row in rows[::7] for i in range(0, len(row), bpp * 5)}
    assert len(pixels) > 50  # text, highlights and badges, not one flat colour
    dark = sum(1 for row in rows[::3] for i in range(0, len(row), bpp * 3)
               if sum(row[i:i + 3]) < 200)
    assert dark > 500  # plenty of dark text pixels
    # The diff colours are on screen: the red of the removed and the green of the added.
    assert any(p[0] > 240 and p[1] < 215 and p[2] < 215 for p in pixels)
    assert any(p[1] > 230 and p[0] < 200 and p[2] < 200 for p in pixels)
