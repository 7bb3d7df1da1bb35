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
//! Files come from the image through [`Files`], includes followed by
//! [`load`] with nginx's [`SYNTAX`].

pub(crate) use crate::servers::conf_files::{Arg, Directive, Files, Place, Problem, Text, load};
use crate::servers::conf_files::{Head, MAX_BLOCK_DEPTH};

/// nginx's configuration syntax and `include`.
pub(crate) const SYNTAX: crate::servers::conf_files::Syntax = crate::servers::conf_files::Syntax {
    server: "nginx",
    parse,
    include: |d| (d.name == "include").then_some(false),
};

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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::servers::conf_files::memory::Memory;
    use crate::source::SourceFile;
    use std::path::PathBuf;

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
        let d = load(&m, &SYNTAX, "/etc/nginx", main).unwrap();
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
        let e = load(&m, &SYNTAX, "/etc/nginx", file("include loop.conf;")).unwrap_err();
        assert!(e.reason.contains("nest more than 8"), "{}", e.reason);
        let e = load(&m, &SYNTAX, "/etc/nginx", file("include proxy.conf;")).unwrap_err();
        assert!(
            e.reason
                .contains("/etc/nginx/proxy.conf, which nothing in the Dockerfile brings"),
            "{}",
            e.reason
        );
        let e = load(&m, &SYNTAX, "/etc/nginx", file("include /unknown/x.conf;")).unwrap_err();
        assert!(e.reason.contains("may be copied"), "{}", e.reason);
        let e = load(&m, &SYNTAX, "/etc/nginx", file("include /a/*/x.conf;")).unwrap_err();
        assert!(e.reason.contains("wildcard in a directory"), "{}", e.reason);
        // Many files, each including the next few: the count is bounded.
        let mut many = Vec::new();
        for i in 0..100 {
            many.push((format!("/c/{i:03}.conf"), "x 1;".to_string()));
        }
        let refs: Vec<(&str, &str)> = many.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
        let m = Memory::with(&refs);
        let e = load(&m, &SYNTAX, "/etc/nginx", file("include /c/*.conf;")).unwrap_err();
        assert!(e.reason.contains("more than 64 files"), "{}", e.reason);
    }

    #[test]
    fn stock_files_of_the_base_image_join_a_glob() {
        let mut m = Memory::with(&[("/etc/nginx/conf.d/app.conf", "server { listen 8080; }")]);
        m.stock.push((
            "/etc/nginx/conf.d/default.conf".into(),
            "server { listen 80; }",
        ));
        let d = load(&m, &SYNTAX, "/etc/nginx", file("include conf.d/*.conf;")).unwrap();
        assert_eq!(d.len(), 2);
        // In name order, as nginx includes a glob's matches.
        assert_eq!(d[0].block.as_ref().unwrap()[0].args[0].text, "8080");
        assert!(matches!(d[1].place, Place::Stock("stock")));
        // A COPY over the stock file replaces it.
        m.files.insert(
            "/etc/nginx/conf.d/default.conf".into(),
            SourceFile::new(PathBuf::from("d"), "server { listen 9000; }".into()),
        );
        let d = load(&m, &SYNTAX, "/etc/nginx", file("include conf.d/*.conf;")).unwrap();
        assert_eq!(d.len(), 2);
        assert!(d.iter().all(|d| matches!(d.place, Place::File(_))));
    }

    #[test]
    fn random_configurations_never_panic() {
        crate::servers::conf_files::random_configurations_never_panic(&SYNTAX);
    }
}
