//! From a container's argv to the server's argv: shell-word splitting of
//! `sh -c` scripts (with byte ranges, so a flag value inside a script can be
//! pointed at) and peeling of the wrappers that sit in front of servers
//! (DOMAIN.md, "Wrappers").

use crate::model::Word;

/// The server's argv once wrappers are peeled off, with the environment
/// assignments the wrappers made on the way.
#[derive(Debug, Default)]
pub(crate) struct Peeled {
    pub argv: Vec<Word>,
    /// `env K=V`, `export K=V`, `K=V cmd`: name and value word, in order.
    pub assignments: Vec<(String, Word)>,
    /// `env -i` started from an empty environment.
    pub env_cleared: bool,
    /// argv came out of a shell script, so `$VAR` in it is expanded.
    pub shell: bool,
    /// Commands the script started in the background (`gunicorn app &`)
    /// before its last one: the server may be one of them when the last
    /// command is not a server.
    pub background: Vec<Vec<Word>>,
    /// The module `python -m MODULE` runs, when argv starts with it.
    pub python_module: Option<String>,
}

/// The last path component: `/usr/local/bin/gunicorn` → `gunicorn`.
pub(crate) fn basename(s: &str) -> &str {
    s.rsplit('/').next().unwrap_or(s)
}

/// Reads a script from the image by its path in the container: its text
/// as one word located in the file, `None` when the image does not hold it
/// (as far as keepalign can tell).
pub(crate) type ScriptReader<'a> = &'a dyn Fn(&str) -> Option<Word>;

/// How many scripts one command may lead through (`entrypoint.sh` running
/// `start.sh` running the server).
const MAX_SCRIPTS: usize = 8;

/// Where a program named without a slash is looked up: the `PATH` of the
/// official base images (Debian's default).
const PATH: &[&str] = &[
    "/usr/local/sbin",
    "/usr/local/bin",
    "/usr/sbin",
    "/usr/bin",
    "/sbin",
    "/bin",
];

/// Peel wrappers off `argv` until the first word is the program that runs.
pub(crate) fn peel(argv: Vec<Word>) -> Peeled {
    peel_reading(argv, None)
}

/// [`peel`], reading the shell scripts the command runs from the image
/// when `read` can (`ENTRYPOINT ["./docker-entrypoint.sh"]`, `bash
/// start.sh`): a script is run as `sh -c` runs its text, with the words
/// after it as `$@`.
pub(crate) fn peel_reading(argv: Vec<Word>, read: Option<ScriptReader<'_>>) -> Peeled {
    let mut p = Peeled {
        argv,
        ..Peeled::default()
    };
    let mut scripts = 0;
    // Every step removes words or replaces argv by a strictly shorter script,
    // so this terminates anyway; the bound is a guard against surprises.
    for _ in 0..64 {
        if p.shell {
            let n = p.argv.iter().take_while(|w| assignment(&w.text)).count();
            if n == p.argv.len() {
                break;
            }
            for w in p.argv.drain(..n) {
                push_assignment(&mut p.assignments, &w);
            }
        }
        if let Some(read) = read
            && scripts < MAX_SCRIPTS
            && (run_script(&mut p, read) || run_procfile(&mut p, read))
        {
            scripts += 1;
            continue;
        }
        if !peel_one(&mut p) {
            break;
        }
    }
    p
}

/// `honcho start [NAME]` / `foreman start [NAME]`: the `Procfile`
/// process they run (`web` when no name is given and the file has one, or
/// its only process), read from the image and run as `sh -c` runs it.
fn run_procfile(p: &mut Peeled, read: ScriptReader<'_>) -> bool {
    let texts: Vec<&str> = p.argv.iter().map(|w| w.text.as_str()).collect();
    let (name, file) = match texts.as_slice() {
        [tool, "start", rest @ ..] if matches!(basename(tool), "honcho" | "foreman") => {
            // `-f FILE` / `--procfile FILE`; other options are not followed.
            let mut name = None;
            let mut file = "Procfile".to_string();
            let mut i = 0;
            while i < rest.len() {
                match rest[i] {
                    "-f" | "--procfile" => {
                        let Some(f) = rest.get(i + 1) else {
                            return false;
                        };
                        file = f.to_string();
                        i += 2;
                    }
                    a if a.starts_with('-') => return false,
                    a => {
                        if name.is_some() {
                            return false;
                        }
                        name = Some(a.to_string());
                        i += 1;
                    }
                }
            }
            (name, file)
        }
        _ => return false,
    };
    let Some(procfile) = read(&file) else {
        return false;
    };
    // `NAME: command` lines (Heroku's format: name, colon, command).
    let mut processes = Vec::new();
    let mut offset = 0;
    for line in procfile.text.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let trimmed = line.trim_end();
        if trimmed.trim_start().starts_with('#') {
            continue;
        }
        let Some((process, command)) = trimmed.split_once(':') else {
            continue;
        };
        let process = process.trim();
        if process.is_empty()
            || !process
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        {
            continue;
        }
        let begin = start + trimmed.len() - command.trim_start().len();
        processes.push((process.to_string(), begin..start + trimmed.len()));
    }
    let chosen = match &name {
        Some(n) => processes.iter().find(|(p, _)| p == n),
        None => processes
            .iter()
            .find(|(p, _)| p == "web")
            .or(match processes.as_slice() {
                [one] => Some(one),
                _ => None,
            }),
    };
    let Some((_, range)) = chosen else {
        return false;
    };
    let script = procfile.sub(range.clone());
    run_as_sh_c(p, script, 0..0)
}

/// Run `script` as `sh -c SCRIPT` runs it, with the words of `p.argv` in
/// `args` after it (`$0`, then `$@`). `p.argv` is left as it was when the
/// script runs nothing keepalign can see.
fn run_as_sh_c(p: &mut Peeled, script: Word, args: std::ops::Range<usize>) -> bool {
    let at = p.argv.first().and_then(|w| w.at.clone());
    let mut argv = vec![Word::new("sh", at.clone()), Word::new("-c", at), script];
    argv.extend(p.argv[args].iter().cloned());
    let before = std::mem::replace(&mut p.argv, argv);
    if peel_shell(p) {
        return true;
    }
    p.argv = before;
    false
}

/// When `p.argv` runs a shell script the image holds (`./entrypoint.sh
/// ARGS`, `/start.sh`, `bash run.sh ARGS`), replace it by what the script
/// runs. False when it does not, or the script cannot be read.
fn run_script(p: &mut Peeled, read: ScriptReader<'_>) -> bool {
    let Some(first) = p.argv.first() else {
        return false;
    };
    let name = basename(&first.text);
    let shell = matches!(name, "sh" | "bash" | "dash" | "ash");
    // `bash run.sh ARGS`: the script is the first word that is no option.
    let at = if shell {
        match p.argv.get(1) {
            Some(w) if !w.text.starts_with(['-', '+']) => 1,
            _ => return false,
        }
    } else {
        0
    };
    let path = p.argv[at].text.clone();
    let looks_like_script = shell || path.contains('/') || path.ends_with(".sh");
    if !looks_like_script || path.contains(crate::json::HOLE) || path.contains('$') {
        return false;
    }
    let script = if path.contains('/') || shell {
        read(&path)
    } else {
        PATH.iter().find_map(|dir| read(&format!("{dir}/{path}")))
    };
    let Some(script) = script else {
        return false;
    };
    // A script for another interpreter (`#!/usr/bin/env python3`).
    if let Some(line) = script.text.strip_prefix("#!") {
        let interpreter = line.lines().next().unwrap_or("");
        let mut words = interpreter.split_whitespace();
        let program = match words.next().map(basename) {
            Some("env") => words.find(|w| !w.starts_with('-')).map(basename),
            other => other,
        };
        if !matches!(program, Some("sh" | "bash" | "dash" | "ash")) {
            return false;
        }
    }
    let end = p.argv.len();
    run_as_sh_c(p, script, at..end)
}

/// Remove one wrapper from the front of `p.argv`; false when there is none.
fn peel_one(p: &mut Peeled) -> bool {
    let Some(first) = p.argv.first() else {
        return false;
    };
    let name = basename(&first.text).to_string();
    let arg = |i: usize| p.argv.get(i).map(|w| w.text.as_str());
    // Number of leading words that make up the wrapper.
    let skip = match name.as_str() {
        "sh" | "bash" | "dash" | "ash" | "zsh" | "ksh" | "mksh" => {
            return peel_shell(p);
        }
        "exec" | "nohup" | "docker-entrypoint.sh" => {
            let mut i = 1;
            // exec's own options: -c, -l, -a NAME.
            while let Some(a) = arg(i) {
                match a {
                    "-a" => i += 2,
                    "-c" | "-l" | "-cl" | "-lc" if name == "exec" => i += 1,
                    "--" => {
                        i += 1;
                        break;
                    }
                    _ => break,
                }
            }
            i
        }
        "env" => return peel_env(p),
        "dumb-init" => skip_options(&p.argv, 1, &["-r", "--rewrite"]),
        "tini" | "tini-static" => skip_options(&p.argv, 1, &["-p", "-e"]),
        "newrelic-admin" => match arg(1) {
            Some("run-program" | "run-python") => 2,
            _ => return false,
        },
        "ddtrace-run" => skip_options(&p.argv, 1, &[]),
        "opentelemetry-instrument" => {
            // Every option of opentelemetry-instrument takes a value.
            let mut i = 1;
            while let Some(a) = arg(i) {
                if a == "--" {
                    i += 1;
                    break;
                } else if a.starts_with("--") && !a.contains('=') {
                    i += 2;
                } else if a.starts_with('-') {
                    i += 1;
                } else {
                    break;
                }
            }
            i
        }
        "poetry" | "pipenv" => match arg(1) {
            Some("run") => skip_options(&p.argv, 2, &[]),
            _ => return false,
        },
        "uv" => match arg(1) {
            Some("run") => skip_options(
                &p.argv,
                2,
                &[
                    "--with",
                    "--python",
                    "-p",
                    "--package",
                    "--extra",
                    "--group",
                    "--env-file",
                    "--project",
                    "--directory",
                    "--index",
                    "--with-requirements",
                    "--only-group",
                    "--no-group",
                ],
            ),
            _ => return false,
        },
        "bundle" | "bundler" => match arg(1) {
            Some("exec") => skip_options(&p.argv, 2, &[]),
            _ => return false,
        },
        "su-exec" | "gosu" => 2,
        "npx" => skip_options(&p.argv, 1, &["-p", "--package", "-c", "--call"]),
        n if is_python(n) => return peel_python(p),
        _ => return false,
    };
    if skip == 0 || skip >= p.argv.len() {
        // Nothing left to run after the wrapper: it is the program itself.
        return false;
    }
    p.argv.drain(..skip);
    true
}

/// Index of the first word at or after `from` that is not an option; options
/// in `with_value` take the next word as their value.
fn skip_options(argv: &[Word], from: usize, with_value: &[&str]) -> usize {
    let mut i = from;
    while let Some(w) = argv.get(i) {
        let a = w.text.as_str();
        if a == "--" {
            return i + 1;
        }
        if !a.starts_with('-') || a == "-" {
            break;
        }
        i += if with_value.contains(&a) { 2 } else { 1 };
    }
    i
}

fn is_python(name: &str) -> bool {
    let Some(rest) = name.strip_prefix("python") else {
        return false;
    };
    rest.chars().all(|c| c.is_ascii_digit() || c == '.')
}

/// `python -m gunicorn ...` → `gunicorn ...`; a script (`python app.py`) stops.
fn peel_python(p: &mut Peeled) -> bool {
    let mut i = 1;
    while let Some(w) = p.argv.get(i) {
        let a = w.text.as_str();
        if a == "-m" {
            if i + 1 >= p.argv.len() {
                return false;
            }
            p.argv.drain(..=i);
            p.python_module = Some(p.argv[0].text.clone());
            return true;
        }
        if let Some(module) = a.strip_prefix("-m").filter(|m| !m.is_empty()) {
            // `-mgunicorn`: the module word is the rest of this one.
            let module = w.sub(2..2 + module.len());
            p.argv.drain(..=i);
            p.python_module = Some(module.text.clone());
            p.argv.insert(0, module);
            return true;
        }
        match a {
            "-W" | "-X" | "-Q" => i += 2,
            // `-c code` runs inline code: nothing to see through.
            "-c" => return false,
            _ if a.starts_with('-') && a.len() > 1 => i += 1,
            _ => return false,
        }
    }
    false
}

/// `env [-i] [-u NAME] K=V ... cmd`.
fn peel_env(p: &mut Peeled) -> bool {
    let mut i = 1;
    let mut cleared = false;
    let mut assignments = Vec::new();
    while let Some(w) = p.argv.get(i) {
        let a = w.text.as_str();
        match a {
            "-i" | "--ignore-environment" | "-" => {
                cleared = true;
                i += 1;
            }
            "-u" | "--unset" | "-C" | "--chdir" => i += 2,
            "--" => i += 1,
            _ if assignment(a) => {
                assignments.push(w.clone());
                i += 1;
            }
            _ if a.starts_with('-') => i += 1,
            _ => break,
        }
    }
    if i >= p.argv.len() {
        // `env` alone prints the environment; not a wrapper.
        return false;
    }
    if cleared {
        p.env_cleared = true;
        p.assignments.clear();
    }
    for w in &assignments {
        push_assignment(&mut p.assignments, w);
    }
    p.argv.drain(..i);
    true
}

/// `sh [-e -x ...] -c SCRIPT [NAME ARGS...]` → the script's last long-running
/// command. A shell running a script file cannot be seen through.
fn peel_shell(p: &mut Peeled) -> bool {
    let mut i = 1;
    let mut has_c = false;
    while let Some(w) = p.argv.get(i) {
        let a = w.text.as_str();
        if a == "--" || a == "-" {
            i += 1;
            break;
        }
        if a.starts_with("--") {
            // --login, --noprofile, --norc, ...
            i += 1;
            continue;
        }
        if (a.starts_with('-') || a.starts_with('+')) && a.len() > 1 {
            let letters = &a[1..];
            has_c |= letters.contains('c');
            // `-o pipefail` / `-eo pipefail`: the option name is the next word.
            i += if letters.contains('o') { 2 } else { 1 };
            continue;
        }
        break;
    }
    if !has_c {
        return false;
    }
    let Some(script) = p.argv.get(i) else {
        return false;
    };
    let (words, assignments, background) = last_command(script);
    if words.is_empty() {
        return false;
    }
    p.background = background;
    // `sh -c 'setup && exec "$@"' NAME ARGS...` runs ARGS (NAME is $0).
    let texts = words
        .iter()
        .map(|w| w.text.as_str())
        .filter(|t| *t != "exec");
    if texts.eq(["$@"]) {
        let args = p.argv.get(i + 2..).unwrap_or(&[]).to_vec();
        if args.is_empty() {
            return false;
        }
        p.argv = args;
        p.assignments.extend(assignments);
        return true;
    }
    p.argv = words;
    p.assignments.extend(assignments);
    p.shell = true;
    true
}

/// `NAME=value` with a valid shell variable name.
pub(crate) fn assignment(s: &str) -> bool {
    match s.split_once('=') {
        Some((name, _)) => var_name(name),
        None => false,
    }
}

fn var_name(name: &str) -> bool {
    let mut chars = name.chars();
    matches!(chars.next(), Some(c) if c.is_ascii_alphabetic() || c == '_')
        && chars.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn push_assignment(out: &mut Vec<(String, Word)>, w: &Word) {
    if let Some(eq) = w.text.find('=') {
        out.push((w.text[..eq].to_string(), w.sub(eq + 1..w.text.len())));
    }
}

/// A shell variable reference that is a whole word: `$NAME`, `${NAME}`,
/// `${NAME:-fallback}`. Returns the name and the fallback, if any, with
/// whether an empty value also takes the fallback (`:-`).
pub(crate) fn shell_var(s: &str) -> Option<(&str, Option<(&str, bool)>)> {
    let rest = s.strip_prefix('$')?;
    if let Some(inner) = rest.strip_prefix('{').and_then(|r| r.strip_suffix('}')) {
        let end = inner
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(inner.len());
        let (name, op) = inner.split_at(end);
        if !var_name(name) {
            return None;
        }
        if op.is_empty() {
            return Some((name, None));
        }
        for (prefix, on_empty) in [(":-", true), (":=", true), ("-", false), ("=", false)] {
            if let Some(fallback) = op.strip_prefix(prefix) {
                return Some((name, Some((fallback, on_empty))));
            }
        }
        return None;
    }
    var_name(rest).then_some((rest, None))
}

// ---------------------------------------------------------------------------
// Tokenizing

#[derive(Clone, Copy, Debug, PartialEq)]
enum Op {
    /// `;`, `&&`, `||`, newline, `(`, `)`.
    Seq,
    /// `&`.
    Background,
    /// `|`, `|&`.
    Pipe,
}

#[derive(Debug)]
enum Token {
    Word(Word),
    Op(Op),
    /// A redirection; `target` when the next word is its file.
    Redirect {
        target: bool,
    },
}

/// Split `src` into words the way a POSIX shell does (quotes, backslashes),
/// without expanding anything. With `operators`, control operators,
/// redirections and comments are recognised too; without, this is Python's
/// `shlex.split` (how gunicorn reads GUNICORN_CMD_ARGS).
fn tokenize(src: &Word, operators: bool) -> Vec<Token> {
    let s = src.text.as_bytes();
    let mut out = Vec::new();
    // The word being built: raw start offset and unquoted bytes.
    let mut cur: Option<(usize, Vec<u8>)> = None;
    // Nesting of `$(`, `${` and backquotes, inside which nothing splits.
    let mut depth: usize = 0;
    let mut i = 0;

    let flush = |cur: &mut Option<(usize, Vec<u8>)>, out: &mut Vec<Token>, end: usize| {
        if let Some((start, bytes)) = cur.take() {
            let text = String::from_utf8_lossy(&bytes).into_owned();
            let unknown = src
                .unknown
                .clone()
                .filter(|_| text.contains(crate::json::HOLE));
            // The source map carries over when the word is written as is (unquoted).
            let map = src
                .map
                .as_ref()
                .filter(|_| text.as_bytes() == &s[start..end])
                .map(|m| std::sync::Arc::new(crate::value::slice_text(m, start..end)));
            out.push(Token::Word(Word {
                text,
                at: src.locate(start..end),
                unknown,
                map,
            }));
        }
    };

    while i < s.len() {
        let c = s[i];
        if depth > 0 {
            let w = &mut cur.get_or_insert_with(|| (i, Vec::new())).1;
            match c {
                b'(' | b'{' if i > 0 && s[i - 1] == b'$' => depth += 1,
                b')' | b'}' | b'`' => depth -= 1,
                _ => {}
            }
            w.push(c);
            i += 1;
            continue;
        }
        match c {
            b' ' | b'\t' | b'\r' => {
                flush(&mut cur, &mut out, i);
                i += 1;
            }
            b'\n' => {
                flush(&mut cur, &mut out, i);
                if operators {
                    out.push(Token::Op(Op::Seq));
                }
                i += 1;
            }
            b'\\' => {
                match s.get(i + 1) {
                    // Line continuation.
                    Some(b'\n') => {}
                    Some(&next) => cur.get_or_insert_with(|| (i, Vec::new())).1.push(next),
                    None => cur.get_or_insert_with(|| (i, Vec::new())).1.push(c),
                }
                i += 2;
            }
            b'\'' => {
                let w = &mut cur.get_or_insert_with(|| (i, Vec::new())).1;
                let end = s[i + 1..]
                    .iter()
                    .position(|&b| b == b'\'')
                    .map_or(s.len(), |p| i + 1 + p);
                w.extend_from_slice(&s[i + 1..end]);
                i = end + 1;
            }
            b'"' => {
                let w = &mut cur.get_or_insert_with(|| (i, Vec::new())).1;
                i += 1;
                while i < s.len() && s[i] != b'"' {
                    if s[i] == b'\\' && i + 1 < s.len() {
                        match s[i + 1] {
                            b'\n' => {}
                            b'"' | b'\\' | b'$' | b'`' => w.push(s[i + 1]),
                            other => w.extend_from_slice(&[b'\\', other]),
                        }
                        i += 2;
                    } else {
                        w.push(s[i]);
                        i += 1;
                    }
                }
                i += 1;
            }
            b'$' if matches!(s.get(i + 1), Some(b'(' | b'{')) => {
                let w = &mut cur.get_or_insert_with(|| (i, Vec::new())).1;
                w.extend_from_slice(&s[i..i + 2]);
                depth = 1;
                i += 2;
            }
            b'`' if operators => {
                cur.get_or_insert_with(|| (i, Vec::new())).1.push(c);
                depth = 1;
                i += 1;
            }
            b'#' if operators && cur.is_none() => {
                while i < s.len() && s[i] != b'\n' {
                    i += 1;
                }
            }
            b'>' | b'<' if operators => {
                // A file-descriptor number right before the operator is part of it.
                if let Some((_, w)) = &cur {
                    if w.iter().all(u8::is_ascii_digit) {
                        cur = None;
                    } else {
                        flush(&mut cur, &mut out, i);
                    }
                }
                i = redirect(s, i, &mut out);
            }
            b'&' if operators && s.get(i + 1) == Some(&b'>') => {
                flush(&mut cur, &mut out, i);
                i = redirect(s, i + 1, &mut out);
            }
            b';' | b'&' | b'|' | b'(' | b')' if operators => {
                flush(&mut cur, &mut out, i);
                let next = s.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    (b'&', Some(b'&')) | (b'|', Some(b'|')) | (b';', Some(b';')) => (Op::Seq, 2),
                    (b'|', Some(b'&')) => (Op::Pipe, 2),
                    (b'|', _) => (Op::Pipe, 1),
                    (b'&', _) => (Op::Background, 1),
                    _ => (Op::Seq, 1),
                };
                out.push(Token::Op(op));
                i += len;
            }
            _ => {
                cur.get_or_insert_with(|| (i, Vec::new())).1.push(c);
                i += 1;
            }
        }
    }
    flush(&mut cur, &mut out, s.len());
    out
}

/// Consume a redirection operator starting at `i` (`>`, `>>`, `<`, `<<`,
/// `>&2`, `>|`, ...) and return the index after it.
fn redirect(s: &[u8], mut i: usize, out: &mut Vec<Token>) -> usize {
    while i < s.len() && matches!(s[i], b'>' | b'<') {
        i += 1;
    }
    if i < s.len() && s[i] == b'|' {
        i += 1;
    }
    let mut target = true;
    if i < s.len() && s[i] == b'&' {
        // `>&2`, `2>&1`, `>&-`: duplicates a descriptor, no file word.
        let start = i + 1;
        let mut j = start;
        while j < s.len() && (s[j].is_ascii_digit() || s[j] == b'-') {
            j += 1;
        }
        if j > start {
            target = false;
            i = j;
        } else {
            // `>& file` (bash: both streams to a file).
            i += 1;
        }
    }
    out.push(Token::Redirect { target });
    i
}

/// Split `text` into words, shlex-style (no operators, no expansion).
pub(crate) fn split_words(text: &Word) -> Vec<Word> {
    tokenize(text, false)
        .into_iter()
        .filter_map(|t| match t {
            Token::Word(w) => Some(w),
            _ => None,
        })
        .collect()
}

/// A simple command of a script and how it ends.
#[derive(Debug)]
struct Command {
    words: Vec<Word>,
    /// Followed by `|`: its output feeds the next command.
    piped: bool,
    /// Followed by `&`: it runs in the background.
    background: bool,
}

fn commands(script: &Word) -> Vec<Command> {
    let mut out = Vec::new();
    let mut words = Vec::new();
    let mut skip_target = false;
    for t in tokenize(script, true) {
        match t {
            Token::Word(w) => {
                if std::mem::take(&mut skip_target) {
                    continue;
                }
                words.push(w);
            }
            Token::Redirect { target } => skip_target = target,
            Token::Op(op) => {
                skip_target = false;
                out.push(Command {
                    words: std::mem::take(&mut words),
                    piped: op == Op::Pipe,
                    background: op == Op::Background,
                });
            }
        }
    }
    out.push(Command {
        words,
        piped: false,
        background: false,
    });
    out
}

/// Shell keywords that may start a command without being the command.
const KEYWORDS: &[&str] = &[
    "then", "do", "else", "elif", "if", "while", "until", "{", "!", "time",
];

/// Commands that come after a server without being one: skipped when looking
/// for the long-running last command of a script.
const TRAILING: &[&str] = &[
    "wait", "true", "false", ":", "exit", "echo", "printf", "sleep", "tail", "fi", "done", "esac",
    "}", "trap", "return", "kill",
];

/// The long-running command of a script: the last one that is not a trailing
/// no-op (`wait`, `sleep infinity`, `fi`), taking the first command of a
/// pipeline (`gunicorn app | tee log`). Also returns the variables set by
/// earlier `export K=V` / `K=V` commands, which the chosen command inherits,
/// and the commands started in the background before it.
type LastCommand = (Vec<Word>, Vec<(String, Word)>, Vec<Vec<Word>>);

fn last_command(script: &Word) -> LastCommand {
    let mut cmds = commands(script);
    for c in &mut cmds {
        let n = c
            .words
            .iter()
            .take_while(|w| KEYWORDS.contains(&w.text.as_str()))
            .count();
        c.words.drain(..n);
    }
    // Heads of pipelines only: a command after `|` consumes the server's output.
    let heads: Vec<&Command> = cmds
        .iter()
        .enumerate()
        .filter(|(i, _)| *i == 0 || !cmds[i - 1].piped)
        .map(|(_, c)| c)
        .collect();
    let chosen = heads.iter().rposition(|c| match c.words.first() {
        None => false,
        Some(w) => {
            !TRAILING.contains(&w.text.as_str())
                && !c.words.iter().all(|w| assignment(&w.text))
                && w.text != "export"
        }
    });
    let Some(chosen) = chosen else {
        return (Vec::new(), Vec::new(), Vec::new());
    };
    let background = heads[..chosen]
        .iter()
        .filter(|c| c.background && !c.words.is_empty())
        .map(|c| c.words.clone())
        .collect();
    let mut assignments = Vec::new();
    for c in &heads[..chosen] {
        let words: &[Word] = match c.words.first() {
            Some(w) if w.text == "export" => &c.words[1..],
            _ if c.words.iter().all(|w| assignment(&w.text)) => &c.words,
            _ => continue,
        };
        for w in words.iter().filter(|w| assignment(&w.text)) {
            push_assignment(&mut assignments, w);
        }
    }
    (heads[chosen].words.clone(), assignments, background)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::servers::testutil::task;
    use crate::source::{Location, SourceFile};

    fn script(text: &str) -> (Word, std::sync::Arc<SourceFile>) {
        let file = SourceFile::new("s.json".into(), text.to_string());
        let w = Word::new(text, Some(Location::new(&file, 0..text.len())));
        (w, file)
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    fn words(ws: &[&str]) -> Vec<Word> {
        ws.iter().map(|w| Word::new(*w, None)).collect()
    }

    #[test]
    fn splits_quotes_and_escapes_like_a_shell() {
        let (w, _) = script(r#"a 'b c' "d \"e\" \$f" g\ h "" x'y'"z""#);
        let toks = split_words(&w);
        assert_eq!(texts(&toks), ["a", "b c", "d \"e\" $f", "g h", "", "xyz"]);
    }

    #[test]
    fn unquoted_words_point_at_their_exact_bytes() {
        let (w, _) = script("exec gunicorn --keep-alive 75 app:app");
        let toks = split_words(&w);
        let ka = &toks[3];
        assert_eq!(ka.text, "75");
        let at = ka.at.as_ref().unwrap();
        assert_eq!(at.span, 27..29);
        assert_eq!(at.snippet(), "75");
    }

    #[test]
    fn quoted_words_point_at_the_whole_quoted_word() {
        let (w, _) = script("gunicorn --keep-alive '75'");
        let toks = split_words(&w);
        let at = toks[2].at.as_ref().unwrap();
        assert_eq!(at.snippet(), "'75'");
        // Sub-ranges of a quoted word fall back to the whole word.
        assert_eq!(toks[2].sub(0..1).at.unwrap().snippet(), "'75'");
    }

    #[test]
    fn unterminated_quotes_and_trailing_backslash_do_not_panic() {
        for text in [
            "'abc", "\"abc", "abc\\", "$(abc", "${abc", "`abc", "\"a\\", "a >", "&>", "",
        ] {
            let (w, _) = script(text);
            let _ = split_words(&w);
            let _ = last_command(&w);
        }
        let (w, _) = script("'abc");
        assert_eq!(texts(&split_words(&w)), ["abc"]);
    }

    #[test]
    fn non_ascii_text_is_kept_whole() {
        let (w, _) = script("echo 'héllo wörld' && gunicorn --keep-alive=7 ünï:app");
        let (cmd, _, _) = last_command(&w);
        assert_eq!(texts(&cmd), ["gunicorn", "--keep-alive=7", "ünï:app"]);
        assert_eq!(cmd[2].at.as_ref().unwrap().snippet(), "ünï:app");
    }

    #[test]
    fn takes_the_last_command_of_a_script() {
        let (w, _) = script("cd /app && python manage.py migrate; exec gunicorn app:app");
        let (cmd, _, _) = last_command(&w);
        assert_eq!(texts(&cmd), ["exec", "gunicorn", "app:app"]);

        let (w, _) = script("a || b\nc");
        assert_eq!(texts(&last_command(&w).0), ["c"]);
    }

    #[test]
    fn skips_trailing_no_ops_and_background_markers() {
        let (w, _) = script("gunicorn app:app & wait");
        assert_eq!(texts(&last_command(&w).0), ["gunicorn", "app:app"]);
        let (w, _) = script("nginx; sleep infinity");
        assert_eq!(texts(&last_command(&w).0), ["nginx"]);
        let (w, _) = script("if true; then exec uvicorn m:app; fi");
        assert_eq!(texts(&last_command(&w).0), ["exec", "uvicorn", "m:app"]);
    }

    #[test]
    fn pipelines_keep_their_first_command_and_redirections_are_dropped() {
        let (w, _) = script("gunicorn app:app 2>&1 | tee /var/log/app.log");
        assert_eq!(texts(&last_command(&w).0), ["gunicorn", "app:app"]);
        let (w, _) = script("uvicorn m:app >/tmp/out 2> /tmp/err < /dev/null");
        assert_eq!(texts(&last_command(&w).0), ["uvicorn", "m:app"]);
        let (w, _) = script("hypercorn m:app &> /tmp/log");
        assert_eq!(texts(&last_command(&w).0), ["hypercorn", "m:app"]);
    }

    #[test]
    fn comments_and_command_substitutions_do_not_split() {
        let (w, _) = script("# start\ngunicorn -w $(nproc --all) app:app # the app");
        assert_eq!(
            texts(&last_command(&w).0),
            ["gunicorn", "-w", "$(nproc --all)", "app:app"]
        );
        let (w, _) = script("gunicorn --bind 0.0.0.0:${PORT:-8000} app");
        assert_eq!(
            texts(&last_command(&w).0),
            ["gunicorn", "--bind", "0.0.0.0:${PORT:-8000}", "app"]
        );
    }

    #[test]
    fn exports_before_the_command_become_its_environment() {
        let (w, _) = script("export KA=75 OTHER=1; X=2 && gunicorn app");
        let (cmd, assigns, _) = last_command(&w);
        assert_eq!(texts(&cmd), ["gunicorn", "app"]);
        let names: Vec<_> = assigns
            .iter()
            .map(|(n, v)| (n.as_str(), v.text.as_str()))
            .collect();
        assert_eq!(names, [("KA", "75"), ("OTHER", "1"), ("X", "2")]);
        assert_eq!(assigns[0].1.at.as_ref().unwrap().snippet(), "75");
    }

    #[test]
    fn peels_every_wrapper() {
        let cases: &[&[&str]] = &[
            &["exec", "gunicorn", "app"],
            &["env", "A=1", "gunicorn", "app"],
            &["/usr/bin/dumb-init", "--", "gunicorn", "app"],
            &["dumb-init", "--single-child", "gunicorn", "app"],
            &["tini", "--", "gunicorn", "app"],
            &["tini", "-s", "--", "gunicorn", "app"],
            &["/usr/bin/tini", "-p", "SIGTERM", "--", "gunicorn", "app"],
            &["newrelic-admin", "run-program", "gunicorn", "app"],
            &["ddtrace-run", "gunicorn", "app"],
            &[
                "opentelemetry-instrument",
                "--traces_exporter",
                "otlp",
                "gunicorn",
                "app",
            ],
            &["python", "-m", "gunicorn", "app"],
            &["python3", "-u", "-m", "gunicorn", "app"],
            &["/usr/local/bin/python3.11", "-m", "gunicorn", "app"],
            &["poetry", "run", "gunicorn", "app"],
            &["pipenv", "run", "gunicorn", "app"],
            &["uv", "run", "--frozen", "--with", "x", "gunicorn", "app"],
            &["bundle", "exec", "gunicorn", "app"],
            &["su-exec", "app", "gunicorn", "app"],
            &["gosu", "nobody", "gunicorn", "app"],
            &["docker-entrypoint.sh", "gunicorn", "app"],
            &["sh", "-c", "gunicorn app"],
            &["/bin/sh", "-ec", "gunicorn app"],
            &["bash", "-lc", "gunicorn app"],
            &["bash", "-xc", "gunicorn app"],
            &["bash", "-o", "pipefail", "-c", "gunicorn app"],
            &[
                "tini",
                "--",
                "sh",
                "-c",
                "exec ddtrace-run python -m gunicorn app",
            ],
            &[
                "sh",
                "-c",
                "./migrate.sh && exec \"$@\"",
                "--",
                "gunicorn",
                "app",
            ],
            &[
                "bash",
                "-c",
                "export A=1; \"$@\"",
                "bash",
                "gunicorn",
                "app",
            ],
        ];
        for case in cases {
            let p = peel(words(case));
            assert_eq!(texts(&p.argv), ["gunicorn", "app"], "{case:?}");
        }
    }

    #[test]
    fn scripts_the_image_holds_are_run_with_their_arguments() {
        let entrypoint = Word::new(
            "#!/bin/sh\nset -e\n./manage.py migrate\nexec \"$@\"\n",
            None,
        );
        let start = Word::new(
            "#!/usr/bin/env bash\nexec gunicorn --keep-alive 5 app\n",
            None,
        );
        let python = Word::new("#!/usr/bin/env python3\nprint('hi')\n", None);
        let read = |path: &str| match path {
            "/usr/local/bin/entrypoint.sh" => Some(entrypoint.clone()),
            "./start.sh" | "start.sh" => Some(start.clone()),
            "/app/run" => Some(python.clone()),
            _ => None,
        };
        for (argv, want) in [
            (
                &["entrypoint.sh", "gunicorn", "app"][..],
                &["gunicorn", "app"][..],
            ),
            (&["./start.sh"], &["gunicorn", "--keep-alive", "5", "app"]),
            (
                &["bash", "start.sh"],
                &["gunicorn", "--keep-alive", "5", "app"],
            ),
            (
                &["tini", "--", "entrypoint.sh", "./start.sh"],
                &["gunicorn", "--keep-alive", "5", "app"],
            ),
            // Not held by the image, or not a shell script: as before.
            (&["/other.sh", "x"], &["/other.sh", "x"]),
            (&["/app/run"], &["/app/run"]),
            // `exec "$@"` with nothing to run.
            (&["entrypoint.sh"], &["entrypoint.sh"]),
        ] {
            let p = peel_reading(words(argv), Some(&read));
            assert_eq!(texts(&p.argv), want, "{argv:?}");
        }
    }

    #[test]
    fn procfile_processes_run_by_honcho_or_foreman() {
        let procfile = Word::new(
            "# processes\nrelease: python manage.py migrate\nweb: gunicorn app:app --keep-alive 75\nworker: celery -A app worker\n",
            None,
        );
        let only = Word::new("api:uvicorn app:app\n", None);
        let read = |path: &str| match path {
            "Procfile" => Some(procfile.clone()),
            "deploy/Procfile.api" => Some(only.clone()),
            _ => None,
        };
        for (argv, want) in [
            (
                &["honcho", "start"][..],
                &["gunicorn", "app:app", "--keep-alive", "75"][..],
            ),
            (
                &["foreman", "start", "worker"],
                &["celery", "-A", "app", "worker"],
            ),
            (
                &["honcho", "start", "-f", "deploy/Procfile.api"],
                &["uvicorn", "app:app"],
            ),
            (&["honcho", "start", "clock"], &["honcho", "start", "clock"]),
            (
                &["honcho", "start", "-e", ".env"],
                &["honcho", "start", "-e", ".env"],
            ),
        ] {
            let p = peel_reading(words(argv), Some(&read));
            assert_eq!(texts(&p.argv), want, "{argv:?}");
        }
    }

    #[test]
    fn python_mmodule_attached_is_a_module() {
        let p = peel(words(&["python", "-mgunicorn", "app"]));
        assert_eq!(texts(&p.argv), ["gunicorn", "app"]);
    }

    #[test]
    fn stops_at_what_it_cannot_see_through() {
        for case in [
            &["sh", "/entrypoint.sh"][..],
            &["python", "app.py"],
            &["python", "-c", "import x"],
            &["exec"],
            &["env"],
            &["poetry", "install"],
            &["tini", "--"],
            &["sh", "-c", "exec \"$@\"", "--"],
        ] {
            let p = peel(words(case));
            assert_eq!(texts(&p.argv), case, "{case:?}");
        }
    }

    #[test]
    fn env_and_leading_assignments_are_recorded() {
        let p = peel(words(&["env", "-i", "KA=5", "gunicorn", "app"]));
        assert!(p.env_cleared);
        assert_eq!(p.assignments.len(), 1);
        assert_eq!(p.assignments[0].0, "KA");
        assert_eq!(p.assignments[0].1.text, "5");

        // `K=V cmd` only means an assignment in a shell.
        let p = peel(words(&[
            "sh",
            "-c",
            "GUNICORN_CMD_ARGS='--keep-alive 9' gunicorn app",
        ]));
        assert_eq!(texts(&p.argv), ["gunicorn", "app"]);
        assert_eq!(p.assignments[0].0, "GUNICORN_CMD_ARGS");
        assert_eq!(p.assignments[0].1.text, "--keep-alive 9");
        assert!(p.shell);
        let p = peel(words(&["A=1", "gunicorn"]));
        assert_eq!(texts(&p.argv), ["A=1", "gunicorn"]);
    }

    #[test]
    fn env_assignment_values_are_located_inside_the_word() {
        let b = task()
            .cmd(&["env", "KEEP_ALIVE_TIMEOUT=65000", "node", "server.js"])
            .build();
        let argv = b
            .container
            .command
            .clone()
            .unwrap()
            .value()
            .unwrap()
            .clone();
        let p = peel(argv);
        let (_, v) = &p.assignments[0];
        assert_eq!(
            v.at.as_ref().unwrap(),
            &b.at("KEEP_ALIVE_TIMEOUT=65000", "65000")
        );
    }

    #[test]
    fn shell_variables_are_recognised_only_as_whole_words() {
        assert_eq!(shell_var("$KA"), Some(("KA", None)));
        assert_eq!(shell_var("${KA}"), Some(("KA", None)));
        assert_eq!(shell_var("${KA:-75}"), Some(("KA", Some(("75", true)))));
        assert_eq!(shell_var("${KA-75}"), Some(("KA", Some(("75", false)))));
        assert_eq!(shell_var("$KA:x"), None);
        assert_eq!(shell_var("${1x}"), None);
        assert_eq!(shell_var("75"), None);
        assert_eq!(shell_var("$"), None);
    }

    #[test]
    fn a_server_started_in_the_background_is_found() {
        let p = task()
            .cmd(&[
                "sh",
                "-c",
                "gunicorn -k gevent --keep-alive 5 app:app & exec python worker.py",
            ])
            .build()
            .profile();
        assert_eq!(p.server, "gunicorn");
        assert_eq!(crate::servers::testutil::ka(&p).value(), Some(&5.0));
        // A server in the foreground stays the one identified.
        let p = task()
            .cmd(&["sh", "-c", "gunicorn app:app & nginx -g 'daemon off;'"])
            .build()
            .profile();
        assert_eq!(p.server, "nginx");
    }
}
