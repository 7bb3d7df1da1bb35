//! Apache httpd configuration files as httpd reads them (`server/config.c`
//! `ap_build_config`, `server/util.c` `ap_cfg_getline` and
//! `ap_getword_conf`, httpd 2.4): one directive per line, a `\` at the end
//! of a line continuing it; a line whose first word starts with `#` is a
//! comment (there are no comments after a directive); words are separated
//! by white space or quoted with `"…"` or `'…'`; `<Section args>` …
//! `</Section>` nest. Directive and section names are case-insensitive
//! (kept lowercased here). `Include` and `IncludeOptional` take a path
//! relative to the ServerRoot, a glob, or a directory (every file in it).

pub(crate) use crate::servers::conf_files::{Arg, Directive, Files, Place, Problem, Text, load};
use crate::servers::conf_files::{Head, MAX_BLOCK_DEPTH};

/// httpd's configuration syntax and includes.
pub(crate) const SYNTAX: crate::servers::conf_files::Syntax = crate::servers::conf_files::Syntax {
    server: "httpd",
    parse,
    include: |d| match d.name.as_str() {
        "include" => Some(false),
        "includeoptional" => Some(true),
        _ => None,
    },
};

/// The words of the logical line starting at `start`, and where it ends.
fn line_words(src: &Text, start: usize) -> Result<(Vec<Arg>, usize), Problem> {
    let bytes = src.text().as_bytes();
    let mut words = Vec::new();
    let mut i = start;
    loop {
        // White space, and `\` + newline (a continued line).
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => return Ok((words, i + 1)),
                b'\\' if bytes.get(i + 1) == Some(&b'\n') => i += 2,
                b'\\' if bytes.get(i + 1) == Some(&b'\r') && bytes.get(i + 2) == Some(&b'\n') => {
                    i += 3
                }
                b if b.is_ascii_whitespace() => i += 1,
                _ => break,
            }
        }
        if i >= bytes.len() {
            return Ok((words, i));
        }
        let begin = i;
        let mut word = Vec::new();
        if let q @ (b'"' | b'\'') = bytes[i] {
            i += 1;
            loop {
                match bytes.get(i) {
                    None | Some(b'\n') => {
                        return Err(Problem::new(
                            "a quoted string is not closed on its line",
                            src.at(begin),
                        ));
                    }
                    Some(&b) if b == q => {
                        i += 1;
                        break;
                    }
                    Some(b'\\') if bytes.get(i + 1) == Some(&q) => {
                        word.push(q);
                        i += 2;
                    }
                    Some(&b) => {
                        word.push(b);
                        i += 1;
                    }
                }
            }
        } else {
            while i < bytes.len() && !bytes[i].is_ascii_whitespace() {
                if bytes[i] == b'\\' && matches!(bytes.get(i + 1), Some(b'\n' | b'\r')) {
                    break;
                }
                word.push(bytes[i]);
                i += 1;
            }
        }
        words.push(Arg {
            text: String::from_utf8_lossy(&word).into_owned(),
            place: src.place(begin..i),
        });
    }
}

/// Parse one file into its directives and sections (includes not followed).
pub(super) fn parse(src: &Text) -> Result<Vec<Directive>, Problem> {
    // Each level: what was read in it, and the section it is.
    let mut stack: Vec<(Vec<Directive>, Option<Head>)> = vec![(Vec::new(), None)];
    let mut at = 0;
    let len = src.text().len();
    while at < len {
        let (mut words, next) = line_words(src, at)?;
        at = next;
        let Some(first) = words.first() else {
            continue;
        };
        if first.text.starts_with('#') {
            continue;
        }
        let place = first.place.clone();
        if let Some(name) = first.text.strip_prefix("</") {
            let name = name.trim_end_matches('>').to_ascii_lowercase();
            let open = stack.last().and_then(|l| l.1.as_ref()).map(|h| h.0.clone());
            if open.as_deref() != Some(name.as_str()) {
                return Err(Problem::new(
                    format!("`</{name}>` closes no open <{name}> section"),
                    place.location().cloned(),
                ));
            }
            let Some((block, Some((name, args, place)))) = stack.pop() else {
                continue;
            };
            if let Some(level) = stack.last_mut() {
                level.0.push(Directive {
                    name,
                    args,
                    block: Some(block),
                    place,
                });
            }
            continue;
        }
        if let Some(name) = first.text.strip_prefix('<') {
            if stack.len() > MAX_BLOCK_DEPTH {
                return Err(Problem::new(
                    format!("sections nest more than {MAX_BLOCK_DEPTH} deep"),
                    place.location().cloned(),
                ));
            }
            let name = name.trim_end_matches('>').to_ascii_lowercase();
            let mut args: Vec<Arg> = words.drain(1..).collect();
            if let Some(last) = args.last_mut() {
                last.text = last.text.trim_end_matches('>').to_string();
            }
            args.retain(|a| !a.text.is_empty());
            stack.push((Vec::new(), Some((name, args, place))));
            continue;
        }
        let name = first.text.to_ascii_lowercase();
        let args = words.drain(1..).collect();
        if let Some(level) = stack.last_mut() {
            level.0.push(Directive {
                name,
                args,
                block: None,
                place,
            });
        }
    }
    if let Some((_, Some((name, _, place)))) = stack.last() {
        return Err(Problem::new(
            format!("the <{name}> section is not closed"),
            place.location().cloned(),
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
        Text::File(SourceFile::new(PathBuf::from("httpd.conf"), text.into()))
    }

    fn line(p: &Place) -> usize {
        p.location().map_or(0, |l| l.start().0)
    }

    #[test]
    fn lines_sections_quotes_and_continuations() {
        let d = parse(&file(
            "# comment\nServerRoot \"/usr/local/apache2\"\n  KeepAliveTimeout \\\n   15\n<IfModule mod_ssl.c>\n<VirtualHost *:8080>\n  Timeout 30\n</VirtualHost>\n</ifmodule>\nLogFormat \"%h \\\"%r\\\"\" combined\n",
        ))
        .unwrap();
        let names: Vec<&str> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(
            names,
            ["serverroot", "keepalivetimeout", "ifmodule", "logformat"]
        );
        assert_eq!(d[0].args[0].text, "/usr/local/apache2");
        assert_eq!(d[1].args[0].text, "15");
        assert_eq!(line(&d[1].args[0].place), 4);
        let vhost = &d[2].block.as_ref().unwrap()[0];
        assert_eq!(vhost.name, "virtualhost");
        assert_eq!(vhost.args[0].text, "*:8080");
        let inner = vhost.block.as_ref().unwrap();
        assert_eq!(
            (inner[0].name.as_str(), line(&inner[0].place)),
            ("timeout", 7)
        );
        assert_eq!(d[3].args[0].text, "%h \"%r\"");
    }

    #[test]
    fn unbalanced_sections_are_problems() {
        for (text, want, at) in [
            ("<VirtualHost *:80>\nTimeout 5\n", "not closed", 1),
            ("Timeout 5\n</VirtualHost>\n", "closes no open", 2),
            ("<IfModule x>\n</VirtualHost>\n", "closes no open", 2),
            ("LogFormat \"%h\n", "not closed", 1),
        ] {
            let e = parse(&file(text)).unwrap_err();
            assert!(e.reason.contains(want), "{text}: {}", e.reason);
            assert_eq!(e.at.map(|l| l.start().0), Some(at), "{text}");
        }
        let deep = "<IfModule a>\n".repeat(100);
        assert!(parse(&file(&deep)).unwrap_err().reason.contains("nest"));
    }

    #[test]
    fn include_optional_directories_and_globs() {
        let m = Memory::with(&[
            (
                "/etc/apache2/sites-enabled/app.conf",
                "<VirtualHost *:80>\nKeepAliveTimeout 70\n</VirtualHost>\n",
            ),
            ("/etc/apache2/conf-enabled/tuning.conf", "Timeout 120\n"),
            ("/etc/apache2/extra/one.conf", "KeepAlive Off\n"),
        ]);
        let main = file(
            "IncludeOptional mods-enabled/*.load\nIncludeOptional conf-enabled/*.conf\nIncludeOptional sites-enabled/*.conf\nInclude extra\nIncludeOptional ports.conf\n",
        );
        let d = load(&m, &SYNTAX, "/etc/apache2", main).unwrap();
        let names: Vec<&str> = d.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, ["timeout", "virtualhost", "keepalive"]);
        let e = load(&m, &SYNTAX, "/etc/apache2", file("Include ports.conf\n")).unwrap_err();
        assert!(
            e.reason.contains("httpd includes /etc/apache2/ports.conf"),
            "{}",
            e.reason
        );
    }

    #[test]
    fn random_configurations_never_panic() {
        crate::servers::conf_files::random_configurations_never_panic(&SYNTAX);
    }
}
