//! Configuration files read from an image (nginx, Apache httpd): the
//! words and blocks of a parsed file with where each was written, and the
//! bounded following of include directives through the image's files
//! ([`Files`]): includes nest to a bounded depth, a configuration reads a
//! bounded number of files, and blocks nest to a bounded depth, so no input
//! makes reading unbounded.

use crate::source::{Location, SourceFile};
use std::sync::Arc;

/// How deep `include`s may nest (a file including itself stops here).
pub(crate) const MAX_INCLUDE_DEPTH: usize = 8;
/// How many files one configuration may read in all.
pub(crate) const MAX_FILES: usize = 64;
/// How deep blocks may nest, across includes.
pub(crate) const MAX_BLOCK_DEPTH: usize = 64;

/// Where a word was read: a file of the build context, or a stock file of
/// a base image that keepalign knows without reading (its description).
#[derive(Clone, Debug)]
pub(crate) enum Place {
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
pub(crate) struct Arg {
    /// The word with quotes removed and escapes applied.
    pub text: String,
    pub place: Place,
}

#[derive(Clone, Debug)]
pub(crate) struct Directive {
    pub name: String,
    pub args: Vec<Arg>,
    /// The `{ … }` block, when the directive has one.
    pub block: Option<Vec<Directive>>,
    pub place: Place,
}

/// A block directive's name, arguments and place, while its block is read.
pub(crate) type Head = (String, Vec<Arg>, Place);

/// A configuration keepalign cannot read, and where.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Problem {
    pub reason: String,
    pub at: Option<Location>,
}

impl Problem {
    pub fn new(reason: impl Into<String>, at: Option<Location>) -> Problem {
        Problem {
            reason: reason.into(),
            at,
        }
    }
}

/// The text to parse: a file, or a stock file's text.
#[derive(Clone, Debug)]
pub(crate) enum Text {
    File(Arc<SourceFile>),
    Stock {
        text: &'static str,
        what: &'static str,
    },
}

impl Text {
    pub fn text(&self) -> &str {
        match self {
            Text::File(f) => &f.text,
            Text::Stock { text, .. } => text,
        }
    }

    pub fn place(&self, span: std::ops::Range<usize>) -> Place {
        match self {
            Text::File(f) => Place::File(Location::new(f, span)),
            Text::Stock { what, .. } => Place::Stock(what),
        }
    }

    pub fn at(&self, offset: usize) -> Option<Location> {
        match self {
            Text::File(f) => Some(Location::char_at(f, offset)),
            Text::Stock { .. } => None,
        }
    }
}

/// The image's files as the configuration sees them.
pub(crate) trait Files {
    /// The file at an absolute image path: `Ok(None)` when nothing in the
    /// build brings it (the base image may hold it).
    fn read(&self, path: &str) -> Result<Option<Arc<SourceFile>>, Problem>;
    /// The image paths of the files directly in `dir` that the build brings.
    fn list(&self, dir: &str) -> Vec<String>;
    /// Files a base image brings into `dir` that keepalign knows (the
    /// official nginx image's stock `conf.d/default.conf`), or that its
    /// entrypoint writes there, as (path, text).
    fn stock_in(&self, dir: &str) -> Vec<(String, Text)>;
    /// Whether a file no COPY brings is a stock file of the server's
    /// packages that sets no timeout (nginx's `mime.types`, ...).
    fn harmless_stock(&self, path: &str) -> bool;
}

/// A configuration file of an image built here, for a [`Files`]: a file
/// keepalign cannot follow into the image is a problem naming the path.
pub(crate) fn read_from_image(
    files: &crate::image_files::ImageFiles<'_>,
    path: &str,
) -> Result<Option<Arc<SourceFile>>, Problem> {
    match files.read(path) {
        Ok(f) => Ok(f.map(|f| f.file)),
        Err((why, at)) => Err(Problem::new(format!("{path}: {why}"), Some(at))),
    }
}

/// How a server's configuration is written.
pub(crate) struct Syntax {
    /// The server, for messages: "nginx", "httpd".
    pub server: &'static str,
    pub parse: fn(&Text) -> Result<Vec<Directive>, Problem>,
    /// Whether a directive includes files: `Some(optional)` when it does
    /// (`IncludeOptional` skips what is missing).
    pub include: fn(&Directive) -> Option<bool>,
}

/// Read `main` and every file it includes, with the includes replaced by
/// what they include; relative include paths are relative to `prefix`.
pub(crate) fn load(
    files: &dyn Files,
    syntax: &Syntax,
    prefix: &str,
    main: Text,
) -> Result<Vec<Directive>, Problem> {
    let mut loader = Loader {
        files,
        syntax,
        prefix: prefix.to_string(),
        read: 1,
    };
    let parsed = (syntax.parse)(&main)?;
    loader.expand(parsed, 0, 0)
}

struct Loader<'f> {
    files: &'f dyn Files,
    syntax: &'f Syntax,
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
            if let (Some(optional), None) = ((self.syntax.include)(&d), &d.block) {
                out.extend(self.include(&d, optional, includes, blocks)?);
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
        optional: bool,
        includes: usize,
        blocks: usize,
    ) -> Result<Vec<Directive>, Problem> {
        let at = d.place.location().cloned();
        let [arg] = d.args.as_slice() else {
            return Err(Problem::new(
                format!("an `{}` directive does not have exactly one path", d.name),
                at,
            ));
        };
        if includes >= MAX_INCLUDE_DEPTH {
            return Err(Problem::new(
                format!(
                    "includes nest more than {MAX_INCLUDE_DEPTH} deep (`{} {}`)",
                    d.name, arg.text
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
                        "`{} {}` has a wildcard in a directory name, which keepalign does not \
                         follow",
                        d.name, arg.text
                    ),
                    at,
                ));
            }
            let glob = globset::GlobBuilder::new(pattern)
                .literal_separator(true)
                .build()
                .map_err(|e| Problem::new(format!("`{} {}`: {e}", d.name, arg.text), at.clone()))?
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
            // Matches are included in name order (nginx: glob(3) sorts
            // them; httpd sorts them too).
            texts.sort_by(|a, b| a.0.cmp(&b.0));
        } else {
            match self.files.read(&path) {
                Ok(Some(f)) => texts.push((path.clone(), Text::File(f))),
                Ok(None) => {
                    let stock = self
                        .files
                        .stock_in(parent(&path))
                        .into_iter()
                        .find(|(p, _)| *p == path);
                    // httpd includes every file of a directory it names.
                    let mut listed = self.files.list(&path);
                    listed.sort();
                    if let Some((_, text)) = stock {
                        texts.push((path.clone(), text));
                    } else if !listed.is_empty() {
                        for p in listed {
                            if let Some(f) = self.files.read(&p)? {
                                texts.push((p, Text::File(f)));
                            }
                        }
                    } else if !optional && !self.files.harmless_stock(&path) {
                        return Err(Problem::new(
                            format!(
                                "{} includes {path}, which nothing in the Dockerfile brings into \
                                 the image, so it comes from the base image and keepalign cannot \
                                 read it; COPY it from the build context",
                                self.syntax.server
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
            let parsed = (self.syntax.parse)(&text)?;
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

/// Random configurations built from syntax-significant pieces: neither
/// parser panics, and following includes stays bounded.
#[cfg(test)]
pub(crate) fn random_configurations_never_panic(syntax: &Syntax) {
    const PIECES: &[&str] = &[
        "http",
        "server",
        "{",
        "}",
        ";",
        "\"",
        "'",
        "\\",
        "\n",
        " ",
        "#",
        "$",
        "${",
        "include",
        "Include",
        "IncludeOptional",
        "*.conf",
        "a.conf",
        "<VirtualHost",
        "*:80>",
        "</VirtualHost>",
        "<IfModule",
        ">",
        "keepalive_timeout",
        "KeepAliveTimeout",
        "15s",
        "é",
        "日本",
        "\\\n",
        "listen",
        "127.0.0.1:80",
        "[::]:",
        "location",
        "0",
    ];
    let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |n: usize| {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        (seed % n as u64) as usize
    };
    for _ in 0..2000 {
        let text: String = (0..next(40)).map(|_| PIECES[next(PIECES.len())]).collect();
        let mut m = memory::Memory::default();
        m.files.insert(
            "/c/a.conf".into(),
            SourceFile::new("a.conf".into(), text.clone()),
        );
        m.files.insert(
            "/c/main.conf".into(),
            SourceFile::new(
                "main.conf".into(),
                text.clone() + "\ninclude a.conf;\nInclude *.conf\n",
            ),
        );
        let main = Text::File(SourceFile::new("main.conf".into(), text.clone()));
        let _ = load(&m, syntax, "/c", main);
        let main = Text::File(SourceFile::new(
            "m.conf".into(),
            "include main.conf;\nInclude main.conf\n".into(),
        ));
        let _ = load(&m, syntax, "/c", main);
    }
}

/// An image whose files are in memory, for tests.
#[cfg(test)]
pub(crate) mod memory {
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
}
