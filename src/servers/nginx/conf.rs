//! nginx configuration files as nginx reads them (`src/core/ngx_conf_file.c`,
//! `ngx_conf_read_token` and `ngx_conf_include`, nginx 1.27): directives
//! are words separated by white space and ended by `;`, or followed by a
//! `{ … }` block; `#` at the start of a word comments to the end of the
//! line; `"…"` and `'…'` quote a word (with `\"`, `\'`, `\\`, `\t`, `\r`,
//! `\n` escapes); `${name}` inside a word does not open a block.
//! `include` may appear in any block, takes one path (relative paths are
//! relative to the directory of the main configuration file, the
//! "configuration prefix") and may be a glob (no match is not an error).
//!
//! Files come from the image through [`Files`]; includes are followed to
//! a bounded depth and number of files, and blocks nest to a bounded depth,
//! so no input makes reading unbounded.

use crate::source::{Location, SourceFile};
use std::sync::Arc;

/// How deep `include`s may nest (a file including itself stops here).
pub(super) const MAX_INCLUDE_DEPTH: usize = 8;
/// How many files one configuration may read in all.
pub(super) const MAX_FILES: usize = 64;
/// How deep blocks may nest, across includes.
const MAX_BLOCK_DEPTH: usize = 64;

/// Where a word was read: a file of the build context, or a stock file of
/// a base image that keepalign knows without reading (its description).
#[derive(Clone, Debug)]
pub(super) enum Place {
    File(Location),
    Stock(&'static str),
}

impl Place {
    pub fn location(&self) -> Option<&Location> {
        match self {
            Place::File(l) => Some(l),
            Place::Stock(_) => None,
        }
    }

    /// For messages: `file:line`, or the stock file's description.
    pub fn show(&self) -> String {
        match self {
            Place::File(l) => format!("{}:{}", l.file.display, l.start().0),
            Place::Stock(s) => (*s).to_string(),
        }
    }
}

#[derive(Clone, Debug)]
pub(super) struct Arg {
    /// The word with quotes removed and escapes applied.
    pub text: String,
    pub place: Place,
}

#[derive(Clone, Debug)]
pub(super) struct Directive {
    pub name: String,
    pub args: Vec<Arg>,
    /// The `{ … }` block, when the directive has one.
    pub block: Option<Vec<Directive>>,
    pub place: Place,
}

/// A configuration keepalign cannot read, and where.
#[derive(Clone, Debug, PartialEq)]
pub(super) struct Problem {
    pub reason: String,
    pub at: Option<Location>,
}

impl Problem {
    fn new(reason: impl Into<String>, at: Option<Location>) -> Problem {
        Problem {
            reason: reason.into(),
            at,
        }
    }
}

/// The text to parse: a file, or a stock file's text.
#[derive(Clone, Debug)]
pub(super) enum Text {
    File(Arc<SourceFile>),
    Stock {
        text: &'static str,
        what: &'static str,
    },
}

impl Text {
    fn text(&self) -> &str {
        match self {
            Text::File(f) => &f.text,
            Text::Stock { text, .. } => text,
        }
    }

    fn place(&self, span: std::ops::Range<usize>) -> Place {
        match self {
            Text::File(f) => Place::File(Location::new(f, span)),
            Text::Stock { what, .. } => Place::Stock(what),
        }
    }

    fn at(&self, offset: usize) -> Option<Location> {
        match self {
            Text::File(f) => Some(Location::char_at(f, offset)),
            Text::Stock { .. } => None,
        }
    }
}

enum Token {
    Word(Arg),
    Semicolon(usize),
    Open(usize),
    Close(usize),
}

/// Split `src` into nginx tokens.
fn tokens(src: &Text) -> Result<Vec<Token>, Problem> {
    let text = src.text();
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b if b.is_ascii_whitespace() => i += 1,
            b'#' => {
                while i < bytes.len() && bytes[i] != b'\n' {
                    i += 1;
                }
            }
            b';' => {
                out.push(Token::Semicolon(i));
                i += 1;
            }
            b'{' => {
                out.push(Token::Open(i));
                i += 1;
            }
            b'}' => {
                out.push(Token::Close(i));
                i += 1;
            }
            q @ (b'"' | b'\'') => {
                let start = i;
                i += 1;
                let mut word = Vec::new();
                loop {
                    let Some(&b) = bytes.get(i) else {
                        return Err(Problem::new(
                            "a quoted string is not closed before the end of the file",
                            src.at(start),
                        ));
                    };
                    if b == q {
                        i += 1;
                        break;
                    }
                    if b == b'\\' && i + 1 < bytes.len() {
                        let e = bytes[i + 1];
                        match e {
                            b'"' | b'\'' | b'\\' => word.push(e),
                            b't' => word.push(b'\t'),
                            b'r' => word.push(b'\r'),
                            b'n' => word.push(b'\n'),
                            _ => word.extend_from_slice(&[b, e]),
                        }
                        i += 2;
                        continue;
                    }
                    word.push(b);
                    i += 1;
                }
                out.push(Token::Word(Arg {
                    text: String::from_utf8_lossy(&word).into_owned(),
                    place: src.place(start..i),
                }));
            }
            _ => {
                // A word ends at white space, `;` or `{` (not the one of
                // `${name}`); `}` and quotes inside it are part of it, and
                // `\` keeps the next character in it.
                let start = i;
                while i < bytes.len() {
                    let b = bytes[i];
                    if b.is_ascii_whitespace() || b == b';' || b == b'{' {
                        break;
                    }
                    if b == b'\\' || b == b'$' && bytes.get(i + 1) == Some(&b'{') {
                        i += 1;
                    }
                    i += 1;
                }
                i = i.min(bytes.len());
                out.push(Token::Word(Arg {
                    text: text[start..i].to_string(),
                    place: src.place(start..i),
                }));
            }
        }
    }
    Ok(out)
}

/// A block directive's name, arguments and place, while its block is read.
type Head = (String, Vec<Arg>, Place);

/// Parse one file into its directives (includes not followed).
pub(super) fn parse(src: &Text) -> Result<Vec<Directive>, Problem> {
    // Each level: the directives read so far, and the directive whose
    // block it is.
    let mut stack: Vec<(Vec<Directive>, Option<Head>)> = vec![(Vec::new(), None)];
    let mut words: Vec<Arg> = Vec::new();
    for t in tokens(src)? {
        match t {
            Token::Word(a) => words.push(a),
            Token::Semicolon(at) => {
                if words.is_empty() {
                    return Err(Problem::new("unexpected `;`", src.at(at)));
                }
                let mut w = std::mem::take(&mut words).into_iter();
                let name = w.next().map(|a| (a.text, a.place));
                if let (Some((name, place)), Some(level)) = (name, stack.last_mut()) {
                    level.0.push(Directive {
                        name,
                        args: w.collect(),
                        block: None,
                        place,
                    });
                }
            }
            Token::Open(at) => {
                if words.is_empty() {
                    return Err(Problem::new("unexpected `{`", src.at(at)));
                }
                if stack.len() > MAX_BLOCK_DEPTH {
                    return Err(Problem::new(
                        format!("blocks nest more than {MAX_BLOCK_DEPTH} deep"),
                        src.at(at),
                    ));
                }
                let mut w = std::mem::take(&mut words).into_iter();
                let head = w.next().map(|a| (a.text, w.collect(), a.place));
                stack.push((Vec::new(), head));
            }
            Token::Close(at) => {
                if !words.is_empty() || stack.len() < 2 {
                    return Err(Problem::new("unexpected `}`", src.at(at)));
                }
                let Some((block, Some((name, args, place)))) = stack.pop() else {
                    return Err(Problem::new("unexpected `}`", src.at(at)));
                };
                if let Some(level) = stack.last_mut() {
                    level.0.push(Directive {
                        name,
                        args,
                        block: Some(block),
                        place,
                    });
                }
            }
        }
    }
    let end = src.text().len();
    if !words.is_empty() {
        return Err(Problem::new(
            "unexpected end of file, expecting `;` or `}`",
            src.at(end),
        ));
    }
    if stack.len() != 1 {
        return Err(Problem::new(
            "unexpected end of file, expecting `}`",
            src.at(end),
        ));
    }
    Ok(stack.pop().map(|l| l.0).unwrap_or_default())
}

/// The image's files as the configuration sees them.
pub(super) trait Files {
    /// The file at an absolute image path: `Ok(None)` when nothing in the
    /// build brings it (the base image may hold it).
    fn read(&self, path: &str) -> Result<Option<Arc<SourceFile>>, Problem>;
    /// The image paths of the files directly in `dir` that the build brings.
    fn list(&self, dir: &str) -> Vec<String>;
    /// Files a base image brings into `dir` that keepalign knows (the
    /// official image's stock `conf.d/default.conf`), as (path, text).
    fn stock_in(&self, dir: &str) -> Vec<(String, Text)>;
    /// Whether a file no COPY brings is a stock file of the nginx packages
    /// that sets no timeout (`mime.types`, `fastcgi_params`, ...).
    fn harmless_stock(&self, path: &str) -> bool;
}

/// Read `main` (at image path `path`) and every file it includes, with the
/// includes replaced by what they include.
pub(super) fn load(files: &dyn Files, path: &str, main: Text) -> Result<Vec<Directive>, Problem> {
    let prefix = match path.rfind('/') {
        Some(0) | None => "/".to_string(),
        Some(i) => path[..i].to_string(),
    };
    let mut loader = Loader {
        files,
        prefix,
        read: 1,
    };
    let parsed = parse(&main)?;
    loader.expand(parsed, 0, 0)
}

struct Loader<'f> {
    files: &'f dyn Files,
    prefix: String,
    read: usize,
}

impl Loader<'_> {
    fn expand(
        &mut self,
        directives: Vec<Directive>,
        includes: usize,
        blocks: usize,
    ) -> Result<Vec<Directive>, Problem> {
        if blocks > MAX_BLOCK_DEPTH {
            return Err(Problem::new(
                format!("blocks nest more than {MAX_BLOCK_DEPTH} deep across included files"),
                None,
            ));
        }
        let mut out = Vec::with_capacity(directives.len());
        for mut d in directives {
            if d.name == "include" && d.block.is_none() {
                out.extend(self.include(&d, includes, blocks)?);
                continue;
            }
            if let Some(block) = d.block.take() {
                d.block = Some(self.expand(block, includes, blocks + 1)?);
            }
            out.push(d);
        }
        Ok(out)
    }

    fn include(
        &mut self,
        d: &Directive,
        includes: usize,
        blocks: usize,
    ) -> Result<Vec<Directive>, Problem> {
        let at = d.place.location().cloned();
        let [arg] = d.args.as_slice() else {
            return Err(Problem::new(
                "an `include` directive does not have exactly one path",
                at,
            ));
        };
        if includes >= MAX_INCLUDE_DEPTH {
            return Err(Problem::new(
                format!(
                    "includes nest more than {MAX_INCLUDE_DEPTH} deep (`include {}`)",
                    arg.text
                ),
                at,
            ));
        }
        let path = crate::image_files::absolute(&self.prefix, &arg.text);
        let mut texts: Vec<(String, Text)> = Vec::new();
        if arg.text.contains(['*', '?', '[']) {
            let (dir, pattern) = path.rsplit_once('/').unwrap_or(("/", &path));
            let dir = if dir.is_empty() { "/" } else { dir };
            if dir.contains(['*', '?', '[']) {
                return Err(Problem::new(
                    format!(
                        "`include {}` has a wildcard in a directory name, which keepalign does \
                         not follow",
                        arg.text
                    ),
                    at,
                ));
            }
            let glob = globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| Problem::new(format!("`include {}`: {e}", arg.text), at.clone()))?
                .compile_matcher();
            let name_of = |p: &str| p.rsplit('/').next().unwrap_or(p).to_string();
            let mut matched: Vec<String> = self
                .files
                .list(dir)
                .into_iter()
                .filter(|p| glob.is_match(name_of(p)))
                .collect();
            for (p, text) in self.files.stock_in(dir) {
                if glob.is_match(name_of(&p)) && !matched.contains(&p) {
                    texts.push((p, text));
                }
            }
            matched.sort();
            for p in matched {
                match self.files.read(&p)? {
                    Some(f) => texts.push((p, Text::File(f))),
                    None => continue,
                }
            }
            // nginx includes matches in name order (glob(3) sorts them).
            texts.sort_by(|a, b| a.0.cmp(&b.0));
        } else {
            match self.files.read(&path) {
                Ok(Some(f)) => texts.push((path.clone(), Text::File(f))),
                Ok(None) => {
                    if let Some((_, text)) = self
                        .files
                        .stock_in(parent(&path))
                        .into_iter()
                        .find(|(p, _)| *p == path)
                    {
                        texts.push((path.clone(), text));
                    } else if !self.files.harmless_stock(&path) {
                        return Err(Problem::new(
                            format!(
                                "nginx includes {path}, which nothing in the Dockerfile brings \
                                 into the image, so it comes from the base image and keepalign \
                                 cannot read it; COPY it from the build context"
                            ),
                            at,
                        ));
                    }
                }
                Err(p) => return Err(p),
            }
        }
        let mut out = Vec::new();
        for (_, text) in texts {
            self.read += 1;
            if self.read > MAX_FILES {
                return Err(Problem::new(
                    format!("the configuration includes more than {MAX_FILES} files"),
                    at,
                ));
            }
            let parsed = parse(&text)?;
            out.extend(self.expand(parsed, includes + 1, blocks)?);
        }
        Ok(out)
    }
}

fn parent(p: &str) -> &str {
    match p.rfind('/') {
        Some(0) | None => "/",
        Some(i) => &p[..i],
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    /// An image whose files are in memory.
    #[derive(Default)]
    pub(crate) struct Memory {
        pub files: BTreeMap<String, Arc<SourceFile>>,
        pub stock: Vec<(String, &'static str)>,
    }

    impl Memory {
        pub fn with(files: &[(&str, &str)]) -> Memory {
            let mut m = Memory::default();
            for (p, t) in files {
                m.files.insert(
                    p.to_string(),
                    SourceFile::new(PathBuf::from(format!("ctx{p}")), t.to_string()),
                );
            }
            m
        }
    }

    impl Files for Memory {
        fn read(&self, path: &str) -> Result<Option<Arc<SourceFile>>, Problem> {
            if path.contains("unknown") {
                return Err(Problem::new(
                    format!("{path} may be copied from elsewhere"),
                    None,
                ));
            }
            Ok(self.files.get(path).cloned())
        }
        fn list(&self, dir: &str) -> Vec<String> {
            self.files
                .keys()
                .filter(|p| parent(p) == dir)
                .cloned()
                .collect()
        }
        fn stock_in(&self, dir: &str) -> Vec<(String, Text)> {
            self.stock
                .iter()
                .filter(|(p, _)| parent(p) == dir)
                .map(|(p, t)| {
                    (
                        p.clone(),
                        Text::Stock {
                            text: t,
                            what: "stock",
                        },
                    )
                })
                .collect()
        }
        fn harmless_stock(&self, path: &str) -> bool {
            path.ends_with("mime.types")
        }
    }

    fn file(text: &str) -> Text {
        Text::File(SourceFile::new(PathBuf::from("nginx.conf"), text.into()))
    }

    fn line(p: &Place) -> usize {
        p.location().map_or(0, |l| l.start().0)
    }

    #[test]
    fn words_quotes_comments_and_blocks() {
        let src = file(
            "# main\nhttp {\n  log_format main '$remote_addr \"x\"' \"a\\\"b\"; # c\n  server { listen 80; location ~ \"^/a{2}$\" { return 200 a}b; } }\n  map ${host} $x { default 1; }\n}\n",
        );
        let d = parse(&src).unwrap();
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].name, "http");
        let http = d[0].block.as_ref().unwrap();
        assert_eq!(http[0].name, "log_format");
        let args: Vec<&str> = http[0].args.iter().map(|a| a.text.as_str()).collect();
        assert_eq!(args, ["main", "$remote_addr \"x\"", "a\"b"]);
        assert_eq!(line(&http[0].place), 3);
        let server = http[1].block.as_ref().unwrap();
        assert_eq!(line(&http[1].place), 4);
        assert_eq!(server[0].name, "listen");
        assert_eq!(server[1].name, "location");
        assert_eq!(server[1].args[1].text, "^/a{2}$");
        let location = server[1].block.as_ref().unwrap();
        // `}` inside a word is part of it, as nginx reads it.
        assert_eq!(location[0].args[1].text, "a}b");
        assert_eq!(http[2].name, "map");
        assert_eq!(http[2].args[0].text, "${host}");
        assert_eq!(http[2].block.as_ref().unwrap()[0].name, "default");
    }

    #[test]
    fn syntax_errors_are_problems_with_a_line() {
        for (text, want, at) in [
            ("http {\n", "expecting `}`", 2),
            ("http { }\n}\n", "unexpected `}`", 2),
            ("keepalive_timeout 5\n", "expecting `;`", 2),
            ("a 'b;\n", "not closed", 1),
            ("\n;\n", "unexpected `;`", 2),
        ] {
            let e = parse(&file(text)).unwrap_err();
            assert!(e.reason.contains(want), "{text}: {}", e.reason);
            assert_eq!(e.at.map(|l| l.start().0), Some(at), "{text}");
        }
        let deep = "a {".repeat(100) + &"}".repeat(100);
        assert!(parse(&file(&deep)).unwrap_err().reason.contains("nest"));
    }

    #[test]
    fn includes_are_followed_relative_to_the_main_file() {
        let m = Memory::with(&[
            ("/etc/nginx/conf.d/b.conf", "server { listen 81; }"),
            ("/etc/nginx/conf.d/a.conf", "server { listen 80; }"),
            ("/etc/nginx/conf.d/x.txt", "nope;"),
            ("/etc/nginx/snippets/ka.conf", "keepalive_timeout 30;"),
        ]);
        let main = file(
            "http { include mime.types; include conf.d/*.conf; include /etc/nginx/snippets/ka.conf; }",
        );
        let d = load(&m, "/etc/nginx/nginx.conf", main).unwrap();
        let http = d[0].block.as_ref().unwrap();
        let names: Vec<String> = http
            .iter()
            .map(|d| match &d.block {
                Some(b) => format!("{} {}", d.name, b[0].args[0].text),
                None => format!("{} {}", d.name, d.args[0].text),
            })
            .collect();
        assert_eq!(names, ["server 80", "server 81", "keepalive_timeout 30"]);
        assert_eq!(
            http[2].place.location().unwrap().file.display,
            "ctx/etc/nginx/snippets/ka.conf"
        );
    }

    #[test]
    fn unreadable_and_unbounded_includes_are_problems() {
        let m = Memory::with(&[("/etc/nginx/loop.conf", "include loop.conf;")]);
        let e = load(&m, "/etc/nginx/nginx.conf", file("include loop.conf;")).unwrap_err();
        assert!(e.reason.contains("nest more than 8"), "{}", e.reason);
        let e = load(&m, "/etc/nginx/nginx.conf", file("include proxy.conf;")).unwrap_err();
        assert!(
            e.reason
                .contains("/etc/nginx/proxy.conf, which nothing in the Dockerfile brings"),
            "{}",
            e.reason
        );
        let e = load(
            &m,
            "/etc/nginx/nginx.conf",
            file("include /unknown/x.conf;"),
        )
        .unwrap_err();
        assert!(e.reason.contains("may be copied"), "{}", e.reason);
        let e = load(&m, "/etc/nginx/nginx.conf", file("include /a/*/x.conf;")).unwrap_err();
        assert!(e.reason.contains("wildcard in a directory"), "{}", e.reason);
        // Many files, each including the next few: the count is bounded.
        let mut many = Vec::new();
        for i in 0..100 {
            many.push((format!("/c/{i:03}.conf"), "x 1;".to_string()));
        }
        let refs: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let m = Memory::with(&refs);
        let e = load(&m, "/etc/nginx/nginx.conf", file("include /c/*.conf;")).unwrap_err();
        assert!(e.reason.contains("more than 64 files"), "{}", e.reason);
    }

    #[test]
    fn stock_files_of_the_base_image_join_a_glob() {
        let mut m = Memory::with(&[("/etc/nginx/conf.d/app.conf", "server { listen 8080; }")]);
        m.stock.push((
            "/etc/nginx/conf.d/default.conf".into(),
            "server { listen 80; }",
        ));
        let d = load(&m, "/etc/nginx/nginx.conf", file("include conf.d/*.conf;")).unwrap();
        assert_eq!(d.len(), 2);
        // In name order, as nginx includes a glob's matches.
        assert_eq!(d[0].block.as_ref().unwrap()[0].args[0].text, "8080");
        assert!(matches!(d[1].place, Place::Stock("stock")));
        // A COPY over the stock file replaces it.
        m.files.insert(
            "/etc/nginx/conf.d/default.conf".into(),
            SourceFile::new(PathBuf::from("d"), "server { listen 9000; }".into()),
        );
        let d = load(&m, "/etc/nginx/nginx.conf", file("include conf.d/*.conf;")).unwrap();
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| matches!(d.place, Place::File(_))));
    }
}
