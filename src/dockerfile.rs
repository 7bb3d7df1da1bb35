//! Dockerfiles: the process an image starts when a task definition gives
//! no command of its own, with every value located in the file.
//!
//! A small parser of our own rather than a crate. `dockerfile-parser-rs`
//! gives instructions without positions, so no value could point back at
//! the file. `dockerfile-parser` has spans but is a PEG grammar that knows
//! neither the `# escape=` directive nor heredocs, and its behaviour on
//! hostile input is that of its generated parser. Dockerfile syntax is line
//! based: the parser here is one pass over the lines, never recursing on the
//! input, with a cap on the number of instructions.
//!
//! What it reads: parser directives (`# escape=`, `# syntax=`), line
//! continuations (comment and blank lines inside them dropped, as Docker
//! does), heredoc bodies of RUN/COPY/ADD (skipped), FROM with `AS` and
//! `--platform`, ARG (global and per stage), ENV (both forms), WORKDIR,
//! SHELL, ENTRYPOINT and CMD (JSON exec form and shell form), COPY/ADD.
//! Variables (`$V`, `${V}`, `${V:-d}`, `${V-d}`, `${V:+a}`, `${V+a}`) are
//! substituted where Docker substitutes them, from ARG defaults and ENV;
//! one that has no value here (a base image's ENV, an ARG with no default)
//! is left as written and the word marked unknown.
//!
//! Limits: build arguments given at build time are not known (ARG
//! defaults are used); ONBUILD triggers are ignored; a base image that is
//! not a stage of this file contributes nothing (its ENV, WORKDIR,
//! ENTRYPOINT and CMD are not known here).

use std::collections::HashMap;
use std::ops::Range;
use std::sync::Arc;

use crate::model::{Unresolved, Word};
use crate::source::{Location, SourceFile};

/// More instructions than this and the file is refused.
pub const MAX_INSTRUCTIONS: usize = 10_000;

/// More values (ENV entries, command words) copied from stage to stage
/// than this and the file is refused: a chain of stages each inheriting
/// the last would otherwise cost the square of the file's size.
pub const MAX_INHERITED: usize = 100_000;

#[derive(Debug)]
pub struct Dockerfile {
    pub file: Arc<SourceFile>,
    pub stages: Vec<Stage>,
}

#[derive(Clone, Debug)]
pub struct Stage {
    /// The image reference, ARGs substituted.
    pub from: Word,
    /// `AS name`, as written.
    pub name: Option<String>,
    /// ENV in order (inherited ones first), variables substituted; a
    /// variable set again keeps its place and takes the new value, as in
    /// the image Docker builds.
    pub env: Vec<(String, Word)>,
    /// The last WORKDIR, relative ones joined onto the previous.
    pub workdir: Option<Word>,
    /// Exec form as written; shell form as the shell (`/bin/sh -c` unless
    /// SHELL says otherwise) followed by the text, located at the text.
    pub entrypoint: Option<Vec<Word>>,
    pub cmd: Option<Vec<Word>>,
    pub copies: Vec<Copy>,
    /// The FROM instruction.
    pub at: Location,
    /// The shell of shell forms (SHELL), when set in this file.
    pub shell: Option<Vec<Word>>,
}

/// A COPY or ADD.
#[derive(Clone, Debug)]
pub struct Copy {
    /// Sources as written (variables substituted), each located; a heredoc
    /// source is its `<<NAME` word.
    pub sources: Vec<Word>,
    pub dest: Word,
    /// `--from=`: a stage name, a stage index or an image.
    pub from: Option<String>,
    /// ADD rather than COPY.
    pub add: bool,
    /// The destination as an absolute path in the image (a relative one
    /// joined onto the WORKDIR of the moment), `None` when a variable in
    /// it has no value here.
    pub dest_path: Option<String>,
    /// The destination is a directory: written with a trailing `/`, or
    /// given several sources.
    pub dest_is_dir: bool,
    pub at: Location,
}

impl Dockerfile {
    /// Errors name the line.
    pub fn parse(file: Arc<SourceFile>) -> Result<Dockerfile, String> {
        let stages = Parser::new(&file).run()?;
        Ok(Dockerfile { file, stages })
    }

    /// The last stage: what a build without a target produces.
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    /// The image a stage is ultimately built on: its FROM, followed
    /// through the stages of this file it names.
    pub fn base_image(&self, mut stage: usize) -> &Word {
        // Each hop goes to an earlier stage, so this ends.
        loop {
            let from = &self.stages[stage].from;
            match self.stages[..stage].iter().rposition(|s| {
                s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(&from.text))
            }) {
                Some(earlier) => stage = earlier,
                None => return from,
            }
        }
    }

    /// The stage a build target names (stage names are case-insensitive).
    pub fn stage(&self, target: &str) -> Option<&Stage> {
        self.stages.iter().find(|s| {
            s.name
                .as_deref()
                .is_some_and(|n| n.eq_ignore_ascii_case(target))
        })
    }
}

/// Docker's rules for the process a container runs: a task definition
/// `entryPoint` replaces ENTRYPOINT and clears CMD; a `command` replaces
/// CMD; argv = entrypoint ++ cmd. An empty list counts as not given, as in
/// Docker's merge of a container's configuration with its image's.
pub fn effective_argv(
    stage: &Stage,
    task_entry_point: Option<&[Word]>,
    task_command: Option<&[Word]>,
) -> Vec<Word> {
    let task_entry_point = task_entry_point.filter(|e| !e.is_empty());
    let task_command = task_command.filter(|c| !c.is_empty());
    let mut argv: Vec<Word> = match task_entry_point {
        Some(e) => e.to_vec(),
        None => stage.entrypoint.clone().unwrap_or_default(),
    };
    match (task_command, task_entry_point) {
        (Some(c), _) => argv.extend_from_slice(c),
        (None, Some(_)) => {}
        (None, None) => argv.extend(stage.cmd.clone().unwrap_or_default()),
    }
    argv
}

/// One instruction with its continuations joined, each byte of `text`
/// mapped to where it was written.
struct Logical {
    text: String,
    map: Vec<usize>,
    line: usize,
}

impl Logical {
    fn push(&mut self, src: &str, at: usize) {
        self.text.push_str(src);
        self.map.extend(at..at + src.len());
    }

    fn span(&self, r: &Range<usize>) -> Range<usize> {
        let end_of_text = self.map.last().map(|e| e + 1).unwrap_or(0);
        if r.start >= r.end {
            let p = self.map.get(r.start).copied().unwrap_or(end_of_text);
            return p..p;
        }
        let start = self.map.get(r.start).copied().unwrap_or(end_of_text);
        let end = self
            .map
            .get(r.end - 1)
            .map(|e| e + 1)
            .unwrap_or(end_of_text);
        start..end.max(start)
    }
}

struct Parser<'a> {
    file: &'a Arc<SourceFile>,
    src: &'a str,
    /// (start, end without the line break) of each physical line.
    lines: Vec<(usize, usize)>,
    escape: char,
}

/// The variables of a point in the file: ARGs and ENVs, ENV winning.
#[derive(Default, Clone)]
struct Vars {
    args: HashMap<String, String>,
    env: HashMap<String, String>,
}

impl Vars {
    fn get(&self, name: &str) -> Option<&str> {
        self.env
            .get(name)
            .or_else(|| self.args.get(name))
            .map(String::as_str)
    }
}

impl<'a> Parser<'a> {
    fn new(file: &'a Arc<SourceFile>) -> Parser<'a> {
        let src = file.text.as_str();
        let mut lines = Vec::new();
        let mut start = 0;
        for (i, b) in src.bytes().enumerate() {
            if b == b'\n' {
                lines.push((start, strip_cr(src, start, i)));
                start = i + 1;
            }
        }
        if start < src.len() {
            lines.push((start, strip_cr(src, start, src.len())));
        }
        if let Some(first) = lines.first_mut()
            && src[first.0..first.1].starts_with('\u{feff}')
        {
            first.0 += '\u{feff}'.len_utf8();
        }
        Parser {
            file,
            src,
            lines,
            escape: '\\',
        }
    }

    fn line(&self, i: usize) -> &'a str {
        let (s, e) = self.lines[i];
        &self.src[s..e]
    }

    fn loc(&self, l: &Logical, r: &Range<usize>) -> Location {
        Location::new(self.file, l.span(r))
    }

    /// Parser directives: comments of the form `# key=value` at the very
    /// top. The first other line ends them.
    fn directives(&mut self) -> usize {
        let mut i = 0;
        while i < self.lines.len() {
            let t = self.line(i).trim();
            let Some(body) = t.strip_prefix('#') else {
                break;
            };
            let Some((k, v)) = body.split_once('=') else {
                break;
            };
            let k = k.trim();
            if k.is_empty() || !k.chars().all(|c| c.is_ascii_alphanumeric()) {
                break;
            }
            if k.eq_ignore_ascii_case("escape") {
                match v.trim() {
                    "`" => self.escape = '`',
                    "\\" => self.escape = '\\',
                    _ => {}
                }
            }
            i += 1;
        }
        i
    }

    fn is_blank_or_comment(&self, i: usize) -> bool {
        let t = self.line(i).trim_start();
        t.is_empty() || t.starts_with('#')
    }

    /// The instruction starting at physical line `i` (not blank, not a
    /// comment), and the line after it.
    fn logical(&self, mut i: usize) -> (Logical, usize) {
        let mut l = Logical {
            text: String::new(),
            map: Vec::new(),
            line: i + 1,
        };
        loop {
            let (s, _) = self.lines[i];
            let content = self.line(i);
            let t = content.trim_end();
            if let Some(body) = t.strip_suffix(self.escape) {
                l.push(body, s);
                i += 1;
                while i < self.lines.len() && self.is_blank_or_comment(i) {
                    i += 1;
                }
                if i >= self.lines.len() {
                    break;
                }
            } else {
                l.push(content, s);
                i += 1;
                break;
            }
        }
        (l, i)
    }

    /// Skip the bodies of the heredocs `rest` opens, from line `i`.
    fn skip_heredocs(&self, rest: &str, mut i: usize) -> usize {
        for (delim, strip_tabs) in heredocs(rest) {
            while i < self.lines.len() {
                let line = self.line(i);
                i += 1;
                let line = if strip_tabs {
                    line.trim_start_matches('\t')
                } else {
                    line
                };
                if line == delim {
                    break;
                }
            }
        }
        i
    }

    fn run(mut self) -> Result<Vec<Stage>, String> {
        let mut i = self.directives();
        let mut stages: Vec<Stage> = Vec::new();
        let mut global = Vars::default();
        let mut vars = Vars::default();
        let mut cmd_set = false;
        let mut count = 0usize;
        let mut names: HashMap<String, usize> = HashMap::new();
        let mut inherited = 0usize;
        let mut env_pos: HashMap<String, usize> = HashMap::new();
        while i < self.lines.len() {
            if self.is_blank_or_comment(i) {
                i += 1;
                continue;
            }
            count += 1;
            if count > MAX_INSTRUCTIONS {
                return Err(format!(
                    "line {}: more than {MAX_INSTRUCTIONS} instructions",
                    i + 1
                ));
            }
            let (l, next) = self.logical(i);
            i = next;
            let text = l.text.as_str();
            let lead = text.len() - text.trim_start().len();
            let kw_end = text[lead..]
                .find(|c: char| c.is_whitespace())
                .map(|e| lead + e)
                .unwrap_or(text.len());
            let keyword = text[lead..kw_end].to_ascii_lowercase();
            let rest_start = kw_end + (text[kw_end..].len() - text[kw_end..].trim_start().len());
            let rest_end = text.trim_end().len().max(rest_start);
            let rest = rest_start..rest_end;
            let line = l.line;
            let err = |m: &str| Err(format!("line {line}: {m}"));
            if matches!(keyword.as_str(), "run" | "copy" | "add")
                && !is_json_array(&text[rest.clone()])
            {
                i = self.skip_heredocs(&text[rest.clone()], i);
            }
            if keyword == "from" {
                let stage = self.from(&l, rest, &global, &stages, &names)?;
                if names.contains_key(&stage.from.text.to_ascii_lowercase()) {
                    inherited += 1
                        + stage.env.len()
                        + stage.entrypoint.as_ref().map_or(0, Vec::len)
                        + stage.cmd.as_ref().map_or(0, Vec::len)
                        + stage.copies.len()
                        + stage.shell.as_ref().map_or(0, Vec::len);
                    if inherited > MAX_INHERITED {
                        return err(&format!(
                            "stages inherit more than {MAX_INHERITED} values in all"
                        ));
                    }
                }
                if let Some(n) = &stage.name {
                    names.insert(n.to_ascii_lowercase(), stages.len());
                }
                vars = Vars {
                    args: HashMap::new(),
                    env: stage
                        .env
                        .iter()
                        .map(|(k, v)| (k.clone(), v.text.clone()))
                        .collect(),
                };
                env_pos = (stage.env.iter().enumerate())
                    .map(|(i, (k, _))| (k.clone(), i))
                    .collect();
                cmd_set = false;
                stages.push(stage);
                continue;
            }
            if keyword == "arg" {
                if stages.is_empty() {
                    self.arg(&l, rest, &mut global, None);
                } else {
                    self.arg(&l, rest, &mut vars, Some(&global));
                }
                continue;
            }
            let Some(stage) = stages.last_mut() else {
                if keyword.is_empty() || !KNOWN.contains(&keyword.as_str()) {
                    return err(&format!("unknown instruction `{}`", &text[lead..kw_end]));
                }
                return err(&format!("{} before the first FROM", keyword.to_uppercase()));
            };
            match keyword.as_str() {
                "env" => {
                    for (k, w) in self.env(&l, rest, &vars) {
                        vars.env.insert(k.clone(), w.text.clone());
                        // Docker replaces a variable in place.
                        match env_pos.get(&k).and_then(|&p| stage.env.get_mut(p)) {
                            Some(e) => e.1 = w,
                            None => {
                                env_pos.insert(k.clone(), stage.env.len());
                                stage.env.push((k, w));
                            }
                        }
                    }
                }
                "workdir" => {
                    if rest.is_empty() {
                        return err("WORKDIR needs a path");
                    }
                    let mut w = self.word(&l, rest, &vars);
                    if !w.text.starts_with('/')
                        && let Some(prev) = &stage.workdir
                        && prev.text.starts_with('/')
                    {
                        w.text = crate::image_files::absolute(&prev.text, &w.text);
                    } else if w.text.starts_with('/') {
                        w.text = crate::image_files::absolute("/", &w.text);
                    }
                    stage.workdir = Some(w);
                }
                "shell" => match self.json(&l, rest) {
                    Some(words) if !words.is_empty() => stage.shell = Some(words),
                    _ => return err("SHELL needs a JSON array"),
                },
                "entrypoint" | "cmd" => {
                    if rest.is_empty() {
                        return err(&format!("{} needs arguments", keyword.to_uppercase()));
                    }
                    let argv = match self.json(&l, rest.clone()) {
                        Some(words) => words,
                        None => {
                            let mut argv = stage.shell.clone().unwrap_or_else(|| {
                                vec![Word::new("/bin/sh", None), Word::new("-c", None)]
                            });
                            argv.push(Word::new(&text[rest.clone()], Some(self.loc(&l, &rest))));
                            argv
                        }
                    };
                    if keyword == "cmd" {
                        stage.cmd = Some(argv);
                        cmd_set = true;
                    } else {
                        stage.entrypoint = Some(argv);
                        // Docker: an ENTRYPOINT resets a CMD not set
                        // earlier in the same stage.
                        if !cmd_set {
                            stage.cmd = None;
                        }
                    }
                }
                "copy" | "add" => {
                    let workdir = stage.workdir.as_ref().map_or("/", |w| w.text.as_str());
                    let c = self.copy(&l, rest, &vars, keyword == "add", workdir)?;
                    stage.copies.push(c);
                }
                k if KNOWN.contains(&k) => {}
                _ => return err(&format!("unknown instruction `{}`", &text[lead..kw_end])),
            }
        }
        if stages.is_empty() {
            return Err(format!(
                "line {}: no FROM instruction",
                self.lines.len().max(1)
            ));
        }
        Ok(stages)
    }

    /// A word with its variables substituted, marked unknown where one has
    /// no value here.
    fn word(&self, l: &Logical, r: Range<usize>, vars: &Vars) -> Word {
        let mut unknown = Vec::new();
        let text = substitute(&l.text[r.clone()], self.escape, vars, &mut unknown);
        let at = self.loc(l, &r);
        let mut w = Word::new(text, Some(at.clone()));
        if !unknown.is_empty() {
            w.unknown = Some(Box::new(Unresolved::new(
                format!(
                    "`{}` has no value in the Dockerfile (a build argument or the base image's environment)",
                    unknown.join("`, `")
                ),
                Some(at),
            )));
        }
        w
    }

    fn from(
        &self,
        l: &Logical,
        rest: Range<usize>,
        global: &Vars,
        stages: &[Stage],
        names: &HashMap<String, usize>,
    ) -> Result<Stage, String> {
        let words: Vec<Range<usize>> = split_words(&l.text, rest, self.escape)
            .into_iter()
            .filter(|r| !l.text[r.clone()].starts_with("--"))
            .collect();
        let Some(image) = words.first() else {
            return Err(format!("line {}: FROM needs an image", l.line));
        };
        let from = self.word(l, image.clone(), global);
        let name = match words.get(1) {
            Some(r) if l.text[r.clone()].eq_ignore_ascii_case("as") => {
                words.get(2).map(|r| l.text[r.clone()].to_string())
            }
            _ => None,
        };
        let at = self.loc(l, &(0..l.text.len()));
        let base = names
            .get(&from.text.to_ascii_lowercase())
            .and_then(|&i| stages.get(i));
        Ok(match base {
            Some(b) => Stage {
                from,
                name,
                env: b.env.clone(),
                workdir: b.workdir.clone(),
                entrypoint: b.entrypoint.clone(),
                cmd: b.cmd.clone(),
                // A stage built on another holds its files.
                copies: b.copies.clone(),
                at,
                shell: b.shell.clone(),
            },
            None => Stage {
                from,
                name,
                env: Vec::new(),
                workdir: None,
                entrypoint: None,
                cmd: None,
                copies: Vec::new(),
                at,
                shell: None,
            },
        })
    }

    /// `ARG NAME[=default] ...`. In a stage, a name without a default takes
    /// the global ARG's value, if any.
    fn arg(&self, l: &Logical, rest: Range<usize>, vars: &mut Vars, global: Option<&Vars>) {
        for r in split_words(&l.text, rest, self.escape) {
            let w = &l.text[r.clone()];
            match w.find('=') {
                Some(eq) => {
                    let name = w[..eq].to_string();
                    let value = self.word(l, r.start + eq + 1..r.end, vars);
                    if value.unknown.is_none() {
                        vars.args.insert(name, value.text);
                    } else {
                        vars.args.remove(&name);
                    }
                }
                None => {
                    if let Some(v) = global.and_then(|g| g.args.get(w)) {
                        vars.args.insert(w.to_string(), v.clone());
                    }
                }
            }
        }
    }

    /// `ENV K=V K2=V2` or the legacy `ENV K V` (the value is the rest).
    fn env(&self, l: &Logical, rest: Range<usize>, vars: &Vars) -> Vec<(String, Word)> {
        let words = split_words(&l.text, rest.clone(), self.escape);
        let mut out = Vec::new();
        let Some(first) = words.first() else {
            return out;
        };
        if !l.text[first.clone()].contains('=') {
            let name = l.text[first.clone()].to_string();
            let value = words
                .get(1)
                .map(|r| r.start..rest.end)
                .unwrap_or(rest.end..rest.end);
            out.push((name, self.word(l, value, vars)));
            return out;
        }
        // Each pair sees the values set before this instruction only.
        for r in words {
            let w = &l.text[r.clone()];
            if let Some(eq) = w.find('=') {
                out.push((
                    w[..eq].to_string(),
                    self.word(l, r.start + eq + 1..r.end, vars),
                ));
            }
        }
        out
    }

    fn copy(
        &self,
        l: &Logical,
        rest: Range<usize>,
        vars: &Vars,
        add: bool,
        workdir: &str,
    ) -> Result<Copy, String> {
        let words = split_words(&l.text, rest.clone(), self.escape);
        let mut from = None;
        let mut n = 0;
        for r in &words {
            let w = &l.text[r.clone()];
            if !w.starts_with("--") {
                break;
            }
            if w.starts_with("--from=") {
                from = Some(self.word(l, r.start + "--from=".len()..r.end, vars).text);
            }
            n += 1;
        }
        let args_start = words.get(n).map(|r| r.start).unwrap_or(rest.end);
        let mut args: Vec<Word> = match self.json(l, args_start..rest.end) {
            Some(words) => words,
            None => words[n..]
                .iter()
                .map(|r| self.word(l, r.clone(), vars))
                .collect(),
        };
        let what = if add { "ADD" } else { "COPY" };
        if args.len() < 2 {
            return Err(format!(
                "line {}: {what} needs a source and a destination",
                l.line
            ));
        }
        let dest = args.pop().expect("two or more arguments");
        let dest_is_dir = args.len() > 1 || dest.text.ends_with('/') || dest.text == ".";
        let dest_path = dest.unknown.is_none().then(|| {
            if dest.text.starts_with('/') {
                crate::image_files::absolute("/", &dest.text)
            } else {
                crate::image_files::absolute(workdir, &dest.text)
            }
        });
        Ok(Copy {
            sources: args,
            dest,
            from,
            add,
            dest_path,
            dest_is_dir,
            at: self.loc(l, &(0..l.text.len())),
        })
    }

    /// The JSON array of strings of an exec form, each string located at
    /// its text (between the quotes). None if `r` is not one.
    fn json(&self, l: &Logical, r: Range<usize>) -> Option<Vec<Word>> {
        let items = json_strings(&l.text, r)?;
        Some(
            items
                .into_iter()
                .map(|(s, r)| Word::new(s, Some(self.loc(l, &r))))
                .collect(),
        )
    }
}

const KNOWN: &[&str] = &[
    "add",
    "arg",
    "cmd",
    "copy",
    "entrypoint",
    "env",
    "expose",
    "from",
    "healthcheck",
    "label",
    "maintainer",
    "onbuild",
    "run",
    "shell",
    "stopsignal",
    "user",
    "volume",
    "workdir",
];

fn strip_cr(src: &str, start: usize, end: usize) -> usize {
    if end > start && src.as_bytes()[end - 1] == b'\r' {
        end - 1
    } else {
        end
    }
}

fn is_json_array(s: &str) -> bool {
    json_strings(s, 0..s.len()).is_some()
}

/// The heredocs a RUN/COPY/ADD opens: `<<EOF`, `<<-EOF`, `<<"EOF"`,
/// `<<'EOF'`, with whether leading tabs are stripped from its lines.
fn heredocs(s: &str) -> Vec<(String, bool)> {
    let b = s.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i + 1 < b.len() {
        if b[i] == b'<' && b[i + 1] == b'<' && (i == 0 || b[i - 1] != b'<') {
            let mut j = i + 2;
            let strip = b.get(j) == Some(&b'-');
            if strip {
                j += 1;
            }
            let quote = match b.get(j) {
                Some(&q @ (b'"' | b'\'')) => {
                    j += 1;
                    Some(q)
                }
                _ => None,
            };
            let start = j;
            while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            let closed = match quote {
                Some(q) => b.get(j) == Some(&q),
                None => true,
            };
            if j > start && closed && (b[start].is_ascii_alphabetic() || b[start] == b'_') {
                out.push((s[start..j].to_string(), strip));
            }
            i = j.max(i + 2);
        } else {
            i += 1;
        }
    }
    out
}

/// Words of `text[r]` split at whitespace outside quotes, as ranges.
fn split_words(text: &str, r: Range<usize>, esc: char) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut start = None;
    let mut quote: Option<char> = None;
    let mut chars = text[r.clone()]
        .char_indices()
        .map(|(i, c)| (i + r.start, c));
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == q {
                    quote = None;
                } else if q == '"' && c == esc {
                    chars.next();
                }
            }
            None => {
                if c.is_whitespace() {
                    if let Some(s) = start.take() {
                        out.push(s..i);
                    }
                    continue;
                }
                if start.is_none() {
                    start = Some(i);
                }
                if c == '\'' || c == '"' {
                    quote = Some(c);
                } else if c == esc {
                    chars.next();
                }
            }
        }
    }
    if let Some(s) = start {
        out.push(s..r.end);
    }
    out
}

/// The `}` closing each `${` of `s`, by the position of its `{`: found
/// in one pass, so an unclosed `${V:-` costs no rescan of the rest.
fn closers(s: &str) -> HashMap<usize, usize> {
    let b = s.as_bytes();
    let mut open = Vec::new();
    let mut out = HashMap::new();
    for (j, &c) in b.iter().enumerate() {
        if c == b'{' && j > 0 && b[j - 1] == b'$' {
            open.push(j);
        } else if c == b'}'
            && let Some(o) = open.pop()
        {
            out.insert(o, j);
        }
    }
    out
}

/// A reference's end, name, and operator with its operand.
type VarRef<'a> = (usize, &'a str, Option<(&'a str, &'a str)>);

/// A variable reference at byte `i` (a `$`) of `s`: its end, name and
/// operator with operand, if it is one.
fn var_ref<'a>(s: &'a str, i: usize, closers: &HashMap<usize, usize>) -> Option<VarRef<'a>> {
    let b = s.as_bytes();
    let name_end = |from: usize| {
        let mut j = from;
        while j < b.len() && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
            j += 1;
        }
        j
    };
    if b.get(i + 1) == Some(&b'{') {
        let start = i + 2;
        let end = name_end(start);
        if end == start {
            return None;
        }
        if b.get(end) == Some(&b'}') {
            return Some((end + 1, &s[start..end], None));
        }
        let op_len = match (b.get(end), b.get(end + 1)) {
            (Some(b':'), Some(b'-' | b'+' | b'?')) => 2,
            (Some(b'-' | b'+' | b'?'), _) => 1,
            _ => return None,
        };
        let word_start = end + op_len;
        let j = *closers.get(&(i + 1))?;
        Some((
            j + 1,
            &s[start..end],
            Some((&s[end..word_start], &s[word_start..j])),
        ))
    } else {
        let start = i + 1;
        if !b
            .get(start)
            .is_some_and(|c| c.is_ascii_alphabetic() || *c == b'_')
        {
            return None;
        }
        let end = name_end(start);
        Some((end, &s[start..end], None))
    }
}

/// Substitute one variable reference; `nested` operands are substituted
/// only one level deep (plain references), so no input drives recursion.
fn resolve(
    out: &mut String,
    raw: &str,
    name: &str,
    op: Option<(&str, &str)>,
    vars: &Vars,
    unknown: &mut Vec<String>,
    nested: bool,
) {
    let val = vars.get(name);
    match op {
        None => match val {
            Some(v) => out.push_str(v),
            None => {
                out.push_str(raw);
                unknown.push(name.to_string());
            }
        },
        Some((op, word)) => {
            let operand = |out: &mut String, unknown: &mut Vec<String>| {
                if nested {
                    out.push_str(word);
                } else {
                    out.push_str(&substitute_plain(word, vars, unknown));
                }
            };
            match op {
                ":-" => match val {
                    Some(v) if !v.is_empty() => out.push_str(v),
                    _ => operand(out, unknown),
                },
                "-" => match val {
                    Some(v) => out.push_str(v),
                    None => operand(out, unknown),
                },
                ":+" => {
                    if val.is_some_and(|v| !v.is_empty()) {
                        operand(out, unknown)
                    }
                }
                "+" => {
                    if val.is_some() {
                        operand(out, unknown)
                    }
                }
                _ => match val {
                    Some(v) => out.push_str(v),
                    None => {
                        out.push_str(raw);
                        unknown.push(name.to_string());
                    }
                },
            }
        }
    }
}

/// Plain references only, no quotes: the operand of `${V:-operand}`.
fn substitute_plain(s: &str, vars: &Vars, unknown: &mut Vec<String>) -> String {
    let closers = closers(s);
    let mut out = String::new();
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().unwrap_or('\0');
        if c == '$'
            && let Some((end, name, op)) = var_ref(s, i, &closers)
        {
            resolve(&mut out, &s[i..end], name, op, vars, unknown, true);
            i = end;
            continue;
        }
        out.push(c);
        i += c.len_utf8().max(1);
    }
    out
}

/// Docker's word processing: quotes removed, escapes applied, variables
/// substituted (not inside single quotes).
fn substitute(s: &str, esc: char, vars: &Vars, unknown: &mut Vec<String>) -> String {
    let closers = closers(s);
    let mut out = String::new();
    let mut quote: Option<char> = None;
    let mut i = 0;
    while i < s.len() {
        let c = s[i..].chars().next().unwrap_or('\0');
        let next = s[i + c.len_utf8()..].chars().next();
        match quote {
            Some('\'') => {
                if c == '\'' {
                    quote = None;
                } else {
                    out.push(c);
                }
            }
            Some(_) if c == '"' => quote = None,
            Some(_) if c == esc => match next {
                Some(n) if n == '"' || n == '$' || n == esc => {
                    out.push(n);
                    i += c.len_utf8() + n.len_utf8();
                    continue;
                }
                _ => out.push(c),
            },
            None if c == '\'' || c == '"' => quote = Some(c),
            None if c == esc => {
                if let Some(n) = next {
                    out.push(n);
                    i += c.len_utf8() + n.len_utf8();
                    continue;
                }
                out.push(c);
            }
            _ if c == '$' => {
                if let Some((end, name, op)) = var_ref(s, i, &closers) {
                    resolve(&mut out, &s[i..end], name, op, vars, unknown, false);
                    i = end;
                    continue;
                }
                out.push(c);
            }
            _ => out.push(c),
        }
        i += c.len_utf8();
    }
    out
}

/// A JSON array of strings filling `text[r]` (surrounding whitespace
/// aside): each string's value and the range of its text inside the quotes.
fn json_strings(text: &str, r: Range<usize>) -> Option<Vec<(String, Range<usize>)>> {
    let b = text.as_bytes();
    let end = r.end.min(b.len());
    let mut i = r.start;
    let ws = |i: &mut usize| {
        while *i < end && matches!(b[*i], b' ' | b'\t' | b'\n' | b'\r') {
            *i += 1;
        }
    };
    ws(&mut i);
    if b.get(i) != Some(&b'[') || i >= end {
        return None;
    }
    i += 1;
    let mut out = Vec::new();
    ws(&mut i);
    if i < end && b[i] == b']' {
        i += 1;
        ws(&mut i);
        return (i == end).then_some(out);
    }
    loop {
        ws(&mut i);
        if i >= end || b[i] != b'"' {
            return None;
        }
        i += 1;
        let start = i;
        let mut s = String::new();
        loop {
            if i >= end {
                return None;
            }
            let c = text[i..].chars().next()?;
            match c {
                '"' => break,
                '\\' => {
                    let e = *b.get(i + 1)?;
                    i += 2;
                    match e {
                        b'"' => s.push('"'),
                        b'\\' => s.push('\\'),
                        b'/' => s.push('/'),
                        b'b' => s.push('\u{8}'),
                        b'f' => s.push('\u{c}'),
                        b'n' => s.push('\n'),
                        b'r' => s.push('\r'),
                        b't' => s.push('\t'),
                        b'u' => {
                            let hex = |i: usize| {
                                text.get(i..i + 4)
                                    .filter(|h| h.bytes().all(|c| c.is_ascii_hexdigit()))
                                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                            };
                            let hi = hex(i)?;
                            i += 4;
                            let cp = if (0xD800..0xDC00).contains(&hi)
                                && text.get(i..i + 2) == Some("\\u")
                                && let Some(lo) = hex(i + 2)
                                && (0xDC00..0xE000).contains(&lo)
                            {
                                i += 6;
                                0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00)
                            } else {
                                hi
                            };
                            s.push(char::from_u32(cp).unwrap_or('\u{fffd}'));
                        }
                        _ => return None,
                    }
                    continue;
                }
                c if (c as u32) < 0x20 => return None,
                c => s.push(c),
            }
            i += c.len_utf8();
        }
        out.push((s, start..i));
        i += 1;
        ws(&mut i);
        match b.get(i) {
            Some(b',') if i < end => i += 1,
            Some(b']') if i < end => {
                i += 1;
                ws(&mut i);
                return (i == end).then_some(out);
            }
            _ => return None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn parse(text: &str) -> Dockerfile {
        let file = SourceFile::new(PathBuf::from("Dockerfile"), text.to_string());
        match Dockerfile::parse(file) {
            Ok(d) => d,
            Err(e) => panic!("{e}"),
        }
    }

    fn texts(words: &[Word]) -> Vec<&str> {
        words.iter().map(|w| w.text.as_str()).collect()
    }

    fn snippet(w: &Word) -> &str {
        w.at.as_ref().map(|a| a.snippet()).unwrap_or("<none>")
    }

    fn env<'a>(s: &'a Stage, k: &str) -> &'a Word {
        &s.env.iter().rev().find(|(n, _)| n == k).expect(k).1
    }

    #[test]
    fn multi_stage_with_copy_from() {
        let d = parse(
            "FROM golang:1.22 AS build\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app\n\n\
             FROM gcr.io/distroless/base\nCOPY --from=build --chown=1:1 /out/app /app\nENTRYPOINT [\"/app\"]\n",
        );
        assert_eq!(d.stages.len(), 2);
        assert_eq!(d.stages[0].name.as_deref(), Some("build"));
        assert_eq!(d.stage("BUILD").unwrap().from.text, "golang:1.22");
        let last = d.final_stage().unwrap();
        assert_eq!(last.from.text, "gcr.io/distroless/base");
        assert_eq!(last.at.start().0, 6);
        assert!(last.workdir.is_none());
        let c = &last.copies[0];
        assert_eq!(c.from.as_deref(), Some("build"));
        assert_eq!(texts(&c.sources), ["/out/app"]);
        assert_eq!(c.dest.text, "/app");
        assert_eq!(snippet(&c.dest), "/app");
        assert_eq!(c.at.start().0, 7);
        assert_eq!(texts(&d.stages[0].copies[0].sources), ["."]);
        assert_eq!(texts(last.entrypoint.as_ref().unwrap()), ["/app"]);
        assert!(last.cmd.is_none());
    }

    #[test]
    fn arg_defaults_in_from_and_env() {
        let d = parse(
            "ARG BASE=node\nARG TAG=20\nFROM ${BASE}:$TAG-slim AS app\nARG TAG\nARG PORT=8080\n\
             ENV APP_PORT=${PORT} T=${TAG} MISSING=$NOPE D=${NOPE:-dflt}\n",
        );
        let s = &d.stages[0];
        assert_eq!(s.from.text, "node:20-slim");
        assert_eq!(snippet(&s.from), "${BASE}:$TAG-slim");
        assert_eq!(env(s, "APP_PORT").text, "8080");
        assert_eq!(snippet(env(s, "APP_PORT")), "${PORT}");
        assert_eq!(env(s, "T").text, "20");
        assert_eq!(env(s, "D").text, "dflt");
        let m = env(s, "MISSING");
        assert_eq!(m.text, "$NOPE");
        assert!(m.unknown.is_some());
        assert!(env(s, "APP_PORT").unknown.is_none());
    }

    #[test]
    fn global_arg_needs_redeclaring_in_a_stage() {
        let d = parse("ARG V=1\nFROM x\nENV A=$V\n");
        let a = env(&d.stages[0], "A");
        assert_eq!(a.text, "$V");
        assert!(a.unknown.is_some());
        let d = parse("FROM x:$UNSET\n");
        assert!(d.stages[0].from.unknown.is_some());
    }

    #[test]
    fn env_both_forms_and_quotes() {
        let d = parse(
            "FROM x\nENV LEGACY hello world\nENV A=1 B=\"two words\" C='$A' D=$A\\ x\nENV E=${A}$B\n",
        );
        let s = &d.stages[0];
        assert_eq!(env(s, "LEGACY").text, "hello world");
        assert_eq!(snippet(env(s, "LEGACY")), "hello world");
        assert_eq!(env(s, "A").text, "1");
        assert_eq!(env(s, "B").text, "two words");
        assert_eq!(env(s, "C").text, "$A");
        // Pairs of one ENV see only what was set before it.
        assert!(env(s, "D").unknown.is_some());
        assert_eq!(env(s, "E").text, "1two words");
        let names: Vec<&str> = s.env.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(names, ["LEGACY", "A", "B", "C", "D", "E"]);
        let d = parse("FROM x AS a\nENV A=1 B=2\nFROM a\nENV A=3\n");
        let s = &d.stages[1];
        assert_eq!(s.env.len(), 2);
        assert_eq!(s.env[0].1.text, "3");
        assert_eq!(s.env[0].1.at.as_ref().unwrap().start().0, 4);
    }

    #[test]
    fn workdir_relative_joins() {
        let d = parse("FROM x\nWORKDIR /a\nWORKDIR b/c\nWORKDIR ../d\nENV X=e\nWORKDIR $X\n");
        let w = d.stages[0].workdir.as_ref().unwrap();
        assert_eq!(w.text, "/a/b/d/e");
        assert_eq!(snippet(w), "$X");
        let d = parse("FROM x\nWORKDIR rel\n");
        assert_eq!(d.stages[0].workdir.as_ref().unwrap().text, "rel");
    }

    #[test]
    fn entrypoint_and_cmd_forms_located() {
        let d = parse(
            "FROM x\nENTRYPOINT [\"gunicorn\", \"--keep-alive\", \"75\"]\nCMD gunicorn app:app --timeout $T\n",
        );
        let s = &d.stages[0];
        let ep = s.entrypoint.as_ref().unwrap();
        assert_eq!(texts(ep), ["gunicorn", "--keep-alive", "75"]);
        for w in ep {
            assert_eq!(snippet(w), w.text);
        }
        assert_eq!(ep[2].at.as_ref().unwrap().start(), (2, 42));
        let cmd = s.cmd.as_ref().unwrap();
        assert_eq!(
            texts(cmd),
            ["/bin/sh", "-c", "gunicorn app:app --timeout $T"]
        );
        assert_eq!(snippet(&cmd[2]), cmd[2].text);
        assert!(cmd[0].at.is_none());
    }

    #[test]
    fn entrypoint_resets_cmd_unless_set_before_in_stage() {
        let d = parse(
            "FROM x AS a\nCMD [\"serve\"]\nFROM a AS b\nENTRYPOINT [\"run\"]\nFROM x AS c\nCMD [\"c\"]\nENTRYPOINT [\"e\"]\n",
        );
        assert!(d.stages[1].cmd.is_none());
        assert_eq!(texts(d.stages[2].cmd.as_ref().unwrap()), ["c"]);
    }

    #[test]
    fn shell_instruction_changes_shell_form() {
        let d = parse("FROM x\nSHELL [\"bash\", \"-lc\"]\nCMD exec node server.js\n");
        let cmd = d.stages[0].cmd.as_ref().unwrap();
        assert_eq!(texts(cmd), ["bash", "-lc", "exec node server.js"]);
        assert_eq!(snippet(&cmd[0]), "bash");
    }

    #[test]
    fn continuations_and_comments() {
        let d = parse(
            "# a comment\nFROM x\nCMD [\"node\", \\\n# inside\n\n     \"server.js\"]\nENV A=1 \\\n    B=2\n",
        );
        let s = &d.stages[0];
        let cmd = s.cmd.as_ref().unwrap();
        assert_eq!(texts(cmd), ["node", "server.js"]);
        assert_eq!(snippet(&cmd[1]), "server.js");
        assert_eq!(cmd[1].at.as_ref().unwrap().start().0, 6);
        assert_eq!(env(s, "B").text, "2");
        assert_eq!(env(s, "B").at.as_ref().unwrap().start().0, 8);
    }

    #[test]
    fn shell_form_across_lines_is_located_at_its_text() {
        let d = parse("FROM x\nCMD node \\\n  server.js\n");
        let cmd = d.stages[0].cmd.as_ref().unwrap();
        assert_eq!(cmd[2].text, "node   server.js");
        assert_eq!(snippet(&cmd[2]), "node \\\n  server.js");
    }

    #[test]
    fn escape_directive_backtick() {
        let d = parse(
            "# syntax=docker/dockerfile:1\n# escape=`\nFROM mcr.microsoft.com/windows\nWORKDIR C:\\app\nCMD [\"app.exe\", `\n  \"--port\"]\n",
        );
        let s = &d.stages[0];
        assert_eq!(s.workdir.as_ref().unwrap().text, "C:\\app");
        assert_eq!(texts(s.cmd.as_ref().unwrap()), ["app.exe", "--port"]);
        // After an instruction, a directive is a comment.
        let d = parse("FROM x\n# escape=`\nCMD a \\\n b\n");
        assert_eq!(d.stages[0].cmd.as_ref().unwrap()[2].text, "a  b");
    }

    #[test]
    fn json_escaped_quotes() {
        let d = parse("FROM x\nCMD [\"sh\", \"-c\", \"echo \\\"hi\\\" \\u00e9\\ud83d\\ude00\"]\n");
        let cmd = d.stages[0].cmd.as_ref().unwrap();
        assert_eq!(cmd[2].text, "echo \"hi\" é😀");
        assert_eq!(snippet(&cmd[2]), "echo \\\"hi\\\" \\u00e9\\ud83d\\ude00");
        // Not JSON: the shell form, as Docker does.
        let d = parse("FROM x\nCMD [\"a\", b]\n");
        assert_eq!(d.stages[0].cmd.as_ref().unwrap()[2].text, "[\"a\", b]");
    }

    #[test]
    fn heredoc_bodies_are_skipped() {
        let d = parse(
            "FROM x\nRUN <<EOF\nCMD not-this\nEOF\nCOPY <<-'CONF' /etc/app.conf\n\tFROM nothing\n\tCONF\nCMD [\"real\"]\n",
        );
        assert_eq!(d.stages.len(), 1);
        assert_eq!(texts(d.stages[0].cmd.as_ref().unwrap()), ["real"]);
        assert_eq!(d.stages[0].copies[0].dest.text, "/etc/app.conf");
    }

    #[test]
    fn inherited_stage() {
        let d = parse(
            "FROM python:3.12 AS base\nENV PORT=8000\nWORKDIR /app\nCMD [\"uvicorn\", \"main:app\"]\n\
             FROM base AS prod\nENV WORKERS=4\nWORKDIR srv\nFROM python:3.12\n",
        );
        let prod = d.stage("prod").unwrap();
        assert_eq!(env(prod, "PORT").text, "8000");
        assert_eq!(env(prod, "PORT").at.as_ref().unwrap().start().0, 2);
        assert_eq!(env(prod, "WORKERS").text, "4");
        assert_eq!(prod.workdir.as_ref().unwrap().text, "/app/srv");
        assert_eq!(texts(prod.cmd.as_ref().unwrap()), ["uvicorn", "main:app"]);
        let last = d.final_stage().unwrap();
        assert!(last.env.is_empty() && last.cmd.is_none() && last.workdir.is_none());
    }

    #[test]
    fn effective_argv_follows_docker() {
        let d = parse("FROM x\nENTRYPOINT [\"ep\"]\nCMD [\"c1\", \"c2\"]\n");
        let s = &d.stages[0];
        let w = |t: &str| Word::new(t, None);
        let all = |v: Vec<Word>| v.into_iter().map(|w| w.text).collect::<Vec<_>>();
        assert_eq!(all(effective_argv(s, None, None)), ["ep", "c1", "c2"]);
        assert_eq!(all(effective_argv(s, None, Some(&[w("t")]))), ["ep", "t"]);
        assert_eq!(all(effective_argv(s, Some(&[w("e")]), None)), ["e"]);
        assert_eq!(
            all(effective_argv(s, Some(&[w("e")]), Some(&[w("t")]))),
            ["e", "t"]
        );
        assert_eq!(
            all(effective_argv(s, Some(&[]), Some(&[]))),
            ["ep", "c1", "c2"]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let file = |t: &str| SourceFile::new(PathBuf::from("Dockerfile"), t.to_string());
        let e = Dockerfile::parse(file("# c\nCMD x\n")).err().unwrap();
        assert!(e.starts_with("line 2:"), "{e}");
        let e = Dockerfile::parse(file("FROM x\nBOGUS y\n")).err().unwrap();
        assert!(e.starts_with("line 2:"), "{e}");
        let e = Dockerfile::parse(file("FROM x\nCOPY onlyone\n"))
            .err()
            .unwrap();
        assert!(e.starts_with("line 2:"), "{e}");
        assert!(Dockerfile::parse(file("")).is_err());
        let many = "FROM x\n".to_string() + &"RUN a\n".repeat(MAX_INSTRUCTIONS);
        let e = Dockerfile::parse(file(&many)).err().unwrap();
        assert!(e.contains("more than"), "{e}");
    }

    #[test]
    fn hostile_words_take_linear_time() {
        let start = std::time::Instant::now();
        for body in ["${A:-", "${", "\\\n", "<<EOF ", "[\"", "$A"] {
            let text = format!(
                "FROM x\nENV K={}\nCMD {}\nRUN {}\n",
                body.repeat(50_000),
                body.repeat(50_000),
                body.repeat(50_000)
            );
            let _ = Dockerfile::parse(SourceFile::new(PathBuf::from("D"), text));
        }
        let lines = "FROM s AS s\nENV A=1\n".repeat(MAX_INSTRUCTIONS / 2);
        let _ = Dockerfile::parse(SourceFile::new(PathBuf::from("D"), lines));
        let wide = format!(
            "FROM x AS s\nCMD [{}\"a\"]\n{}",
            "\"a\",".repeat(100_000),
            "FROM s AS s\n".repeat(5_000)
        );
        let e = Dockerfile::parse(SourceFile::new(PathBuf::from("D"), wide));
        assert!(e.is_err());
        assert!(start.elapsed().as_secs() < 10);
    }

    #[test]
    fn nested_defaults() {
        let d =
            parse("FROM x\nARG B=b\nENV K=${A:-${B}-x} L=${A:-${B:-z}} N=${A:-${C:-z}} M=${A:-\n");
        let s = &d.stages[0];
        assert_eq!(env(s, "K").text, "b-x");
        assert_eq!(env(s, "L").text, "b");
        assert_eq!(env(s, "N").text, "z");
        assert_eq!(env(s, "M").text, "${A:-");
    }

    #[test]
    fn random_and_truncated_input_does_not_panic() {
        let mut random = crate::testing::Random::new(0x2545_f491_4f6c_dd1d);
        let alphabet: Vec<char> = "FROMCMDENTRYPOINTENVARGWORKDIRCOPYADDSHELLRUN AS as=$ {}[]\"'\\`#:-+?\n\r\t<<EOF-é😀,/."
            .chars()
            .collect();
        for _ in 0..3000 {
            let len = random.below(200);
            let s: String = (0..len).map(|_| *random.pick(&alphabet)).collect();
            let file = SourceFile::new(PathBuf::from("D"), s);
            let _ = Dockerfile::parse(file);
        }
        let good = "# escape=\\\nARG A=1\nFROM x:${A:-$B} AS s\nENV K=\"v w\" L ${K:+y}\nWORKDIR a\nCOPY --from=s [\"/a\", \"/b\"]\nRUN <<EOF\nx\nEOF\nCMD [\"a\\\"\", \\\n \"b\"]\nENTRYPOINT sh -c 'x'\nFROM s\n";
        for (i, _) in good.char_indices() {
            let file = SourceFile::new(PathBuf::from("D"), good[..i].to_string());
            if let Ok(d) = Dockerfile::parse(file) {
                for s in &d.stages {
                    let _ = effective_argv(s, None, None);
                    for w in s.cmd.iter().flatten().chain(s.entrypoint.iter().flatten()) {
                        let _ = snippet(w);
                    }
                }
            }
        }
    }
}
