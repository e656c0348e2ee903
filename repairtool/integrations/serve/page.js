// The review page of `repairtool serve`. Every piece of text from the findings goes into the
// page as a text node (never as HTML); every request carries the token of the page's URL.
"use strict";

const TOKEN = new URLSearchParams(location.search).get("token") || "";
const HELP = "a accept · r reject · 1-9 choose candidate · e type a replacement · " +
  "s skip rest of file · u undo · q quit · ? help";
const page = { items: [], decisions: [], pos: 0, lo: 0, hi: 0, editing: false,
  stopped: false };

async function api(path, body) {
  const init = { method: body === undefined ? "GET" : "POST",
    headers: { "X-Repairtool-Token": TOKEN } };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  const res = await fetch(path, init);
  const data = await res.json().catch(() => ({ ok: false, message: res.statusText }));
  if (!res.ok) throw new Error(data.message || String(res.status));
  return data;
}

function el(tag, cls, text) {
  const e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined) e.textContent = text;
  return e;
}

function button(label, key, action) {
  const b = el("button", "act");
  b.type = "button";
  b.append(label + " ", el("kbd", "", key));
  b.addEventListener("click", (ev) => { ev.stopPropagation(); enqueue(action); });
  return b;
}

// [before, span, after] with the span marked (mark, del or ins).
function snippet(parts, tag) {
  const box = el("div", "snippet");
  const mid = el(tag, parts[1] ? "" : "empty", parts[1]);
  box.append(document.createTextNode(parts[0]), mid, document.createTextNode(parts[2]));
  return box;
}

function verdict(d) {
  if (d === null || d === undefined) return ["undecided", "undecided"];
  if (d === "accept") return ["accepted", "accepted: candidate 1"];
  if (d === "reject") return ["rejected", "rejected"];
  if (d === "skip") return ["skipped", "skipped"];
  if (typeof d.candidate === "number") return ["accepted", "accepted: candidate " + d.candidate];
  if (typeof d.replace === "string") return ["accepted", "replaced by “" + d.replace + "”"];
  return ["undecided", "undecided"];
}

function chosen(d) {
  if (d === "accept") return 1;
  return d && typeof d.candidate === "number" ? d.candidate : 0;
}

function card(item) {
  const art = el("article", "finding");
  art.id = "f-" + item.index;
  art.dataset.index = item.index;
  const head = el("header", "head");
  head.append(el("span", "num", "[" + (item.index + 1) + "/" + page.items.length + "]"),
    el("span", "where", item.path + ":" + item.line + ":" + item.column),
    el("span", "code", item.code), el("span", "name", item.name),
    el("span", "sev sev-" + item.severity, item.severity), el("span", "verdict"));
  art.append(head, el("p", "message", item.message), snippet(item.context, "mark"));
  const list = el("ol", "candidates");
  for (const c of item.candidates) {
    const li = el("li", "candidate");
    li.dataset.n = c.n;
    const top = el("div", "cand-head");
    top.append(el("kbd", "", String(c.n)), el("span", "appl appl-" + c.applicability,
      c.applicability), el("span", "title", c.title),
    button(c.n === 1 ? "Accept" : "Choose", c.n === 1 ? "a" : String(c.n),
      () => choose(item.index, c.n)));
    const diff = el("div", "diff");
    const left = el("div", "side before");
    left.append(el("div", "label", "before"), snippet(c.before, "del"));
    const right = el("div", "side after");
    right.append(el("div", "label", "after"), snippet(c.after, "ins"));
    diff.append(left, right);
    li.append(top, diff);
    list.append(li);
  }
  if (item.candidates.length) art.append(list);
  else art.append(el("p", "none", "no candidate: e to type a replacement, r to reject"));
  const acts = el("div", "actions");
  acts.append(button("Reject", "r", () => reject(item.index)),
    button("Replace…", "e", () => openReplace(item.index)),
    button("Skip rest of file", "s", () => skipFile(item.index)),
    button("Undo", "u", undo));
  art.append(acts, replaceForm(item));
  art.addEventListener("click", () => go(item.index));
  return art;
}

function replaceForm(item) {
  const form = el("form", "replace");
  form.hidden = true;
  const label = el("label", "", "replacement for “" + item.context[1] + "” (empty: cancel) ");
  const input = el("input");
  input.type = "text";
  input.setAttribute("aria-label", "replacement");
  label.append(input);
  const ok = el("button", "", "Replace");
  ok.type = "submit";
  const cancel = el("button", "", "Cancel");
  cancel.type = "button";
  cancel.addEventListener("click", () => closeReplace(item.index, "cancelled"));
  form.append(label, ok, cancel);
  form.addEventListener("submit", (ev) => {
    ev.preventDefault();
    const text = input.value;
    if (!text) return closeReplace(item.index, "cancelled");
    closeReplace(item.index, "");
    enqueue(() => decide(item.index, { replace: text }));
  });
  input.addEventListener("keydown", (ev) => {
    if (ev.key === "Escape") closeReplace(item.index, "cancelled");
    ev.stopPropagation();
  });
  return form;
}

function cardOf(i) { return document.getElementById("f-" + i); }

function openReplace(i) {
  go(i);
  const form = cardOf(i).querySelector("form.replace");
  form.hidden = false;
  page.editing = true;
  const input = form.querySelector("input");
  input.value = "";
  input.focus();
}

function closeReplace(i, message) {
  const art = cardOf(i);
  if (art) art.querySelector("form.replace").hidden = true;
  page.editing = false;
  if (document.activeElement) document.activeElement.blur();
  if (message) say(message);
}

function say(text, bad) {
  const s = document.getElementById("status");
  s.textContent = text;
  s.className = bad ? "bad" : "";
}

// Only a window of cards is in the page (the current one, some before, more after), so a
// review of thousands of findings stays as quick as one of ten.
const BEFORE = 10;
const AFTER = 40;

function render() {
  const main = document.getElementById("findings");
  const n = page.items.length;
  main.textContent = "";
  page.lo = Math.max(0, page.pos - BEFORE);
  page.hi = Math.min(n, page.pos + AFTER);
  if (page.lo > 0) {
    main.append(el("p", "more", page.lo + " findings before these: k or ↑ goes back"));
  }
  for (let i = page.lo; i < page.hi; i++) main.append(card(page.items[i]));
  if (page.hi < n) {
    main.append(el("p", "more", (n - page.hi) + " more findings: j or ↓ goes on"));
  }
}

function paint() {
  for (let i = page.lo; i < page.hi; i++) {
    const art = cardOf(i);
    const [cls, text] = verdict(page.decisions[i]);
    art.dataset.state = cls;
    art.classList.toggle("current", i === page.pos);
    art.querySelector(".verdict").textContent = text;
    const n = chosen(page.decisions[i]);
    art.querySelectorAll("li.candidate").forEach((li) => {
      li.classList.toggle("chosen", Number(li.dataset.n) === n);
    });
  }
  const c = page.counts || { accepted: 0, rejected: 0, undecided: page.items.length };
  document.getElementById("progress").textContent = page.items.length
    ? "finding " + (page.pos + 1) + " of " + page.items.length : "no findings";
  document.getElementById("counts").textContent = c.accepted + " accepted, " +
    c.rejected + " rejected, " + c.undecided + " undecided";
}

function go(i) {
  const n = page.items.length;
  if (!n) return;
  page.pos = Math.max(0, Math.min(n - 1, i));
  const nearTop = page.lo > 0 && page.pos < page.lo + 3;
  const nearEnd = page.hi < n && page.pos >= page.hi - 5;
  if (page.pos < page.lo || page.pos >= page.hi || nearTop || nearEnd) render();
  paint();
  cardOf(page.pos).scrollIntoView({ block: "start" });
}

// The next undecided finding from `from` on (as the terminal walks them), else stay.
function nextUndecided(from) {
  for (let i = from; i < page.items.length; i++) {
    if (page.decisions[i] === null) return i;
  }
  for (let i = 0; i < from; i++) {
    if (page.decisions[i] === null) return i;
  }
  return -1;
}

function take(data) {
  page.decisions = data.decisions;
  page.counts = data.counts;
  if (data.message) say(data.message, !data.ok);
}

function advance(from) {
  const next = nextUndecided(from);
  if (next < 0) {
    paint();
    say("every finding is decided: w writes the patch, q writes it and stops");
  } else {
    go(next);
  }
}

// Steps (a key or a button and its request) run one after another, each seeing where the
// one before left the page: a second key pressed while the first one's answer is on its
// way applies to the next finding, as in the terminal. body[data-busy] counts the steps
// not yet done (what a test waits on after a key).
let queue = Promise.resolve();

function busy(step) {
  page.busy = (page.busy || 0) + step;
  document.body.dataset.busy = String(page.busy);
}

function enqueue(step) {
  busy(1);
  queue = queue.then(step).catch((err) => say(String(err.message || err), true))
    .finally(() => busy(-1));
}

async function send(path, body) {
  if (page.stopped) return null;
  try {
    const data = await api(path, body);
    take(data);
    return data;
  } catch (err) {
    say(String(err.message || err), true);
    return null;
  }
}

async function decide(i, decision) {
  const data = await send("/api/decide", { index: i, decision });
  if (data && data.ok) {
    say("");
    advance(i + 1);
  } else {
    paint();
  }
}

function choose(i, n) { return decide(i, n === 1 ? "accept" : { candidate: n }); }

function reject(i) { return decide(i, "reject"); }

async function skipFile(i) {
  const data = await send("/api/skip", { index: i });
  if (data) advance(data.next);
}

async function undo() {
  const data = await send("/api/undo", {});
  if (data && data.ok) go(data.back);
  else paint();
}

async function write() { await send("/api/write", {}); paint(); }

async function quit() {
  const data = await send("/api/quit", {});
  if (!data) return;
  page.stopped = true;
  document.body.classList.add("stopped");
  say((data.message ? data.message + ". " : "") +
    "The review server has stopped; you can close this page.");
  paint();
}

function help() {
  const h = document.getElementById("help");
  h.hidden = !h.hidden;
}

const KEYS = new Set(["?", "q", "w", "a", "r", "e", "s", "u", "j", "k", "ArrowDown",
  "ArrowUp"]);

function onKey(ev) {
  if (page.editing || ev.ctrlKey || ev.metaKey || ev.altKey) return;
  const k = ev.key;
  if (k === " " || (!KEYS.has(k) && k.length !== 1)) return;  // space still scrolls
  ev.preventDefault();
  enqueue(() => key(k));
}

// What a key does, on the finding that is current when its turn comes.
function key(k) {
  const i = page.pos;
  const item = page.items[i];
  if (k === "?") return help();
  if (k === "q") return quit();
  if (k === "w") return write();
  if (!item) return undefined;
  if (k === "a") {
    if (item.candidates.length) return choose(i, 1);
    return say("no candidate to accept; " + HELP, true);
  }
  if (/^[1-9]$/.test(k) && Number(k) <= item.candidates.length) return choose(i, Number(k));
  if (k === "r") return reject(i);
  if (k === "e") return openReplace(i);
  if (k === "s") return skipFile(i);
  if (k === "u") return undo();
  if (k === "j" || k === "ArrowDown") return go(i + 1);
  if (k === "k" || k === "ArrowUp") return go(i - 1);
  return say(HELP);
}

async function start() {
  document.getElementById("write-button").addEventListener("click", () => enqueue(write));
  document.getElementById("quit-button").addEventListener("click", () => enqueue(quit));
  document.getElementById("help-button").addEventListener("click", help);
  document.addEventListener("keydown", onKey);
  let data;
  try {
    data = await api("/api/findings");
  } catch (err) {
    document.getElementById("findings").textContent = "Cannot load the findings: " +
      String(err.message || err);
    return;
  }
  page.items = data.items;
  take(data);
  const main = document.getElementById("findings");
  main.textContent = "";
  if (!page.items.length) main.append(el("p", "loading", "No findings: nothing to review."));
  const first = nextUndecided(0);
  go(first < 0 ? 0 : first);
  document.body.dataset.ready = "1";
}

document.addEventListener("DOMContentLoaded", start);
