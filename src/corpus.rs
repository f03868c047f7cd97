//! Finding and reading the summary files of a corpus directory, and their metadata from
//! `sources.toml`: everything that touches the file system before cleaning starts.
//!
//! A bad summary file (a directory named `x.txt`, a symlink loop, unreadable, not UTF-8, NUL
//! bytes, empty, too large) becomes one [`Warning`] and is skipped; only a missing corpus
//! directory or a malformed `sources.toml` is an error.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::error::{Error, Result};
use crate::model::{Kind, Source, Warning};

/// File name of the source metadata inside the corpus directory.
pub const SOURCES_FILE: &str = "sources.toml";

/// Files larger than this are skipped with a warning: a summary is a few hundred kilobytes at
/// most, and the whole file is held in memory several times over while it is processed.
pub const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// One summary file, read and checked: valid UTF-8, no NUL bytes, not blank.
#[derive(Debug, Clone)]
pub struct RawSource {
    pub source: Source,
    /// The file's text exactly as stored, minus a leading byte-order mark.
    pub text: String,
    /// Bytes skipped at the start of the file (3 for a UTF-8 BOM), so offsets into `text`
    /// plus this value are offsets into the file.
    pub offset: usize,
    /// Size of the file in bytes.
    pub bytes: u64,
    /// `passage_kind` from `sources.toml`: the kind when no heading or layout decides.
    pub default_kind: Option<Kind>,
}

/// What `sources.toml` says about one file.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct SourceMeta {
    #[serde(default)]
    title: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    description: String,
    /// Kind of the passages no heading or layout decides (a blog post of plot summary: "plot").
    #[serde(default)]
    passage_kind: Option<Kind>,
}

/// The `*.txt` files directly inside `dir` (not recursive), sorted by file name. Entries that
/// cannot even be listed become warnings.
pub fn list_files(dir: &Path) -> Result<(Vec<PathBuf>, Vec<Warning>)> {
    if !dir.is_dir() {
        return Err(Error::NoCorpus(dir.to_path_buf()));
    }
    let mut files = Vec::new();
    let mut warnings = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| Error::io(dir, e))? {
        match entry {
            Ok(entry) => {
                let path = entry.path();
                if path.extension().is_some_and(|x| x == "txt") {
                    files.push(path);
                }
            }
            Err(e) => warnings.push(Warning {
                file: dir.display().to_string(),
                reason: format!("cannot list an entry: {e}"),
            }),
        }
    }
    // By name, each name taken out once: a comparison of two paths parses both.
    files.sort_by_cached_key(|p| p.file_name().map(|n| n.to_os_string()));
    Ok((files, warnings))
}

/// Reads `sources.toml`; a missing file means no metadata, a malformed one is an error.
fn load_meta(dir: &Path) -> Result<BTreeMap<String, SourceMeta>> {
    let path = dir.join(SOURCES_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => toml::from_str(&text).map_err(|e| Error::Data {
            path,
            message: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(BTreeMap::new()),
        Err(e) => Err(Error::io(path, e)),
    }
}

/// Why a file's bytes cannot be used as a summary, if they cannot.
pub fn check_bytes(bytes: &[u8]) -> std::result::Result<(), String> {
    if let Some(at) = bytes.iter().position(|&b| b == 0) {
        return Err(format!(
            "contains NUL bytes (first at byte {at}); is it a binary file?"
        ));
    }
    if let Err(e) = std::str::from_utf8(bytes) {
        return Err(format!(
            "is not valid UTF-8 (bad byte at offset {}); save it as UTF-8",
            e.valid_up_to()
        ));
    }
    let text = std::str::from_utf8(bytes).unwrap_or_default();
    if text.trim_start_matches('\u{feff}').trim().is_empty() {
        return Err("is empty".into());
    }
    Ok(())
}

/// Longest line accepted. Summaries are prose with line breaks, a few hundred kilobytes in all;
/// a file that is one line of many megabytes (a minified page, a dump) is not a summary. A long
/// single line below this is read, in bounded pieces.
pub const MAX_LINE_BYTES: usize = 4 * 1024 * 1024;

/// Why a file's lines cannot be a summary, if they cannot.
pub fn check_lines(bytes: &[u8]) -> std::result::Result<(), String> {
    match bytes.split(|&b| b == b'\n').map(<[u8]>::len).max() {
        Some(longest) if longest > MAX_LINE_BYTES => Err(format!(
            "has a line of {longest} bytes, more than the {MAX_LINE_BYTES} byte limit; \
             is it a summary with line breaks?"
        )),
        _ => Ok(()),
    }
}

/// Reads every summary in `dir`: sources in file-name order, plus one warning per skipped file.
pub fn read_sources(dir: &Path) -> Result<(Vec<RawSource>, Vec<Warning>)> {
    let (files, mut warnings) = list_files(dir)?;
    let meta = load_meta(dir)?;
    let mut out = Vec::new();
    for path in files {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let mut skip = |reason: String| {
            warnings.push(Warning {
                file: path.display().to_string(),
                reason,
            })
        };
        // `metadata` follows symlinks, so a loop or a dangling link fails here, not later.
        let md = match std::fs::metadata(&path) {
            Ok(md) => md,
            Err(e) => {
                skip(format!("cannot read it: {e}"));
                continue;
            }
        };
        if md.is_dir() {
            skip("is a directory, not a summary file".into());
            continue;
        }
        if md.len() > MAX_FILE_BYTES {
            skip(format!(
                "is {} bytes, more than the {} byte limit for one summary",
                md.len(),
                MAX_FILE_BYTES
            ));
            continue;
        }
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) => {
                skip(format!("cannot read it: {e}"));
                continue;
            }
        };
        if let Err(reason) = check_bytes(&bytes).and_then(|()| check_lines(&bytes)) {
            skip(reason);
            continue;
        }
        let size = bytes.len() as u64;
        let mut text = String::from_utf8(bytes).unwrap_or_default();
        let offset = if text.starts_with('\u{feff}') {
            text.drain(..3);
            3
        } else {
            0
        };
        let id = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let m = meta.get(&id).cloned().unwrap_or_default();
        out.push(RawSource {
            source: Source {
                title: if m.title.is_empty() {
                    id.clone()
                } else {
                    m.title
                },
                kind: m.kind,
                description: m.description,
                file: name,
                id,
            },
            text,
            offset,
            bytes: size,
            default_kind: m.passage_kind,
        });
    }
    Ok((out, warnings))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_enormous_line_is_refused_and_long_paragraphs_are_not() {
        let long_paragraph = "word ".repeat(10_000) + "\n" + &"word ".repeat(10_000);
        assert!(check_lines(long_paragraph.as_bytes()).is_ok());
        let one_line = "x".repeat(MAX_LINE_BYTES + 1);
        let err = check_lines(one_line.as_bytes()).unwrap_err();
        assert!(err.contains("line of"), "{err}");
        assert!(check_lines(b"").is_ok());
    }

    #[test]
    fn bad_bytes_are_named() {
        for (bytes, expect) in [
            (&b"hello\0world"[..], Some("NUL")),
            (&b"caf\xe9"[..], Some("UTF-8")),
            (&b""[..], Some("empty")),
            (&b" \n\t\n"[..], Some("empty")),
            (&b"\xef\xbb\xbf\n"[..], Some("empty")),
            (&b"A summary."[..], None),
        ] {
            match (check_bytes(bytes), expect) {
                (Ok(()), None) => {}
                (Err(r), Some(word)) => assert!(r.contains(word), "{r}"),
                (got, want) => panic!("{bytes:?}: got {got:?}, want {want:?}"),
            }
        }
    }

    #[test]
    fn bad_files_become_warnings_and_good_ones_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::write(d.join("b-good.txt"), "Some text here.").unwrap();
        std::fs::write(d.join("a-bin.txt"), b"x\0y").unwrap();
        std::fs::write(d.join("c-latin1.txt"), b"caf\xe9").unwrap();
        std::fs::write(d.join("d-empty.txt"), "").unwrap();
        std::fs::create_dir(d.join("e-dir.txt")).unwrap();
        std::fs::write(d.join("notes.md"), "ignored").unwrap();
        #[cfg(unix)]
        std::os::unix::fs::symlink(d.join("f-loop.txt"), d.join("f-loop.txt")).unwrap();
        std::fs::write(
            d.join(SOURCES_FILE),
            "[b-good]\ntitle = \"Good one\"\nkind = \"notes\"\n",
        )
        .unwrap();
        let (sources, warnings) = read_sources(d).unwrap();
        assert_eq!(sources.len(), 1);
        assert_eq!(sources[0].source.id, "b-good");
        assert_eq!(sources[0].source.title, "Good one");
        let named: Vec<&str> = warnings.iter().map(|w| w.file.as_str()).collect();
        for f in ["a-bin", "c-latin1", "d-empty", "e-dir"] {
            assert!(named.iter().any(|n| n.contains(f)), "{f} in {named:?}");
        }
        #[cfg(unix)]
        assert!(named.iter().any(|n| n.contains("f-loop")));
    }

    #[test]
    fn bom_is_skipped_and_remembered() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.txt"), "\u{feff}Text.").unwrap();
        let (sources, _) = read_sources(dir.path()).unwrap();
        assert_eq!(sources[0].text, "Text.");
        assert_eq!(sources[0].offset, 3);
    }

    #[test]
    fn malformed_sources_toml_is_an_error() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("x.txt"), "Text.").unwrap();
        std::fs::write(dir.path().join(SOURCES_FILE), "[x\ntitle=").unwrap();
        assert!(matches!(read_sources(dir.path()), Err(Error::Data { .. })));
        assert!(matches!(
            read_sources(&dir.path().join("missing")),
            Err(Error::NoCorpus(_))
        ));
    }
}
