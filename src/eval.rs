//! Search-quality evaluation: the judged question set (`tests/quality/questions.toml`), matching
//! hits to judgments, and the ranking metrics nDCG@k, P@k and MRR.
//!
//! Plain data in, numbers out. Running the binary and printing the table belong to the caller
//! (`tests/quality.rs`), so the arithmetic here can be checked against hand-computed cases and
//! stays independent of how the engine is built.

use std::collections::HashSet;
use std::path::Path;

use serde::Deserialize;

/// The categories every question set must cover, so no kind of need goes unmeasured.
pub const CATEGORIES: [&str; 5] = [
    "single-word",
    "phrase",
    "question",
    "filtered",
    "misspelling",
];

/// Categories a set may use besides [`CATEGORIES`]: the main set need not cover them, but the
/// table reports them apart. A half-remembered quotation is its own need: words changed, dropped
/// or reordered, so neither an exact phrase nor a plain question.
pub const EXTRA_CATEGORIES: [&str; 1] = ["quotation"];

/// Every category a question may have, the required ones first.
pub fn all_categories() -> impl Iterator<Item = &'static str> {
    CATEGORIES.iter().chain(EXTRA_CATEGORIES.iter()).copied()
}

/// Fewest words a judgment's substring may have: shorter ones risk matching unrelated passages.
pub const MIN_JUDGMENT_WORDS: usize = 6;

/// One passage judged relevant to a question, identified by text it contains.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Judgment {
    /// 3 answers the question directly, 2 is clearly relevant, 1 is related.
    pub grade: u8,
    /// A distinctive substring of the passage as it reads in the source summary.
    pub text: String,
}

/// A query as a user would type it, with its passage filters and judgments.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Question {
    pub id: String,
    pub query: String,
    pub category: String,
    #[serde(default)]
    pub theme: Vec<String>,
    #[serde(default)]
    pub character: Vec<String>,
    #[serde(default)]
    pub kind: Vec<String>,
    #[serde(default)]
    pub part: Vec<String>,
    #[serde(default)]
    pub section: Vec<String>,
    #[serde(default)]
    pub source: Vec<String>,
    /// Id of another question whose judgments this one shares.
    #[serde(default)]
    pub same_as: Option<String>,
    #[serde(default)]
    pub relevant: Vec<Judgment>,
}

impl Question {
    /// The filter flags as command-line arguments (`--theme memory --part 2`), in a fixed order.
    pub fn filter_args(&self) -> Vec<String> {
        let mut args = Vec::new();
        for (flag, values) in [
            ("--theme", &self.theme),
            ("--character", &self.character),
            ("--kind", &self.kind),
            ("--part", &self.part),
            ("--section", &self.section),
            ("--source", &self.source),
        ] {
            for v in values {
                args.push(flag.to_string());
                args.push(v.clone());
            }
        }
        args
    }

    /// The filters in a form for display (`--theme memory`), empty when there are none.
    pub fn filter_label(&self) -> String {
        self.filter_args().join(" ")
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct QuestionFile {
    #[serde(default, rename = "question")]
    questions: Vec<Question>,
}

/// A validated question set: ids unique, every question judged, `same_as` resolved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuestionSet {
    pub questions: Vec<Question>,
}

impl QuestionSet {
    /// Reads and validates a question file; the error is a human message naming the problem.
    pub fn load(path: &Path) -> Result<QuestionSet, String> {
        let text = std::fs::read_to_string(path)
            .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
        QuestionSet::parse(&text).map_err(|e| format!("{}: {e}", path.display()))
    }

    /// Parses question-file text, copies shared judgments in, and checks the set is usable.
    pub fn parse(text: &str) -> Result<QuestionSet, String> {
        let file: QuestionFile = toml::from_str(text).map_err(|e| e.to_string())?;
        let mut questions = file.questions;
        let mut ids = HashSet::new();
        for q in &questions {
            if q.id.trim().is_empty() {
                return Err(format!("a question ({:?}) has an empty id", q.query));
            }
            if !ids.insert(q.id.clone()) {
                return Err(format!("question id {:?} is used twice", q.id));
            }
            if q.query.trim().is_empty() {
                return Err(format!("question {:?} has an empty query", q.id));
            }
            if !all_categories().any(|c| c == q.category) {
                return Err(format!(
                    "question {:?} has category {:?}; expected one of {}",
                    q.id,
                    q.category,
                    all_categories().collect::<Vec<_>>().join(", ")
                ));
            }
            match (&q.same_as, q.relevant.is_empty()) {
                (Some(_), false) => {
                    return Err(format!(
                        "question {:?} has both same_as and its own judgments",
                        q.id
                    ))
                }
                (None, true) => return Err(format!("question {:?} has no judgments", q.id)),
                _ => {}
            }
            for j in &q.relevant {
                if !(1..=3).contains(&j.grade) {
                    return Err(format!(
                        "question {:?}: grade {} is not 1, 2 or 3 (for {:?})",
                        q.id, j.grade, j.text
                    ));
                }
                if j.text.split_whitespace().count() < MIN_JUDGMENT_WORDS {
                    return Err(format!(
                        "question {:?}: {:?} is shorter than {MIN_JUDGMENT_WORDS} words",
                        q.id, j.text
                    ));
                }
            }
        }
        for i in 0..questions.len() {
            let Some(target) = questions[i].same_as.clone() else {
                continue;
            };
            let shared = questions.iter().find(|q| q.id == target).ok_or_else(|| {
                format!(
                    "question {:?}: same_as {target:?} names no question",
                    questions[i].id
                )
            })?;
            if shared.same_as.is_some() {
                return Err(format!(
                    "question {:?}: same_as {target:?} points at a question that itself uses same_as",
                    questions[i].id
                ));
            }
            questions[i].relevant = shared.relevant.clone();
        }
        Ok(QuestionSet { questions })
    }

    /// Judgment substrings that occur in none of the given source texts (the corpus files as
    /// read from disk), or that contain characters cleaning may rewrite. Empty means every
    /// judgment can be found.
    pub fn problems_against(&self, sources: &[String]) -> Vec<String> {
        let sources: Vec<String> = sources.iter().map(|s| normalise(s)).collect();
        let mut problems = Vec::new();
        for q in self.questions.iter().filter(|q| q.same_as.is_none()) {
            for j in &q.relevant {
                if let Some(c) = j.text.chars().find(|c| is_repairable(*c)) {
                    problems.push(format!(
                        "{}: {:?} contains {:?}, which cleaning may rewrite",
                        q.id, j.text, c
                    ));
                }
                let needle = normalise(&j.text);
                if !sources.iter().any(|s| s.contains(&needle)) {
                    problems.push(format!("{}: {:?} is in no source file", q.id, j.text));
                }
            }
        }
        problems
    }
}

/// Characters the cleaning stage may rewrite, so a judgment must not depend on them.
fn is_repairable(c: char) -> bool {
    matches!(
        c,
        '\u{301E}' | '\u{00A0}' | '\u{2018}' | '\u{2019}' | '\u{201C}' | '\u{201D}'
    )
}

/// Text as compared: lower case, typographic quotes as straight ones, every run of whitespace
/// (including NBSP) as one space, trimmed.
pub fn normalise(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut pending_space = false;
    for c in text.chars() {
        if c.is_whitespace() {
            pending_space = !out.is_empty();
            continue;
        }
        if pending_space {
            out.push(' ');
            pending_space = false;
        }
        let c = match c {
            '\u{2018}' | '\u{2019}' => '\'',
            '\u{201C}' | '\u{201D}' => '"',
            c => c,
        };
        out.extend(c.to_lowercase());
    }
    out
}

/// The gain each ranked hit earns, in rank order: the best grade among the judgments it matches
/// that no earlier hit has already claimed, 0 when it claims none.
///
/// Crediting each judgment once means a near-duplicate of a passage already shown earns
/// nothing, and DCG can never exceed the ideal built from the judgments.
pub fn credit(hit_texts: &[&str], judgments: &[Judgment]) -> Vec<u8> {
    let each: Vec<usize> = (0..judgments.len()).collect();
    credit_answers(hit_texts, judgments, &each)
}

/// Like [`credit`], with judgments grouped into answers (`answer_of[i]` is judgment i's
/// answer): a hit that matches any judgment of an answer claims the whole answer, once.
pub fn credit_answers(hit_texts: &[&str], judgments: &[Judgment], answer_of: &[usize]) -> Vec<u8> {
    let needles: Vec<String> = judgments.iter().map(|j| normalise(&j.text)).collect();
    let best = answer_grades(judgments, answer_of);
    let mut claimed = vec![false; best.len()];
    hit_texts
        .iter()
        .map(|text| {
            let text = normalise(text);
            let mut gain = 0;
            for (i, needle) in needles.iter().enumerate() {
                let a = answer_of[i];
                if !claimed[a] && text.contains(needle.as_str()) {
                    claimed[a] = true;
                    gain = gain.max(best[a]);
                }
            }
            gain
        })
        .collect()
}

/// The grade of each answer: the best grade among its judgments.
fn answer_grades(judgments: &[Judgment], answer_of: &[usize]) -> Vec<u8> {
    let n = answer_of.iter().map(|a| a + 1).max().unwrap_or(0);
    let mut best = vec![0u8; n];
    for (j, &a) in judgments.iter().zip(answer_of) {
        best[a] = best[a].max(j.grade);
    }
    best
}

/// Which judgments name the same answer. Two judgments whose substrings occur in one passage,
/// or in two passages of one near-duplicate group (the engine shows such a group as one hit
/// with `also_in`), are one answer: a ranking can show it only once, so the ideal counts it
/// once. `passages` holds each passage's text and its group; the result numbers answers from 0
/// in judgment order.
pub fn answers(judgments: &[Judgment], passages: &[(&str, usize)]) -> Vec<usize> {
    let texts: Vec<String> = passages.iter().map(|(t, _)| normalise(t)).collect();
    let groups: Vec<HashSet<usize>> = judgments
        .iter()
        .map(|j| {
            let needle = normalise(&j.text);
            texts
                .iter()
                .zip(passages)
                .filter(|(t, _)| t.contains(needle.as_str()))
                .map(|(_, (_, g))| *g)
                .collect()
        })
        .collect();
    let mut answer_of: Vec<usize> = Vec::with_capacity(judgments.len());
    let mut next = 0;
    for i in 0..judgments.len() {
        let same = (0..i).find(|&k| !groups[i].is_disjoint(&groups[k]));
        match same {
            Some(k) => answer_of.push(answer_of[k]),
            None => {
                answer_of.push(next);
                next += 1;
            }
        }
    }
    answer_of
}

/// Discounted cumulative gain of the first `k` grades, with gain 2^grade − 1 and discount
/// log2(rank + 1), so a grade-3 passage counts for much more than a grade-1 one.
fn dcg(grades: impl Iterator<Item = u8>, k: usize) -> f64 {
    grades.take(k).enumerate().fold(0.0, |sum, (i, g)| {
        sum + (2f64.powi(i32::from(g)) - 1.0) / ((i + 2) as f64).log2()
    })
}

/// nDCG@k: DCG of the ranking over the DCG of the best possible ranking of the judgments.
pub fn ndcg_at(k: usize, gains: &[u8], judgments: &[Judgment]) -> f64 {
    let ideal: Vec<u8> = judgments.iter().map(|j| j.grade).collect();
    ndcg_against(k, gains, ideal)
}

/// nDCG@k against the grades of the answers a perfect ranking would show.
fn ndcg_against(k: usize, gains: &[u8], mut ideal: Vec<u8>) -> f64 {
    ideal.sort_unstable_by(|a, b| b.cmp(a));
    let ideal = dcg(ideal.into_iter(), k);
    if ideal == 0.0 {
        return 0.0;
    }
    dcg(gains.iter().copied(), k) / ideal
}

/// P@k: the share of the first k slots that show a relevant passage not shown before. The
/// denominator is k, or the number of judged passages when there are fewer than k, so a
/// question with only two answers can still score 1.0.
pub fn precision_at(k: usize, gains: &[u8], judged: usize) -> f64 {
    let slots = k.min(judged);
    if slots == 0 {
        return 0.0;
    }
    let found = gains.iter().take(k).filter(|g| **g > 0).count();
    (found.min(slots)) as f64 / slots as f64
}

/// Reciprocal rank of the first relevant hit; 0 when none is relevant.
pub fn reciprocal_rank(gains: &[u8]) -> f64 {
    gains
        .iter()
        .position(|g| *g > 0)
        .map_or(0.0, |i| 1.0 / (i + 1) as f64)
}

/// nDCG@k of the best order of the first `depth` hits: what re-ranking them alone could reach.
///
/// Below the figure itself, this splits a shortfall in two: the part a better order of the
/// passages already found would recover, and the part that needs passages found lower down.
pub fn ndcg_ceiling(
    k: usize,
    depth: usize,
    hit_texts: &[&str],
    judgments: &[Judgment],
    answer_of: &[usize],
) -> f64 {
    let shown = &hit_texts[..depth.min(hit_texts.len())];
    let mut gains = credit_answers(shown, judgments, answer_of);
    gains.sort_unstable_by(|a, b| b.cmp(a));
    ndcg_against(k, &gains, answer_grades(judgments, answer_of))
}

/// The share of a question's ideal gain (2^grade − 1 summed over its answers) that no hit in
/// `hit_texts` earns: given every passage the engine matches, what no re-ordering of its
/// matches can reach, because those answers share nothing the query is searched by.
pub fn unfound_share(hit_texts: &[&str], judgments: &[Judgment], answer_of: &[usize]) -> f64 {
    let gain = |g: &u8| f64::from((1u32 << g) - 1);
    let ideal: f64 = answer_grades(judgments, answer_of).iter().map(gain).sum();
    if ideal == 0.0 {
        return 0.0;
    }
    let found: f64 = credit_answers(hit_texts, judgments, answer_of)
        .iter()
        .map(gain)
        .sum();
    1.0 - found / ideal
}

/// The three figures the quality target is stated in.
#[derive(Debug, Clone, Copy, PartialEq, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Scores {
    pub ndcg_at_5: f64,
    pub p_at_3: f64,
    pub mrr: f64,
}

impl Scores {
    /// Scores one ranked list of passage texts against a question's judgments.
    pub fn of(hit_texts: &[&str], judgments: &[Judgment]) -> Scores {
        let each: Vec<usize> = (0..judgments.len()).collect();
        Scores::of_answers(hit_texts, judgments, &each)
    }

    /// Scores a ranked list against judgments grouped into answers (see [`answers`]): each
    /// answer is earned once and counts once in the ideal ranking and in P@k's denominator.
    pub fn of_answers(hit_texts: &[&str], judgments: &[Judgment], answer_of: &[usize]) -> Scores {
        let gains = credit_answers(hit_texts, judgments, answer_of);
        let ideal = answer_grades(judgments, answer_of);
        Scores {
            p_at_3: precision_at(3, &gains, ideal.len()),
            ndcg_at_5: ndcg_against(5, &gains, ideal),
            mrr: reciprocal_rank(&gains),
        }
    }

    /// The mean of each figure; all zero for no scores.
    pub fn mean(scores: &[Scores]) -> Scores {
        if scores.is_empty() {
            return Scores::default();
        }
        let n = scores.len() as f64;
        Scores {
            ndcg_at_5: scores.iter().map(|s| s.ndcg_at_5).sum::<f64>() / n,
            p_at_3: scores.iter().map(|s| s.p_at_3).sum::<f64>() / n,
            mrr: scores.iter().map(|s| s.mrr).sum::<f64>() / n,
        }
    }

    /// The figures that fall below a floor, as `"nDCG@5 0.812 < 0.850"` messages.
    pub fn shortfalls(&self, floor: &Scores) -> Vec<String> {
        [
            ("nDCG@5", self.ndcg_at_5, floor.ndcg_at_5),
            ("P@3", self.p_at_3, floor.p_at_3),
            ("MRR", self.mrr, floor.mrr),
        ]
        .into_iter()
        .filter(|(_, got, min)| got < min)
        .map(|(name, got, min)| format!("{name} {got:.3} < {min:.3}"))
        .collect()
    }
}

/// The regression floors (`tests/quality/floors.toml`): the overall means must not drop below.
pub fn parse_floors(text: &str) -> Result<Scores, String> {
    let floors: Scores = toml::from_str(text).map_err(|e| e.to_string())?;
    for (name, v) in [
        ("ndcg_at_5", floors.ndcg_at_5),
        ("p_at_3", floors.p_at_3),
        ("mrr", floors.mrr),
    ] {
        if !(0.0..=1.0).contains(&v) {
            return Err(format!("{name} = {v} is not between 0 and 1"));
        }
    }
    Ok(floors)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn j(grade: u8, text: &str) -> Judgment {
        Judgment {
            grade,
            text: text.into(),
        }
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn normalise_folds_case_quotes_and_whitespace() {
        for (input, expected) in [
            ("  Kathy\u{00A0} H.\n\tis ", "kathy h. is"),
            (
                "Ruth\u{2019}s \u{201C}possible\u{201D}",
                "ruth's \"possible\"",
            ),
            ("", ""),
            ("ÉMILY", "émily"),
        ] {
            assert_eq!(normalise(input), expected, "{input:?}");
        }
    }

    #[test]
    fn credit_gives_each_judgment_once_and_the_best_grade() {
        let judgments = [j(3, "alpha beta"), j(1, "gamma delta"), j(2, "epsilon")];
        let hits = [
            "nothing here",
            "Alpha   BETA and more",
            "again alpha beta",        // duplicate of rank 2: earns nothing
            "gamma delta and epsilon", // claims two judgments: best grade wins
            "epsilon",                 // already claimed
        ];
        assert_eq!(credit(&hits, &judgments), vec![0, 3, 0, 2, 0]);
    }

    #[test]
    fn metrics_on_hand_computed_rankings() {
        let judgments = [j(3, "aaa"), j(2, "bbb"), j(1, "ccc")];
        // (ranking, nDCG@5, P@3, MRR), worked out by hand with gain 2^g - 1.
        // Ideal DCG = 7/log2(2) + 3/log2(3) + 1/log2(4) = 7 + 1.892789 + 0.5 = 9.392789.
        let ideal = 7.0 + 3.0 / 3f64.log2() + 0.5;
        let cases: [(&[&str], f64, f64, f64); 5] = [
            (&["aaa", "bbb", "ccc"], 1.0, 1.0, 1.0),
            (&["x", "y", "z", "w"], 0.0, 0.0, 0.0),
            // ccc, -, aaa: 1/1 + 0 + 7/2 = 4.5
            (&["ccc", "x", "aaa"], 4.5 / ideal, 2.0 / 3.0, 1.0),
            // -, bbb: 3/log2(3)
            (&["x", "bbb"], (3.0 / 3f64.log2()) / ideal, 1.0 / 3.0, 0.5),
            // relevant only at rank 6: outside every cut-off but MRR
            (&["x", "x", "x", "x", "x", "aaa"], 0.0, 0.0, 1.0 / 6.0),
        ];
        for (hits, ndcg, p3, mrr) in cases {
            let s = Scores::of(hits, &judgments);
            assert!(close(s.ndcg_at_5, ndcg), "{hits:?}: nDCG {}", s.ndcg_at_5);
            assert!(close(s.p_at_3, p3), "{hits:?}: P@3 {}", s.p_at_3);
            assert!(close(s.mrr, mrr), "{hits:?}: MRR {}", s.mrr);
        }
    }

    #[test]
    fn the_ceiling_is_the_best_order_of_the_hits_within_reach() {
        let judged = [j(3, "alpha"), j(2, "beta"), j(1, "gamma"), j(3, "delta")];
        let each: Vec<usize> = (0..judged.len()).collect();
        // Ranked: nothing, gamma, beta, alpha, nothing, delta (two grade-3 answers, one deep).
        let hits = ["none", "gamma", "beta", "alpha", "none", "delta"];
        let ndcg = |gains: &[u8]| ndcg_at(5, gains, &judged);
        // The three found in the top 5, best first: alpha, beta, gamma.
        let top5 = ndcg_ceiling(5, 5, &hits, &judged, &each);
        assert!(close(top5, ndcg(&[3, 2, 1])), "{top5}");
        // Within six hits delta is in reach too: alpha, delta, beta, gamma.
        let top6 = ndcg_ceiling(5, 6, &hits, &judged, &each);
        assert!(close(top6, ndcg(&[3, 3, 2, 1])), "{top6}");
        // Better than the ranking as it is, never above 1, and 1 when every answer is in reach.
        let as_ranked = ndcg(&credit(&hits, &judged));
        assert!(as_ranked < top5 && top5 < top6 && top6 <= 1.0 + 1e-9);
        assert!(close(top6, 1.0));
        // A duplicate of an answer already claimed adds nothing: it cannot fill a second slot.
        let dup = ["alpha", "alpha again", "none"];
        let c = ndcg_ceiling(5, 3, &dup, &judged, &each);
        assert!(close(c, ndcg(&[3])), "{c}");
        // Fewer hits than the depth, or none, is no error.
        assert!(close(ndcg_ceiling(5, 10, &[], &judged, &each), 0.0));
    }

    #[test]
    fn the_unfound_share_weighs_answers_by_their_gain() {
        let judged = [j(3, "alpha"), j(2, "beta"), j(1, "gamma")];
        let each: Vec<usize> = (0..judged.len()).collect();
        // Gains 7, 3 and 1: 11 in all.
        for (hits, want) in [
            (vec!["alpha", "beta", "gamma"], 0.0),
            (vec!["none", "beta", "gamma"], 7.0 / 11.0),
            (vec!["gamma"], 10.0 / 11.0),
            // A duplicate earns nothing twice.
            (vec!["beta", "beta too"], 8.0 / 11.0),
            (vec![], 1.0),
        ] {
            let got = unfound_share(&hits, &judged, &each);
            assert!(close(got, want), "{hits:?}: {got}");
        }
        // No judgments: nothing to find.
        assert!(close(unfound_share(&["alpha"], &[], &[]), 0.0));
    }

    #[test]
    fn precision_is_capped_by_the_number_of_judged_passages() {
        let judgments = [j(3, "only one")];
        let s = Scores::of(&["only one here", "x", "y"], &judgments);
        assert!(close(s.p_at_3, 1.0));
        assert_eq!(precision_at(3, &[], 0), 0.0);
        assert!(close(precision_at(3, &[2, 0, 1, 3], 10), 2.0 / 3.0));
    }

    #[test]
    fn duplicates_do_not_inflate_a_perfect_score() {
        let judgments = [j(3, "the answer")];
        let s = Scores::of(&["the answer", "the answer again"], &judgments);
        assert!(close(s.ndcg_at_5, 1.0));
        assert!(close(s.p_at_3, 1.0));
    }

    #[test]
    fn judgments_of_one_passage_or_duplicate_group_are_one_answer() {
        // Passages: 0 and 1 are near-duplicates (group 0); 2 stands alone.
        let passages = [
            ("We all complete. Maybe none of us", 0),
            ("What I'm not sure about. We all complete. Maybe", 0),
            ("This reflection reveals the universal nature", 2),
        ];
        let judgments = [
            j(3, "We all complete. Maybe"),
            j(2, "What I'm not sure about"),
            j(2, "reflection reveals the universal"),
            j(1, "the universal nature"),
        ];
        let answer_of = answers(&judgments, &passages);
        assert_eq!(answer_of, vec![0, 0, 1, 1]);
        // The hit shows passage 0 with passage 1 folded into it, then passage 2: a perfect list.
        let hits = [
            "We all complete. Maybe none of us ¶ What I'm not sure about. We all complete. Maybe",
            "This reflection reveals the universal nature",
        ];
        let s = Scores::of_answers(&hits, &judgments, &answer_of);
        assert!(close(s.ndcg_at_5, 1.0), "{s:?}");
        assert!(close(s.p_at_3, 1.0), "{s:?}");
        // Counted one judgment each, the same list could never score 1.
        let each = Scores::of(&hits, &judgments);
        assert!(each.ndcg_at_5 < 0.95 && each.p_at_3 < 1.0, "{each:?}");
        // The duplicate's own text alone claims the answer, and a repeat earns nothing.
        assert_eq!(
            credit_answers(
                &["What I'm not sure about", "We all complete. Maybe"],
                &judgments,
                &answer_of
            ),
            vec![3, 0]
        );
    }

    #[test]
    fn mean_and_shortfalls() {
        let a = Scores {
            ndcg_at_5: 1.0,
            p_at_3: 0.5,
            mrr: 1.0,
        };
        let b = Scores {
            ndcg_at_5: 0.0,
            p_at_3: 0.5,
            mrr: 0.5,
        };
        let m = Scores::mean(&[a, b]);
        assert!(close(m.ndcg_at_5, 0.5) && close(m.p_at_3, 0.5) && close(m.mrr, 0.75));
        assert_eq!(Scores::mean(&[]), Scores::default());
        let floor = Scores {
            ndcg_at_5: 0.6,
            p_at_3: 0.5,
            mrr: 0.7,
        };
        assert_eq!(m.shortfalls(&floor), vec!["nDCG@5 0.500 < 0.600"]);
    }

    #[test]
    fn floors_parse_and_reject_nonsense() {
        let f = parse_floors("ndcg_at_5 = 0.85\np_at_3 = 0.9\nmrr = 0.95\n").unwrap();
        assert!(close(f.p_at_3, 0.9));
        for bad in [
            "ndcg_at_5 = 1.5\np_at_3 = 0\nmrr = 0",
            "ndcg_at_5 = 0\np_at_3 = 0",
            "ndcg = 0\np_at_3 = 0\nmrr = 0",
        ] {
            assert!(parse_floors(bad).is_err(), "{bad}");
        }
    }

    const GOOD: &str = r#"
[[question]]
id = "a"
query = "deferral"
category = "single-word"
theme = ["hope"]
part = ["2"]
relevant = [{ grade = 3, text = "one two three four five six" }]

[[question]]
id = "b"
query = "deferal"
category = "misspelling"
same_as = "a"
"#;

    #[test]
    fn question_set_parses_and_shares_judgments() {
        let set = QuestionSet::parse(GOOD).unwrap();
        assert_eq!(set.questions[1].relevant, set.questions[0].relevant);
        assert_eq!(
            set.questions[0].filter_args(),
            vec!["--theme", "hope", "--part", "2"]
        );
        assert_eq!(set.questions[1].filter_label(), "");
    }

    #[test]
    fn question_set_errors_name_the_problem() {
        let one = |body: &str| format!("[[question]]\nid = \"a\"\nquery = \"q\"\n{body}\n");
        let judged = "relevant = [{ grade = 3, text = \"one two three four five six\" }]";
        for (text, expect) in [
            (one(&format!("category = \"poem\"\n{judged}")), "category"),
            (one("category = \"phrase\""), "no judgments"),
            (
                one("category = \"phrase\"\nrelevant = [{ grade = 4, text = \"one two three four five six\" }]"),
                "grade 4",
            ),
            (
                one("category = \"phrase\"\nrelevant = [{ grade = 3, text = \"too short\" }]"),
                "shorter",
            ),
            (one("category = \"phrase\"\nsame_as = \"zzz\""), "names no question"),
            (one(&format!("category = \"phrase\"\nsame_as = \"a\"\n{judged}")), "both"),
            (format!("{}{}", one(&format!("category = \"phrase\"\n{judged}")), one(&format!("category = \"phrase\"\n{judged}"))), "twice"),
            (one(&format!("category = \"phrase\"\nthem = [\"x\"]\n{judged}")), "unknown field"),
        ] {
            let err = QuestionSet::parse(&text).unwrap_err();
            assert!(err.contains(expect), "{err} (wanted {expect:?})");
        }
    }

    #[test]
    fn problems_against_finds_missing_and_fragile_substrings() {
        let set = QuestionSet::parse(GOOD).unwrap();
        assert!(set
            .problems_against(&["ONE  two three\nfour five six seven".into()])
            .is_empty());
        assert_eq!(set.problems_against(&["one two".into()]).len(), 1);
        let curly = GOOD.replace("four five", "four\u{2019}s five");
        let set = QuestionSet::parse(&curly).unwrap();
        let problems = set.problems_against(&["one two three four's five six".into()]);
        assert_eq!(problems.len(), 1, "{problems:?}");
        assert!(problems[0].contains("cleaning"));
    }

    proptest! {
        #[test]
        fn metrics_stay_between_zero_and_one(
            grades in proptest::collection::vec(1u8..=3, 1..8),
            picks in proptest::collection::vec(0usize..12, 0..12),
        ) {
            let judgments: Vec<Judgment> = grades
                .iter()
                .enumerate()
                .map(|(i, g)| j(*g, &format!("passage number {i} of the set")))
                .collect();
            let texts: Vec<String> = picks
                .iter()
                .map(|p| format!("this is passage number {p} of the set, shown"))
                .collect();
            let refs: Vec<&str> = texts.iter().map(String::as_str).collect();
            let s = Scores::of(&refs, &judgments);
            for v in [s.ndcg_at_5, s.p_at_3, s.mrr] {
                prop_assert!((0.0..=1.0 + 1e-9).contains(&v), "{s:?}");
            }
        }

        #[test]
        fn normalise_is_idempotent_and_never_panics(text in "\\PC{0,80}") {
            let once = normalise(&text);
            prop_assert_eq!(normalise(&once), once.clone());
            prop_assert!(!once.contains("  "));
        }
    }
}
