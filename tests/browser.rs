//! The page in a real browser: headless Chromium, driven through chromedriver, on the page the
//! real binary serves over the shipped corpus. Skipped (saying why) on a machine without
//! Chromium unless `NLMG_BROWSER_TESTS=require`.

mod common;

use std::sync::Mutex;

use common::webdriver::{self, Browser, Options, ARROW_DOWN, ENTER, ESCAPE};
use serde_json::Value;

/// One browser at a time: each is a few hundred MB and the CI machine has 2 cores.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn setup(test: &str, options: Options) -> Option<(Browser, common::Served, common::Env)> {
    let env = common::shipped();
    // Build the index before the browser starts, so page loads are not waiting on it.
    env.cmd().arg("index").assert().success();
    let browser = webdriver::browser(test, options)?;
    let served = common::served(&env);
    Some((browser, served, env))
}

fn lock() -> std::sync::MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner())
}

fn count(b: &Browser, css: &str) -> usize {
    b.find_all(css).len()
}

/// Every facet value's count, as `field=value count` lines, to compare before and after.
fn facet_counts(b: &Browser) -> String {
    b.script(
        "return Array.from(document.querySelectorAll('#facets a.fv')).map(a => \
         a.dataset.field + '=' + a.dataset.value + ' ' + a.querySelector('.count').textContent \
         + ' ' + a.getAttribute('aria-pressed')).join('\\n');",
        vec![],
    )
    .as_str()
    .unwrap_or_default()
    .to_string()
}

#[test]
fn typing_a_query_shows_marked_results_and_puts_it_in_the_url() {
    let _one = lock();
    let Some((b, s, _env)) = setup("typing", Options::default()) else {
        return;
    };
    b.goto(&format!("http://{}/", s.addr));
    assert_eq!(
        count(&b, "#results .hit"),
        0,
        "the start page lists no hits"
    );
    let q = b.find("#q");
    b.type_into(&q, "deferral");
    b.wait_script(
        "marked results",
        "return document.querySelectorAll('#results .hit .excerpt mark').length",
    );
    let marks: Vec<String> = b
        .find_all("#results .hit .excerpt mark")
        .iter()
        .map(|m| b.text(m).to_lowercase())
        .collect();
    assert!(
        marks.iter().any(|m| m.starts_with("deferr")),
        "marks: {marks:?}"
    );
    b.wait("the query in the URL", || {
        b.url().ends_with("/?q=deferral").then_some(())
    });
}

#[test]
fn a_facet_click_filters_changes_counts_and_the_url_and_keeps_its_siblings() {
    let _one = lock();
    let Some((b, s, _env)) = setup("facets", Options::default()) else {
        return;
    };
    b.goto(&format!("http://{}/?q=deferral", s.addr));
    let before = facet_counts(&b);
    let hits_before = count(&b, "#results .hit");
    assert!(hits_before > 1, "{hits_before} hits");
    // A theme value that does not cover every hit, so filtering by it must change something.
    let link = b
        .find_all("#facets section[data-field=theme] a.fv")
        .into_iter()
        .find(|a| {
            let n: usize = b
                .script(
                    "return arguments[0].querySelector('.count').textContent",
                    vec![Browser::arg(a)],
                )
                .as_str()
                .and_then(|t| t.trim().parse().ok())
                .unwrap_or(0);
            n > 0 && n < hits_before
        })
        .expect("a theme value that narrows the results");
    let value = b
        .script(
            "return arguments[0].dataset.value",
            vec![Browser::arg(&link)],
        )
        .as_str()
        .unwrap()
        .to_string();
    let siblings = count(&b, "#facets section[data-field=theme] a.fv");
    b.click(&link);
    b.wait("the filter in the URL", || {
        b.url().contains(&format!("theme={value}")).then_some(())
    });
    let after = b.wait("the facet counts to change", || {
        let now = facet_counts(&b);
        (now != before).then_some(now)
    });
    assert!(
        after.contains(&format!("theme={value} ")) && after.contains(" true"),
        "the picked value is shown as pressed:\n{after}"
    );
    // Disjunctive: the other theme values stay listed with their counts.
    assert_eq!(
        count(&b, "#facets section[data-field=theme] a.fv"),
        siblings,
        "{after}"
    );
    assert!(count(&b, "#results .hit") < hits_before);
    assert!(count(&b, "#facets a.clear") == 1, "a way to clear filters");
}

#[test]
fn a_result_opens_as_the_whole_passage_with_its_neighbours() {
    let _one = lock();
    let Some((b, s, _env)) = setup("open", Options::default()) else {
        return;
    };
    b.goto(&format!("http://{}/?q=deferral", s.addr));
    let first = b.find("#results .hit a.open");
    b.click(&first);
    b.wait_script(
        "the passage dialog",
        "const d = document.getElementById('reader'); \
         return d.open && d.querySelector('.passage-view .current') !== null",
    );
    let current = b.text(&b.find("#reader .passage-view .current"));
    assert!(current.len() > 100, "the whole passage: {current:?}");
    assert!(count(&b, "#reader .neighbour") >= 1, "a neighbour is shown");
    // The query's matches are marked in the whole passage, not only in the excerpt.
    let marks: Vec<String> = b
        .find_all("#reader .passage-view .current mark")
        .iter()
        .map(|m| b.text(m).to_lowercase())
        .collect();
    assert!(
        marks.iter().any(|m| m.starts_with("deferr")),
        "marks in the passage: {marks:?}"
    );
}

#[test]
fn the_keyboard_reaches_everything() {
    let _one = lock();
    let Some((b, s, _env)) = setup("keyboard", Options::default()) else {
        return;
    };
    b.goto(&format!("http://{}/?q=deferral", s.addr));
    b.find("#results .hit");
    let active = |b: &Browser| -> Value {
        b.script(
            "const a = document.activeElement; return a.id || a.className",
            vec![],
        )
    };
    b.script("document.activeElement.blur()", vec![]);
    b.press("/");
    assert_eq!(active(&b), "q", "/ focuses the search box");
    b.press(ARROW_DOWN);
    b.press(ARROW_DOWN);
    let selected = b.script(
        "const h = Array.from(document.querySelectorAll('#results .hit')); \
         return [h.findIndex(x => x.classList.contains('sel')), \
                 h.findIndex(x => x.contains(document.activeElement))]",
        vec![],
    );
    assert_eq!(
        selected,
        serde_json::json!([1, 1]),
        "two arrows, second result"
    );
    b.press(ENTER);
    b.wait_script(
        "Enter to open the passage",
        "return document.getElementById('reader').open",
    );
    b.press(ESCAPE);
    b.wait_script(
        "Esc to close it",
        "return !document.getElementById('reader').open",
    );
    b.press(ESCAPE);
    b.wait_script(
        "Esc again to clear the search",
        "return document.getElementById('q').value === '' && \
         document.querySelectorAll('#results .hit').length === 0",
    );
}

#[test]
fn a_shared_link_shows_results_before_any_script_and_with_none() {
    let _one = lock();
    let Some((b, s, _env)) = setup("shared-link", Options::default()) else {
        return;
    };
    let link = format!("http://{}/?q=deferral&theme=hope", s.addr);
    b.goto(&link);
    // Recorded as the document was parsed, before page.js ran: results were in the HTML.
    let timing = b.script(
        "const n = performance.getEntriesByType('navigation')[0]; \
         return { first_byte: n.responseStart, html: n.responseEnd, \
                  interactive: n.domInteractive, dcl: n.domContentLoadedEventEnd, \
                  load: n.loadEventEnd, \
                  transfer: n.transferSize + performance.getEntriesByType('resource') \
                     .reduce((t, r) => t + r.transferSize, 0), \
                  foreign: performance.getEntriesByType('resource') \
                     .map(r => r.name).filter(u => !u.startsWith(location.origin)) }",
        vec![],
    );
    eprintln!("shared link to rendered results: {timing}");
    assert!(count(&b, "#results .hit .excerpt mark") > 0);
    assert_eq!(
        timing["foreign"],
        serde_json::json!([]),
        "no request leaves the machine"
    );
    let transfer = timing["transfer"].as_f64().unwrap();
    assert!(
        transfer > 0.0 && transfer <= 100_000.0,
        "the page is {transfer} bytes"
    );
    assert_eq!(
        b.find_all("#facets a.chip.on").len(),
        1,
        "the filter from the link"
    );
    drop(b);

    let Some(plain) = webdriver::browser(
        "shared-link (no JavaScript)",
        Options {
            no_javascript: true,
            ..Options::default()
        },
    ) else {
        return;
    };
    plain.goto(&link);
    assert!(count(&plain, "#results .hit .excerpt mark") > 0);
    // Without a script the hit's link is an ordinary page of its own.
    let open = plain.find("#results .hit a.open");
    plain.click(&open);
    plain.wait("the passage page", || {
        plain.url().contains("/passage/").then_some(())
    });
    assert!(count(&plain, ".passage-view .current") == 1);
}

/// Follows `link` on a tab page and waits for the search it leads to: (URL, hits shown).
fn follow_to_search(b: &Browser, link: &webdriver::Element) -> (String, usize) {
    b.click(link);
    let url = b.wait("the search page", || {
        let u = b.url();
        u.contains("/?").then_some(u)
    });
    b.wait_script(
        "its results",
        "return document.querySelectorAll('#results .hit').length",
    );
    (url, count(b, "#results .hit"))
}

#[test]
fn the_quotations_tab_lists_quotations_that_lead_to_their_passages() {
    let _one = lock();
    let Some((b, s, _env)) = setup("quotations", Options::default()) else {
        return;
    };
    b.goto(&format!("http://{}/quotes", s.addr));
    assert!(count(&b, "ol.quotes .quote blockquote") > 5);
    assert_eq!(b.text(&b.find(".tabs a[aria-current=page]")), "Quotations");
    // Narrowed by a filter from the form, then one opened through its search link.
    b.goto(&format!("http://{}/quotes?theme=hope", s.addr));
    let link = b.find("ol.quotes .quote a.search");
    let (url, hits) = follow_to_search(&b, &link);
    assert!(url.contains("q=%22"), "a phrase search: {url}");
    assert!(hits >= 1);
}

#[test]
fn the_characters_tab_opens_a_card_whose_themes_lead_to_searches() {
    let _one = lock();
    let Some((b, s, _env)) = setup("characters", Options::default()) else {
        return;
    };
    b.goto(&format!("http://{}/characters", s.addr));
    let first = b.find(".cards a.name");
    let name = b.text(&first);
    b.click(&first);
    b.wait("the card", || {
        (b.text(&b.find("main h1")) == name).then_some(())
    });
    let theme = b.find("main ul.counts a[href*='theme=']");
    let (url, hits) = follow_to_search(&b, &theme);
    assert!(url.contains("character="), "{url}");
    assert!(hits >= 1);
    assert_eq!(
        count(&b, "#facets a.chip.on"),
        2,
        "character and theme in force"
    );
}

#[test]
fn a_themes_by_characters_cell_opens_the_search_for_its_pair() {
    let _one = lock();
    let Some((b, s, _env)) = setup("matrix", Options::default()) else {
        return;
    };
    b.goto(&format!("http://{}/matrix", s.addr));
    let cell = b.find("table.matrix td a");
    let n: usize = b.text(&cell).trim().parse().unwrap();
    let (url, _) = follow_to_search(&b, &cell);
    assert!(
        url.contains("character=") && url.contains("theme="),
        "{url}"
    );
    let status = b.text(&b.find("#status"));
    assert!(
        status.starts_with(&format!("{n} passage")),
        "the cell said {n}: {status}"
    );
}

#[test]
fn the_concordance_tab_lines_up_a_word_and_opens_its_passage() {
    let _one = lock();
    let Some((b, s, _env)) = setup("concordance", Options::default()) else {
        return;
    };
    b.goto(&format!("http://{}/concordance", s.addr));
    let term = b.find(".view-filters input[name=q]");
    b.type_into(&term, "deferral");
    b.click(&b.find(".view-filters button"));
    b.wait_script(
        "the concordance",
        "return document.querySelectorAll('table.kwic tbody tr').length",
    );
    assert!(b.url().contains("q=deferral"));
    let first = b.find("table.kwic .match a.open");
    assert!(b.text(&first).to_lowercase().starts_with("deferr"));
    b.click(&first);
    b.wait_script(
        "the passage dialog",
        "const d = document.getElementById('reader'); \
         return d.open && d.querySelector('.current mark') !== null",
    );
}
