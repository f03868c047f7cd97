//! Characters × themes: for each pair, the passages tagged with both, so a teacher sees which
//! characters go with which themes and can open the passages behind any cell.

use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::error::Result;
use crate::lexicon::Lexicon;
use crate::model::Passage;
use crate::search::{Engine, Filters};

/// One pair. `--json` prints it as `{"type":"cell",…}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cell {
    pub character: String,
    pub theme: String,
    /// Passages tagged with both.
    pub count: u64,
    /// Their ids, in reading order.
    pub ids: Vec<String>,
}

/// The whole table: rows, columns and every cell (zeros included), row by row.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Matrix {
    /// Characters with at least one passage, most passages first.
    pub characters: Vec<String>,
    /// Themes with at least one passage, in the lexicon's order (others after, by name).
    pub themes: Vec<String>,
    /// `characters.len() × themes.len()` cells, row by row.
    pub cells: Vec<Cell>,
    /// Passages per character (the row totals).
    pub character_passages: BTreeMap<String, u64>,
    /// Passages per theme (the column totals).
    pub theme_passages: BTreeMap<String, u64>,
}

impl Matrix {
    /// The cell for a pair, if both are in the table.
    pub fn cell(&self, character: &str, theme: &str) -> Option<&Cell> {
        let r = self.characters.iter().position(|c| c == character)?;
        let c = self.themes.iter().position(|t| t == theme)?;
        self.cells.get(r * self.themes.len() + c)
    }
}

/// The table over `passages`.
pub fn matrix(passages: &[Arc<Passage>], lexicon: &Lexicon) -> Matrix {
    let mut character_passages: BTreeMap<String, u64> = BTreeMap::new();
    let mut theme_passages: BTreeMap<String, u64> = BTreeMap::new();
    let mut ids: BTreeMap<(&str, &str), Vec<String>> = BTreeMap::new();
    for p in passages {
        for c in &p.characters {
            *character_passages.entry(c.clone()).or_default() += 1;
        }
        for t in &p.themes {
            *theme_passages.entry(t.clone()).or_default() += 1;
        }
        for c in &p.characters {
            for t in &p.themes {
                ids.entry((c, t)).or_default().push(p.id.clone());
            }
        }
    }
    let mut characters: Vec<String> = character_passages.keys().cloned().collect();
    characters.sort_by(|a, b| {
        character_passages[b]
            .cmp(&character_passages[a])
            .then(a.cmp(b))
    });
    let order = |t: &String| {
        lexicon
            .themes
            .iter()
            .position(|x| &x.name == t)
            .unwrap_or(usize::MAX)
    };
    let mut themes: Vec<String> = theme_passages.keys().cloned().collect();
    themes.sort_by(|a, b| order(a).cmp(&order(b)).then(a.cmp(b)));
    let mut cells = Vec::with_capacity(characters.len() * themes.len());
    for c in &characters {
        for t in &themes {
            let list = ids
                .get(&(c.as_str(), t.as_str()))
                .cloned()
                .unwrap_or_default();
            cells.push(Cell {
                character: c.clone(),
                theme: t.clone(),
                count: list.len() as u64,
                ids: list,
            });
        }
    }
    Matrix {
        characters,
        themes,
        cells,
        character_passages,
        theme_passages,
    }
}

/// The table over the passages of the engine's index that `filters` admit.
pub fn for_filters(engine: &Engine, filters: &Filters) -> Result<Matrix> {
    Ok(matrix(&engine.passages(filters)?, engine.lexicon()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Kind;

    #[test]
    fn cells_count_passages_tagged_with_both() {
        let mk = |seq: u32, chars: &[&str], themes: &[&str]| {
            Arc::new(Passage {
                characters: chars.iter().map(|s| s.to_string()).collect(),
                themes: themes.iter().map(|s| s.to_string()).collect(),
                ..Passage::sample("s", seq, Kind::Plot, "x")
            })
        };
        let ps = vec![
            mk(0, &["Anna", "Ben"], &["loss", "memory"]),
            mk(1, &["Anna"], &["memory"]),
            mk(2, &["Ben"], &[]),
            mk(3, &[], &["hope"]),
        ];
        let lex =
            Lexicon::parse("[[theme]]\nname = \"memory\"\n[[theme]]\nname = \"loss\"\n").unwrap();
        let m = matrix(&ps, &lex);
        assert_eq!(m.characters, ["Anna", "Ben"]);
        // Lexicon order first, then the rest by name.
        assert_eq!(m.themes, ["memory", "loss", "hope"]);
        assert_eq!(m.cells.len(), 6);
        // (character, theme, count, ids)
        let cases: &[(&str, &str, u64, &[&str])] = &[
            ("Anna", "memory", 2, &["s:0", "s:1"]),
            ("Anna", "loss", 1, &["s:0"]),
            ("Ben", "memory", 1, &["s:0"]),
            ("Ben", "hope", 0, &[]),
        ];
        for (c, t, n, ids) in cases {
            let cell = m.cell(c, t).unwrap();
            assert_eq!(cell.count, *n, "{c} {t}");
            assert_eq!(cell.ids, *ids, "{c} {t}");
        }
        assert_eq!(m.character_passages["Ben"], 2);
        assert_eq!(m.theme_passages["hope"], 1);
    }
}
