//! Compiles the shipped corpus into the binary: every file directly inside `corpus/` becomes an
//! entry of `SHIPPED_FILES` (see `src/shipped.rs`), so an installed binary works from any
//! directory and a file added to `corpus/` is shipped without a code change.

use std::fmt::Write as _;
use std::path::Path;

fn main() {
    // Read when the script runs, not when it was compiled: a build script compiled for one
    // checkout can be run for another that shares the target directory.
    let root = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&root).join("corpus");
    println!("cargo:rerun-if-changed={}", dir.display());
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("the shipped corpus {} cannot be read: {e}", dir.display()));
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.file_type().is_ok_and(|t| t.is_file()))
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".txt") || n.ends_with(".toml"))
        .collect();
    names.sort();
    let mut code = String::from("/// The shipped corpus: (file name, contents).\n");
    code.push_str("pub const SHIPPED_FILES: &[(&str, &[u8])] = &[\n");
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let _ = writeln!(
            code,
            "    ({n:?}, include_bytes!({:?})),",
            path.display().to_string()
        );
    }
    code.push_str("];\n");
    let out = Path::new(&std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("shipped.rs");
    std::fs::write(out, code).expect("OUT_DIR is writable");
}
