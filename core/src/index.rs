//! The index of a text: line starts, paragraphs and non-ASCII runs, in code-point offsets
//! (pure Rust, no Python).

use memchr::{memchr, memchr_iter};

/// `repairtool.document.MASK`, the private-use code point that hides text from the rules.
const MASK: char = '\u{e000}';
const MASK_UTF8: &[u8] = "\u{e000}".as_bytes();

/// Code points in `b` (valid UTF-8): every byte that is not a continuation byte.
fn code_points(b: &[u8]) -> usize {
    b.iter().filter(|&&x| (x & 0xC0) != 0x80).count()
}

/// What Python's `re` calls `\s` in a `str` pattern (`str.isspace`, Unicode 14 as in
/// CPython 3.11-3.13; `char::is_whitespace` differs: it leaves out U+001C-U+001F).
fn is_space(c: char) -> bool {
    matches!(c, '\t'..='\r' | '\u{1c}'..='\u{20}' | '\u{85}' | '\u{a0}' | '\u{1680}'
        | '\u{2000}'..='\u{200a}' | '\u{2028}' | '\u{2029}' | '\u{202f}' | '\u{205f}'
        | '\u{3000}')
}

/// Offset of the first code point of every line: 0, then one past each `\n`.
pub fn line_starts(s: &str) -> Vec<usize> {
    let b = s.as_bytes();
    let mut out = vec![0];
    let (mut pos, mut cp) = (0, 0);
    for nl in memchr_iter(b'\n', b) {
        cp += code_points(&b[pos..nl]) + 1;
        out.push(cp);
        pos = nl + 1;
    }
    out
}

/// Whether the line that starts at byte `k` is blank for a paragraph: only spaces, tabs,
/// `\r` and the mask up to the next `\n` or the end (the lookahead of `_PARAGRAPH`).
fn blank_from(b: &[u8], mut k: usize) -> bool {
    while k < b.len() {
        match b[k] {
            b' ' | b'\t' | b'\r' => k += 1,
            b'\n' => return true,
            _ if b[k..].starts_with(MASK_UTF8) => k += MASK_UTF8.len(),
            _ => return false,
        }
    }
    true
}

/// Byte and code-point offsets of the first code point at or after byte `i` that can start
/// a paragraph (neither `\s` nor the mask), or `None`.
fn next_start(s: &str, mut i: usize, mut cp: usize) -> Option<(usize, usize)> {
    let b = s.as_bytes();
    while i < b.len() {
        let c = if b[i] < 0x80 { b[i] as char } else { s[i..].chars().next()? };
        if !is_space(c) && c != MASK {
            return Some((i, cp));
        }
        i += c.len_utf8();
        cp += 1;
    }
    None
}

/// Paragraphs as `(start, end)` code-point spans, the same as
/// `re.compile(r"[^\s\ue000](?:[^\n]+|\n(?![ \t\r\ue000]*(?:\n|\Z)))*").finditer(s)`:
/// from a code point that is not space or mask, line by line up to a `\n` that a blank
/// line (or the end) follows.
pub fn paragraphs(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut cp) = (0, 0);
    while let Some((at, start)) = next_start(s, i, cp) {
        (i, cp) = (at, start);
        loop {
            let eol = memchr(b'\n', &b[i..]).map_or(b.len(), |k| i + k);
            cp += code_points(&b[i..eol]);
            i = eol;
            if i == b.len() || blank_from(b, i + 1) {
                break;
            }
            i += 1;
            cp += 1;
        }
        out.push((start, cp));
    }
    out
}

/// Runs of code points outside ASCII other than the mask, as `(start, end)` code-point
/// spans: what `regex.compile(r"[^\x00-\x7f\ue000]+").finditer(s)` spans.
pub fn non_ascii_runs(s: &str) -> Vec<(usize, usize)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut cp) = (0, 0);
    let mut run: Option<usize> = None;
    while i < b.len() {
        let ascii = b[i..].iter().position(|&x| x >= 0x80).map_or(b.len() - i, |k| k);
        if ascii > 0 {
            if let Some(start) = run.take() {
                out.push((start, cp));
            }
            (i, cp) = (i + ascii, cp + ascii);
            continue;
        }
        if b[i..].starts_with(MASK_UTF8) {
            if let Some(start) = run.take() {
                out.push((start, cp));
            }
        } else if run.is_none() {
            run = Some(cp);
        }
        i += match b[i] {
            0..=0xDF => 2,
            0xE0..=0xEF => 3,
            _ => 4,
        };
        cp += 1;
    }
    if let Some(start) = run {
        out.push((start, cp));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines() {
        assert_eq!(line_starts(""), vec![0]);
        assert_eq!(line_starts("a\nbé\n"), vec![0, 2, 5]);
    }

    #[test]
    fn paragraph_spans() {
        assert_eq!(paragraphs(""), vec![]);
        assert_eq!(paragraphs("  \n"), vec![]);
        assert_eq!(paragraphs(" ab\ncd \n\n\u{e000}é x"), vec![(1, 7), (10, 13)]);
        assert_eq!(paragraphs("a\n \u{e000}\t\nb\n\u{3000}\nc"), vec![(0, 1), (6, 11)]);
        assert_eq!(paragraphs("a\n"), vec![(0, 1)]);
    }

    #[test]
    fn non_ascii() {
        assert_eq!(non_ascii_runs("abc"), vec![]);
        assert_eq!(non_ascii_runs("é中\u{e000}😀x\u{e000}ñ"), vec![(0, 2), (3, 4), (6, 7)]);
    }
}
