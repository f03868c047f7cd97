//! The generation store on disk: the `current` pointer, the build lock, swapping a finished
//! generation in, clearing old ones, and opening a generation read-only.

use std::fs::{self, File};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use tantivy::directory::error::{DeleteError, LockError, OpenReadError, OpenWriteError};
use tantivy::directory::MmapDirectory;
use tantivy::Index;

use crate::error::{Error, Result};

pub(super) const CURRENT_FILE: &str = "current";
pub(super) const LOCK_FILE: &str = ".build.lock";

/// The refusal a build meets while another holds the lock.
pub fn build_busy(index_dir: &Path) -> Error {
    Error::Index(format!(
        "another build of the index in {} is running; try again when it has finished",
        index_dir.display()
    ))
}

/// True while another process holds the build lock of `index_dir`.
pub fn build_running(index_dir: &Path) -> bool {
    let Ok(lock) = File::options().write(true).open(index_dir.join(LOCK_FILE)) else {
        return false;
    };
    match lock.try_lock() {
        Ok(()) => false,
        Err(fs::TryLockError::WouldBlock) => true,
        Err(fs::TryLockError::Error(_)) => false,
    }
}

/// Blocks until no build of `index_dir` is running.
pub fn wait_for_build(index_dir: &Path) {
    if let Ok(lock) = File::options().write(true).open(index_dir.join(LOCK_FILE)) {
        let _ = lock.lock();
    }
}
/// The directory of the live generation, if `current` names one.
pub fn current_dir(index_dir: &Path) -> Option<PathBuf> {
    let name = fs::read_to_string(index_dir.join(CURRENT_FILE)).ok()?;
    let name = name.trim();
    if name.is_empty() || name.contains('/') || name.contains("..") {
        return None;
    }
    Some(index_dir.join(name))
}

pub(super) fn next_generation(index_dir: &Path) -> u64 {
    let mut max = 0;
    if let Ok(entries) = fs::read_dir(index_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            let n = name
                .strip_prefix("gen-")
                .and_then(|n| n.parse::<u64>().ok())
                .or_else(|| {
                    name.strip_prefix("tmp-")
                        .and_then(|r| r.rsplit('-').next())
                        .and_then(|n| n.parse().ok())
                });
            if let Some(n) = n {
                max = max.max(n);
            }
        }
    }
    max + 1
}

/// Points `current` at `gen_name`: temp file, fsync, rename, fsync the directory.
pub(super) fn set_current(index_dir: &Path, gen_name: &str) -> Result<()> {
    let tmp = index_dir.join(format!(".current.tmp-{}", std::process::id()));
    write_synced(&tmp, format!("{gen_name}\n").as_bytes())?;
    share(&tmp);
    let current = index_dir.join(CURRENT_FILE);
    fs::rename(&tmp, &current).map_err(|e| Error::io(&current, e))?;
    sync_dir(index_dir);
    Ok(())
}

/// Makes a file readable by everyone (0644) or a directory listable by everyone (0755), so an
/// index built by one user (a teacher) serves others (a class). tantivy writes some files through
/// temporary files created 0600. Best effort: an index we cannot share still works for us.
pub(super) fn share(path: &Path) {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        if let Ok(md) = fs::metadata(path) {
            let mode = if md.is_dir() { 0o755 } else { 0o644 };
            let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
        }
    }
    #[cfg(not(unix))]
    let _ = path;
}

/// [`share`] for a generation directory and everything in it (tantivy writes it flat).
pub(super) fn share_all(dir: &Path) {
    share(dir);
    if let Ok(entries) = fs::read_dir(dir) {
        for e in entries.flatten() {
            share(&e.path());
        }
    }
}

/// A generation opened for reading only. Generations are complete and never written once
/// swapped in, so the lock tantivy's reader takes against a concurrent writer's garbage
/// collection (creating `.tantivy-meta.lock`) protects nothing here, and taking it would fail
/// in a directory the user cannot write: another user's index, a read-only mount.
#[derive(Debug, Clone)]
struct ReadOnlyGeneration(MmapDirectory);

impl tantivy::Directory for ReadOnlyGeneration {
    fn get_file_handle(
        &self,
        path: &Path,
    ) -> std::result::Result<Arc<dyn tantivy::directory::FileHandle>, OpenReadError> {
        self.0.get_file_handle(path)
    }
    fn delete(&self, path: &Path) -> std::result::Result<(), DeleteError> {
        self.0.delete(path)
    }
    fn exists(&self, path: &Path) -> std::result::Result<bool, OpenReadError> {
        self.0.exists(path)
    }
    fn open_write(
        &self,
        path: &Path,
    ) -> std::result::Result<tantivy::directory::WritePtr, OpenWriteError> {
        self.0.open_write(path)
    }
    fn atomic_read(&self, path: &Path) -> std::result::Result<Vec<u8>, OpenReadError> {
        self.0.atomic_read(path)
    }
    fn atomic_write(&self, path: &Path, data: &[u8]) -> std::io::Result<()> {
        self.0.atomic_write(path, data)
    }
    fn sync_directory(&self) -> std::io::Result<()> {
        self.0.sync_directory()
    }
    fn acquire_lock(
        &self,
        _lock: &tantivy::directory::Lock,
    ) -> std::result::Result<tantivy::directory::DirectoryLock, LockError> {
        Ok(tantivy::directory::DirectoryLock::from(Box::new(())))
    }
    fn watch(
        &self,
        callback: tantivy::directory::WatchCallback,
    ) -> tantivy::Result<tantivy::directory::WatchHandle> {
        self.0.watch(callback)
    }
}

/// Opens the complete generation in `dir` for searching, without writing to it (see
/// [`ReadOnlyGeneration`]).
pub(crate) fn open_generation(dir: &Path) -> tantivy::Result<Index> {
    Index::open(ReadOnlyGeneration(MmapDirectory::open(dir)?))
}

pub(super) fn write_synced(path: &Path, bytes: &[u8]) -> Result<()> {
    let mut f = File::create(path).map_err(|e| Error::io(path, e))?;
    f.write_all(bytes).map_err(|e| Error::io(path, e))?;
    f.sync_all().map_err(|e| Error::io(path, e))
}

pub(super) fn sync_dir(dir: &Path) {
    // Best effort: not every filesystem lets a directory be synced.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
}

/// Temporary directories of builds that were killed (we hold the lock, so none is live).
pub(super) fn remove_leftovers(index_dir: &Path) {
    if let Ok(entries) = fs::read_dir(index_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("tmp-") {
                let _ = fs::remove_dir_all(e.path());
            } else if name.starts_with(".current.tmp-") {
                let _ = fs::remove_file(e.path());
            }
        }
    }
}

/// Generations older than the one just replaced, best effort. The one just replaced stays
/// until the next build: a search that read the pointer just before the swap may still be
/// opening its files (one that has them open keeps them on Linux anyway).
pub(super) fn remove_old_generations(index_dir: &Path, live: u64) {
    if let Ok(entries) = fs::read_dir(index_dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if let Some(n) = name
                .strip_prefix("gen-")
                .and_then(|n| n.parse::<u64>().ok())
            {
                if n + 1 < live {
                    let _ = fs::remove_dir_all(e.path());
                }
            }
        }
    }
}

pub(super) fn dir_size(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .map(|entries| {
            entries
                .flatten()
                .filter_map(|e| e.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}
