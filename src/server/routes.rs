//! Which handler answers a request, and the reply it gives.
//!
//! Every path is matched against a fixed table here; nothing a client sends is ever joined to
//! a file-system path (static files are compiled in, [`super::assets`]). A new view is a new
//! arm: an API endpoint under `/api/<view>` in [`super::api`], a page under `/<view>` in
//! [`super::tabs`], and a tab in [`super::html::TABS`].

use std::borrow::Cow;

use super::params::{self, Query, MAX_URL_BYTES};
use super::{api, api_views, assets, page, passage, tabs, Shared};

/// Bytes reserved for a JSON answer before it is written.
const JSON_CAPACITY: usize = 32 * 1024;

/// A reply before it is written: status, type and body.
#[derive(Debug)]
pub struct Reply {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Cow<'static, [u8]>,
    /// `Cache-Control`; the defaults suit generated answers.
    pub cache: &'static str,
}

impl Reply {
    pub fn json<T: serde::Serialize>(status: u16, value: &T) -> Reply {
        // Room for a search's answer (15-20 KB for ten hits) from the start, rather than a
        // dozen doublings each copying what was written so far.
        let mut body = Vec::with_capacity(JSON_CAPACITY);
        match serde_json::to_writer(&mut body, value) {
            Ok(()) => Reply {
                status,
                content_type: "application/json",
                body: Cow::Owned(body),
                cache: "no-store",
            },
            Err(_) => Reply::error(500, "cannot encode the answer"),
        }
    }

    /// An error as the API answers it: `{"error":"…"}`.
    pub fn error(status: u16, message: &str) -> Reply {
        let body = serde_json::json!({ "error": message }).to_string();
        Reply {
            status,
            content_type: "application/json",
            body: Cow::Owned(body.into_bytes()),
            cache: "no-store",
        }
    }

    pub fn html(status: u16, body: String) -> Reply {
        Reply {
            status,
            content_type: "text/html; charset=utf-8",
            body: Cow::Owned(body.into_bytes()),
            cache: "no-store",
        }
    }
}

/// Answers one request. `url` is the request target as sent (path and query string).
pub fn route(shared: &Shared, method: &str, url: &str) -> Reply {
    if !matches!(method, "GET" | "HEAD") {
        return Reply::error(405, "only GET and HEAD are answered");
    }
    if url.len() > MAX_URL_BYTES {
        return Reply::error(
            414,
            &format!(
                "the URL is {} bytes; at most {MAX_URL_BYTES} are accepted",
                url.len()
            ),
        );
    }
    let (path, query) = url.split_once('?').unwrap_or((url, ""));
    let query = match Query::parse(query) {
        Ok(q) => q,
        Err(e) => return Reply::error(400, &e.to_string()),
    };
    let Some(path) = params::decode_path(path) else {
        return Reply::error(400, "the path is not valid percent-encoded UTF-8");
    };
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let loaded = shared.engine();
    let engine = &loaded.engine;
    match segments.as_slice() {
        [] => page::search(engine, &query),
        ["fragment", "search"] => page::search_fragment(engine, &query),
        ["passage", id] => passage::passage(engine, id, &query, false),
        ["fragment", "passage", id] => passage::passage(engine, id, &query, true),
        ["api", "search"] => api::search(engine, &query),
        ["api", "passage", id] => api::passage(engine, id, &query),
        ["api", "list", kind] => api::list(engine, kind, &query),
        ["api", "quotes"] => api_views::quotes(&loaded, &query),
        ["api", "kwic"] => api_views::kwic(&loaded, &query),
        ["api", "matrix"] => api_views::matrix(&loaded, &query),
        ["api", "character", name] => api_views::character(&loaded, name, &query),
        ["api", ..] => Reply::error(
            404,
            "no such endpoint; the API has /api/search, /api/passage/<id>, /api/list/<kind>, \
             /api/quotes, /api/kwic, /api/matrix, /api/character/<name> (see docs/api.md)",
        ),
        ["quotes"] => tabs::quotes(&loaded, &query),
        ["characters"] => tabs::characters(&loaded, &query),
        ["characters", name] => tabs::character(&loaded, name, &query),
        ["matrix"] => tabs::matrix(&loaded, &query),
        ["concordance"] => tabs::concordance(&loaded, &query),
        ["static", name] => match assets::get(name) {
            Some(a) => Reply {
                status: 200,
                content_type: a.content_type,
                body: Cow::Borrowed(a.body),
                cache: "public, max-age=300",
            },
            None => page::not_found(),
        },
        ["favicon.ico"] => Reply {
            status: 204,
            content_type: "image/x-icon",
            body: Cow::Borrowed(b""),
            cache: "public, max-age=86400",
        },
        _ => page::not_found(),
    }
}
