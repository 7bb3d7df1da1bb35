//! Elastic Beanstalk's `.platform/nginx/nginx.conf`: an application
//! bundle's replacement for the platform's nginx configuration, read with
//! nginx's parser and the files of `.platform/nginx` it includes.

use super::conf;
use crate::model::{Seconds, Setting};

/// An Elastic Beanstalk application bundle's `.platform/nginx/`: the
/// platform copies it over `/etc/nginx/`, so `/etc/nginx/X` is read from
/// `.platform/nginx/X` (inside the repository, through the confined
/// reader); the platform's own files there set no keep-alive.
struct PlatformDir<'a> {
    dir: &'a std::path::Path,
    root: &'a std::path::Path,
}

impl PlatformDir<'_> {
    fn on_disk(&self, path: &str) -> Option<std::path::PathBuf> {
        let rel = path.strip_prefix("/etc/nginx/")?;
        if rel.split('/').any(|p| p == ".." || p.is_empty()) {
            return None;
        }
        Some(self.dir.join(rel))
    }
}

impl conf::Files for PlatformDir<'_> {
    fn read(
        &self,
        path: &str,
    ) -> Result<Option<std::sync::Arc<crate::source::SourceFile>>, conf::Problem> {
        let Some(p) = self.on_disk(path) else {
            return Ok(None);
        };
        if std::fs::symlink_metadata(&p).is_err() {
            return Ok(None);
        }
        crate::input::read_source(&p, crate::input::Within::Repository(self.root))
            .map(Some)
            .map_err(|e| conf::Problem::new(format!("{}: {}", p.display(), e.message), None))
    }

    fn list(&self, dir: &str) -> Vec<String> {
        let Some(p) = self.on_disk(&format!("{}/", dir.trim_end_matches('/'))) else {
            return Vec::new();
        };
        let mut out: Vec<String> = std::fs::read_dir(p)
            .into_iter()
            .flatten()
            .flatten()
            .filter(|e| e.file_type().is_ok_and(|t| !t.is_dir()))
            .filter_map(|e| {
                Some(format!(
                    "{}/{}",
                    dir.trim_end_matches('/'),
                    e.file_name().to_str()?
                ))
            })
            .take(crate::servers::conf_files::MAX_FILES)
            .collect();
        out.sort();
        out
    }

    fn stock_in(&self, _dir: &str) -> Vec<(String, conf::Text)> {
        Vec::new()
    }

    fn harmless_stock(&self, path: &str) -> bool {
        // The platform's own files: MIME types, and the proxy and health
        // configuration it writes under conf.d (no keep-alive).
        path.starts_with("/etc/nginx/")
    }
}

/// The keep-alive timeout of the port-80 server of an Elastic Beanstalk
/// `.platform/nginx/nginx.conf` (which replaces the platform's), read with
/// the files of its `.platform/nginx` directory that it includes.
pub fn platform_keepalive(
    main: std::sync::Arc<crate::source::SourceFile>,
    root: &std::path::Path,
) -> Setting<Seconds> {
    let dir = main
        .path
        .parent()
        .map(std::path::Path::to_path_buf)
        .unwrap_or_default();
    let files = PlatformDir { dir: &dir, root };
    let shown = main.display.clone();
    let start = crate::source::Location::new(&main, 0..0);
    let unreadable = |p: conf::Problem| {
        Setting::unresolved(
            format!("{shown}: {}", p.reason),
            p.at.or_else(|| Some(start.clone())),
        )
    };
    let directives = match conf::load(
        &files,
        &conf::SYNTAX,
        "/etc/nginx",
        conf::Text::File(main.clone()),
    ) {
        Ok(d) => d,
        Err(p) => return unreadable(p),
    };
    match super::effective(&directives, Some(80)) {
        Ok((v, conf::Place::File(at))) => Setting::explicit(v, at),
        Ok((v, conf::Place::Stock(what))) => Setting::default(v, what, Some(start)),
        Err(p) => unreadable(p),
    }
}
