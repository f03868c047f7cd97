//! The page's static files, compiled into the binary: served from memory by name, so no
//! request ever reaches the file system, and the page works offline with no build step.

/// One static file.
#[derive(Debug)]
pub struct Asset {
    pub name: &'static str,
    pub content_type: &'static str,
    pub body: &'static [u8],
}

/// Every static file, by the name it is served under (`/static/<name>`).
pub const ASSETS: &[Asset] = &[
    Asset {
        name: "page.css",
        content_type: "text/css; charset=utf-8",
        body: include_bytes!("assets/page.css"),
    },
    Asset {
        name: "page.js",
        content_type: "text/javascript; charset=utf-8",
        body: include_bytes!("assets/page.js"),
    },
];

/// The static file with this exact name.
pub fn get(name: &str) -> Option<&'static Asset> {
    ASSETS.iter().find(|a| a.name == name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_exact_names_are_found() {
        assert!(get("page.css").is_some());
        for bad in [
            "",
            "..",
            "../page.css",
            "page.css/",
            "PAGE.CSS",
            "/etc/passwd",
        ] {
            assert!(get(bad).is_none(), "{bad}");
        }
    }
}
