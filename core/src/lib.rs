//! `repairtool._core`: the compiled passes of repairtool's scan.
//!
//! Step 1 of issue #14 holds one pass, the document's index: its line starts, paragraphs
//! and non-ASCII runs (`repairtool.document.line_starts`, `Document._paragraphs` and
//! `Document.non_ascii`). Offsets are code points
//! into the Python `str`, as everywhere in repairtool. The work runs on the UTF-8 bytes with
//! the GIL released; a text with lone surrogates (not UTF-8) raises `UnicodeEncodeError`
//! and the caller falls back to its Python pass.

use pyo3::prelude::*;
use pyo3::types::PyString;

mod index;

/// Code-point `(start, end)` spans, handed to Python as a list of 2-tuples.
type Spans = Vec<(usize, usize)>;

/// The UTF-8 bytes of `s` and a keeper for them: an ASCII `str` lends its own buffer (no
/// copy, nothing cached on the object); any other is encoded to a temporary `bytes`, so the
/// `str` does not keep a UTF-8 copy alive as `PyUnicode_AsUTF8AndSize` would.
enum Utf8<'py> {
    Borrowed(&'py str),
    Owned(Bound<'py, pyo3::types::PyBytes>),
}

impl<'py> Utf8<'py> {
    fn of(s: &'py Bound<'py, PyString>) -> PyResult<Self> {
        if s.call_method0("isascii")?.is_truthy()? {
            Ok(Utf8::Borrowed(s.to_str()?))
        } else {
            Ok(Utf8::Owned(s.encode_utf8()?))
        }
    }

    fn as_str(&self) -> &str {
        match self {
            Utf8::Borrowed(s) => s,
            // Python's own strict UTF-8 encoder made these bytes.
            Utf8::Owned(b) => std::str::from_utf8(b.as_bytes()).expect("CPython's UTF-8"),
        }
    }
}

/// Offset of the first code point of every line (0, then one past each `\n`).
#[pyfunction]
fn line_starts(py: Python<'_>, text: &Bound<'_, PyString>) -> PyResult<Vec<usize>> {
    let utf8 = Utf8::of(text)?;
    let text = utf8.as_str();
    Ok(py.detach(|| index::line_starts(text)))
}

/// Paragraphs of a masked view, as `(start, end)` code-point pairs: what
/// `repairtool.document._PARAGRAPH.finditer(view)` spans.
#[pyfunction]
fn paragraphs(py: Python<'_>, view: &Bound<'_, PyString>) -> PyResult<Spans> {
    let utf8 = Utf8::of(view)?;
    let view = utf8.as_str();
    Ok(py.detach(|| index::paragraphs(view)))
}

/// Runs of non-ASCII code points other than the mask, as `(start, end)` code-point pairs:
/// what `repairtool.document._NON_ASCII.finditer(view)` spans.
#[pyfunction]
fn non_ascii_runs(py: Python<'_>, view: &Bound<'_, PyString>) -> PyResult<Spans> {
    let utf8 = Utf8::of(view)?;
    let view = utf8.as_str();
    Ok(py.detach(|| index::non_ascii_runs(view)))
}

/// `(paragraphs(view), non_ascii_runs(view))` from one UTF-8 view of the `str` (encoding a
/// non-ASCII `str` costs as much as both walks).
#[pyfunction]
fn view_index(py: Python<'_>, view: &Bound<'_, PyString>) -> PyResult<(Spans, Spans)> {
    let utf8 = Utf8::of(view)?;
    let ascii = matches!(utf8, Utf8::Borrowed(_));
    let view = utf8.as_str();
    Ok(py.detach(|| {
        let runs = if ascii { Vec::new() } else { index::non_ascii_runs(view) };
        (index::paragraphs(view), runs)
    }))
}

#[pymodule]
fn _core(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add_function(wrap_pyfunction!(line_starts, m)?)?;
    m.add_function(wrap_pyfunction!(paragraphs, m)?)?;
    m.add_function(wrap_pyfunction!(non_ascii_runs, m)?)?;
    m.add_function(wrap_pyfunction!(view_index, m)?)?;
    Ok(())
}
