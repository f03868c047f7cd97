//! Index errors in words a user can act on: tantivy's errors on open (damage, or a directory we
//! may not write), failed checksums, and builds refused for want of permission.

use std::fs;
use std::path::Path;

use tantivy::Index;

use crate::error::{Error, Result};

pub(crate) fn tantivy_error(e: tantivy::TantivyError) -> Error {
    Error::Index(format!("index error: {e}"))
}

/// Longest reason quoted from tantivy in a message: its corruption reports can embed whole files.
const MAX_REASON: usize = 160;

/// Words for a tantivy error met while opening the generation in `dir` for reading: damage (a
/// rebuild repairs it) or a directory we may not write (a rebuild cannot).
pub(crate) fn open_error(dir: &Path, e: tantivy::TantivyError) -> Error {
    use tantivy::directory::error::{LockError, OpenDirectoryError, OpenReadError};
    use tantivy::TantivyError as T;
    let reason = match &e {
        T::LockFailure(LockError::IoError(io), _) => return not_writable(dir, io),
        T::OpenReadError(OpenReadError::FileDoesNotExist(p)) => {
            format!("the file {} is missing", p.display())
        }
        T::OpenReadError(OpenReadError::IoError { io_error, filepath }) => {
            format!("cannot read {}: {io_error}", filepath.display())
        }
        T::OpenReadError(OpenReadError::IncompatibleIndex(_)) | T::IncompatibleIndex(_) => {
            "it was written by an incompatible version of the index library".into()
        }
        T::OpenDirectoryError(OpenDirectoryError::DoesNotExist(_)) => {
            "its directory has disappeared".into()
        }
        T::SchemaError(_) | T::FieldNotFound(_) => {
            "its schema does not match this version of nlmg-search".into()
        }
        // "Data corruption (in file `x`): what. Content: <the whole file>" — keep the first part.
        T::DataCorruption(c) => format!("{c:?}"),
        other => other.to_string(),
    };
    Error::damaged(dir, shorten(&reason))
}

fn shorten(reason: &str) -> String {
    let reason = reason.split(" Content:").next().unwrap_or(reason);
    let reason = reason.trim().trim_end_matches('.');
    if reason.len() <= MAX_REASON {
        return reason.to_string();
    }
    let mut end = MAX_REASON;
    while !reason.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}…", &reason[..end])
}

/// The directory `dir` cannot be written, which opening or building an index needs.
pub(crate) fn not_writable(dir: &Path, e: &std::io::Error) -> Error {
    Error::Index(format!(
        "cannot use the index in {}: the directory is not writable ({e}); opening or building an \
         index creates lock files there. Make it writable (`chmod -R u+w {}`) or point --index at \
         a writable directory",
        dir.display(),
        dir.display()
    ))
}

/// A build that failed for want of permission to write says so, instead of "cannot read".
pub(super) fn explain_write(index_dir: &Path, e: Error) -> Error {
    match &e {
        Error::Io { source, .. }
            if source.kind() == std::io::ErrorKind::PermissionDenied
                || source.kind() == std::io::ErrorKind::ReadOnlyFilesystem
                // EPERM: what an immutable directory answers, even to root.
                || source.raw_os_error() == Some(1) =>
        {
            not_writable(index_dir, source)
        }
        _ => e,
    }
}

/// Checks every file of the generation against the checksum tantivy wrote in its footer, so a
/// flipped byte is reported as damage instead of being read as data (or panicking a decoder).
/// Costs one sequential read of the index (about a millisecond per few MB), so it is paid once
/// per generation: once the files have passed and been left alone for [`crate::ingest::SETTLE`],
/// their metadata is recorded in [`VERIFIED_FILE`] and later opens that find the same metadata
/// skip the read. Any write to a file changes its change time, which no tool can set back.
pub(crate) fn verify_checksums(index: &Index, dir: &Path) -> Result<()> {
    let key = files_key(dir);
    let verified = dir.join(VERIFIED_FILE);
    if let Some(key) = &key {
        if fs::read_to_string(&verified).is_ok_and(|stored| stored == *key) {
            return Ok(());
        }
    }
    let damaged = index.validate_checksum().map_err(|e| open_error(dir, e))?;
    if let Some(first) = damaged.iter().min() {
        let more = match damaged.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Err(Error::damaged(
            dir,
            format!("the file {} fails its checksum{more}", first.display()),
        ));
    }
    if let Some(key) = key {
        // Best effort: a read-only index only means checking again next time.
        let tmp = dir.join(format!("{VERIFIED_FILE}.tmp-{}", std::process::id()));
        if fs::write(&tmp, key).is_err() || fs::rename(&tmp, &verified).is_err() {
            let _ = fs::remove_file(&tmp);
        }
    }
    Ok(())
}

/// File inside a generation directory: the metadata of tantivy's files when their checksums
/// last passed.
pub(super) const VERIFIED_FILE: &str = "nlmg-verified";

/// Name, size, modification and change times and identity of each of tantivy's files in the
/// generation (ours, `nlmg-*`, are not checksummed), one line each in name order; `None` while
/// any of them changed within [`crate::ingest::SETTLE`] (file times are kept in coarse ticks)
/// or on a system without change times.
fn files_key(dir: &Path) -> Option<String> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        let now = std::time::SystemTime::now();
        let mut lines = vec![];
        for e in fs::read_dir(dir).ok()?.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("nlmg-") {
                continue;
            }
            let m = e.metadata().ok()?;
            let changed = std::time::UNIX_EPOCH
                + std::time::Duration::new(
                    m.ctime().max(0) as u64,
                    m.ctime_nsec().clamp(0, 999_999_999) as u32,
                );
            if now
                .duration_since(changed)
                .map_or(true, |age| age < crate::ingest::SETTLE)
            {
                return None;
            }
            lines.push(format!(
                "{name} {} {}.{} {}.{} {}\n",
                m.len(),
                m.mtime(),
                m.mtime_nsec(),
                m.ctime(),
                m.ctime_nsec(),
                m.ino()
            ));
        }
        lines.sort();
        Some(lines.concat())
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}
