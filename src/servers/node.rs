//! Node.js HTTP servers (DOMAIN.md rows "Node.js http" and "Next.js";
//! nodejs/node `lib/_http_server.js`, vercel/next.js `bin/next.ts`).
//!
//! Node's keep-alive is set in the application's code:
//! `server.keepAliveTimeout = 65000` on the `http.Server`, or since Node
//! 18.17/20.1 `http.createServer({ keepAliveTimeout: 65000 })`; unset, it is
//! 5000 ms (`storeHTTPOptions` in nodejs/node `lib/_http_server.js`, v22:
//! `this.keepAliveTimeout = 5_000`). Node's main branch has 65 s (PR
//! #62782), in no released line yet. Fastify creates its server with its own
//! `keepAliveTimeout` default of 72 s (fastify `docs/Reference/Server.md`,
//! `lib/server.js` v5), so an app that uses Fastify and sets nothing gets 72 s.
//!
//! When the image is built here (its Dockerfile is in the scan), keepalign
//! reads that code: the entry file `node` runs (or the `scripts` entry of
//! `package.json` that `npm start`, `npm run NAME`, `yarn NAME` or
//! `pnpm start` runs, as `sh -c` runs it), then the files it `require`s or
//! `import`s with relative paths, breadth first and bounded (see
//! [`MAX_FILES`], [`MAX_DEPTH`]), looking for `keepAliveTimeout` set on a
//! server (`js.rs`). A value that is not a number keepalign can evaluate, a
//! file it cannot read, or a required file not in the build context makes
//! the keep-alive unresolved, never the default. When the entry file is
//! not in the build context (`dist/index.js` compiled by `RUN npm run
//! build`), the TypeScript source beside it (`src/index.ts`) is read
//! instead, when a stage of the Dockerfile copies it.
//!
//! Without the image's files, `node app.js`, `npm start` and friends get
//! Node's default, as before. Next.js is visible from the command:
//! `next start --keepAliveTimeout <ms>`, and the standalone `server.js`
//! reads `KEEP_ALIVE_TIMEOUT` (ms) and ignores its arguments.

use super::args;
use super::command::{self, basename};
use super::js::{self, Code};
use super::{Invocation, KeepAlive, RequestTimeoutEnd, ServerProfile, Unit, millis};
use crate::image_files::{ImageFile, ImageFiles, absolute};
use crate::model::{Seconds, Setting, Unresolved, Word};
use crate::source::{Location, SourceFile};
use std::collections::{HashSet, VecDeque};
use std::sync::Arc;

const NODE_DEFAULT: &str =
    "Node.js http server default (server.keepAliveTimeout = 5000 ms; set in code)";

/// Files of the application read to find its keep-alive.
pub(crate) const MAX_FILES: usize = 32;
/// `require` hops followed from the entry file.
pub(crate) const MAX_DEPTH: usize = 8;
/// `npm run` scripts that run another script, followed.
const MAX_SCRIPTS: usize = 4;

const DECLARE: &str =
    "declare the keep-alive in keepalign.toml ([[service]] with keep-alive = SECONDS)";

/// Options of npm and pnpm that take a value and may come before the
/// command (`npm --prefix web start`, `pnpm -C web start`).
const PACKAGE_MANAGER_OPTIONS: &[&str] = &[
    "--prefix",
    "-C",
    "--dir",
    "--cwd",
    "--workspace",
    "-w",
    "--filter",
    "--userconfig",
    "--loglevel",
];

pub(super) fn recognise(ctx: &Invocation) -> Option<ServerProfile> {
    recognise_in(ctx, None, 0)
}

/// `cwd`: the directory a package.json script runs in, when not the
/// WORKDIR; `scripts`: how many scripts led here.
fn recognise_in(ctx: &Invocation, cwd: Option<&str>, scripts: usize) -> Option<ServerProfile> {
    let args = ctx.args();
    let first = args.first().map(|w| w.text.as_str());
    match ctx.program()? {
        "next" if first == Some("start") => Some(next_start(ctx)),
        "fastify" if first == Some("start") => Some(fastify_start(ctx)),
        "node" | "nodejs" | "ts-node" | "tsx" => Some(node(ctx, cwd)),
        p @ ("npm" | "pnpm")
            if matches!(
                args::positionals(args, PACKAGE_MANAGER_OPTIONS)
                    .first()
                    .map(|w| w.text.as_str()),
                Some("start" | "run" | "run-script")
            ) =>
        {
            Some(package_script(ctx, p, cwd, scripts))
        }
        "yarn" if first.is_some_and(|f| !f.starts_with('-')) => {
            Some(package_script(ctx, "yarn", cwd, scripts))
        }
        "pm2-runtime" => Some(package_script(ctx, "pm2-runtime", cwd, scripts)),
        _ => None,
    }
}

fn code_fix(s: Seconds) -> String {
    format!(
        "server.keepAliveTimeout = {}; server.headersTimeout = {} (in the app's code, on the \
         http.Server)",
        millis(s),
        millis(s + 1.0)
    )
}

fn profile(ctx: &Invocation, description: String, keep_alive: Setting<Seconds>) -> ServerProfile {
    ServerProfile {
        server: "node",
        description,
        identified_at: ctx.server_at(),
        keep_alive: KeepAlive::Timeout(keep_alive),
        graceful_timeout: None,
        request_timeout: None,
        request_timeout_end: RequestTimeoutEnd::Killed,
        keep_alive_fix: code_fix,
        graceful_fix: None,
    }
}

fn node(ctx: &Invocation, cwd: Option<&str>) -> ServerProfile {
    let positional = args::positionals(
        ctx.args(),
        &[
            "-r",
            "--require",
            "--import",
            "--loader",
            "--experimental-loader",
            "-e",
            "--eval",
        ],
    );
    let script = positional.first().map(|w| w.text.as_str()).unwrap_or("");
    let described = if script.is_empty() {
        "Node.js".to_string()
    } else {
        format!("Node.js (node {script})")
    };
    match basename(script) {
        // `node node_modules/.bin/next start ...`
        "next" if positional.get(1).is_some_and(|w| w.text == "start") => next_start(ctx),
        // Next.js standalone output: reads KEEP_ALIVE_TIMEOUT, ignores its argv.
        "server.js" if ctx.env("KEEP_ALIVE_TIMEOUT").is_some() => {
            let ka = ctx
                .env_seconds("KEEP_ALIVE_TIMEOUT", Unit::Millis)
                .unwrap_or_else(|| ctx.default(5.0, NODE_DEFAULT));
            ServerProfile {
                keep_alive_fix: |s| format!("KEEP_ALIVE_TIMEOUT={}", millis(s)),
                ..profile(
                    ctx,
                    format!("Next.js standalone server (node {script})"),
                    ka,
                )
            }
        }
        name => {
            let standalone = name == "server.js";
            let found = match &ctx.files {
                Some(files) => from_code(ctx, files, cwd, script),
                None => Found {
                    keep_alive: ctx.default(5.0, NODE_DEFAULT),
                    fastify: false,
                    note: None,
                },
            };
            let mut p = profile(
                ctx,
                match &found.note {
                    Some(n) => format!("{described}, {n}"),
                    None => described,
                },
                found.keep_alive,
            );
            if found.fastify {
                p.keep_alive_fix = fastify_fix;
            } else if standalone {
                p.keep_alive_fix = |s| {
                    format!(
                        "{} (for a Next.js standalone server.js: KEEP_ALIVE_TIMEOUT={})",
                        code_fix(s),
                        millis(s)
                    )
                };
            }
            p
        }
    }
}

fn fastify_fix(s: Seconds) -> String {
    format!(
        "keepAliveTimeout: {} in the Fastify server options (in the app's code)",
        millis(s)
    )
}

fn next_start(ctx: &Invocation) -> ServerProfile {
    let keep_alive = match args::find(ctx.args(), &["--keepAliveTimeout"], &[]) {
        Some(f) => ctx.seconds(
            &f.value,
            ctx.shell,
            "next start --keepAliveTimeout",
            Unit::Millis,
        ),
        None => ctx.default(
            5.0,
            "Node.js http server default (server.keepAliveTimeout = 5000 ms; no \
             --keepAliveTimeout flag on next start)",
        ),
    };
    ServerProfile {
        keep_alive_fix: |s| format!("--keepAliveTimeout {}", millis(s)),
        ..profile(ctx, "Next.js (next start)".into(), keep_alive)
    }
}

/// `fastify start app.js` (fastify-cli): Fastify's own `keepAliveTimeout`
/// default is 72 s (fastify `docs/Reference/Server.md`), not Node's 5 s; the
/// app may still set another in code.
fn fastify_start(ctx: &Invocation) -> ServerProfile {
    ServerProfile {
        keep_alive_fix: fastify_fix,
        ..profile(
            ctx,
            "Fastify (fastify start)".into(),
            ctx.default(
                72.0,
                "Fastify default (keepAliveTimeout = 72000 ms; set in code)",
            ),
        )
    }
}

/// `npm start`, `npm run NAME`, `yarn NAME`, `pnpm start`, `pm2-runtime
/// app.js`. With the image's files, the script package.json names is run
/// as `sh -c` runs it and recognised in turn; without them, a Node.js
/// server with Node's default.
fn package_script(
    ctx: &Invocation,
    program: &str,
    cwd: Option<&str>,
    scripts: usize,
) -> ServerProfile {
    let all = ctx.args();
    let args = args::positionals(all, PACKAGE_MANAGER_OPTIONS);
    let (name, shown) = match (args.first(), args.get(1)) {
        _ if program == "pm2-runtime" => (None, program.to_string()),
        (Some(run), Some(script)) if matches!(run.text.as_str(), "run" | "run-script") => (
            Some(script.text.clone()),
            format!("{program} {} {}", run.text, script.text),
        ),
        (Some(w), _) => (Some(w.text.clone()), format!("{program} {}", w.text)),
        (None, _) => (None, program.to_string()),
    };
    let described = format!("Node.js ({shown})");
    let Some(files) = &ctx.files else {
        return profile(ctx, described, ctx.default(5.0, NODE_DEFAULT));
    };
    let unresolved = |why: String, at: Option<Location>| {
        profile(
            ctx,
            described.clone(),
            Setting::unresolved(
                format!(
                    "{why}; keepalign cannot tell the server's keep-alive (server.keepAliveTimeout \
                     in the app's code), so {DECLARE}"
                ),
                at.or_else(|| ctx.server_at()),
            ),
        )
    };
    if program == "pm2-runtime" {
        return unresolved(
            "pm2-runtime starts the processes of its ecosystem file, which keepalign does not \
             read"
                .into(),
            None,
        );
    }
    let Some(name) = name else {
        return unresolved(format!("`{shown}` names no script"), None);
    };
    if let Some(f) = args::find(all, &["--workspace", "--filter", "-w"], &[]) {
        return unresolved(
            format!(
                "`{shown}` runs the script of a workspace ({} {}), which keepalign does not follow",
                f.flag,
                f.value.display()
            ),
            f.value.at.clone(),
        );
    }
    if scripts >= MAX_SCRIPTS {
        return unresolved(
            format!(
                "`{shown}` is the {MAX_SCRIPTS}th script run by a script; keepalign stops here"
            ),
            None,
        );
    }
    let base = cwd.unwrap_or(files.workdir());
    let dir = match args::find(all, &["--prefix", "-C", "--dir", "--cwd"], &[]) {
        Some(f) => absolute(base, &f.value.text),
        None => absolute(base, "."),
    };
    let manifest = absolute(&dir, "package.json");
    let file = match files.read(&manifest) {
        Ok(Some(f)) => f,
        Ok(None) => {
            return unresolved(
                format!(
                    "`{shown}` runs a script of {manifest}, which no COPY of the Dockerfile \
                     brings into the image"
                ),
                None,
            );
        }
        Err((why, at)) => {
            return unresolved(
                format!("`{shown}` runs a script of {manifest}, and {why}"),
                Some(at),
            );
        }
    };
    let json = match crate::json::parse(&file.file.text) {
        Ok(j) => j,
        Err(e) => {
            return unresolved(
                format!(
                    "{} is not valid JSON ({}), so keepalign cannot tell what `{shown}` runs",
                    file.file.display, e.message
                ),
                Some(Location::char_at(&file.file, e.offset)),
            );
        }
    };
    let script = json.get("scripts").and_then(|s| s.get(&name));
    let word = match script.map(|s| &s.kind) {
        Some(crate::json::JsonKind::String { value, raw }) => {
            Word::new(value.clone(), Some(Location::new(&file.file, raw.clone())))
        }
        Some(_) => {
            return unresolved(
                format!("`scripts.{name}` in {} is not a string", file.file.display),
                script.map(|s| Location::new(&file.file, s.span.clone())),
            );
        }
        // npm runs `node server.js` when there is no start script and a
        // server.js (npm docs, `npm start`).
        None if name == "start" && program != "yarn" => {
            let at = Location::new(&file.file, 0..0);
            Word::new("node server.js", Some(at))
        }
        None => {
            return unresolved(
                format!(
                    "{} has no script `{name}`, so `{shown}` fails",
                    file.file.display
                ),
                Some(Location::new(
                    &file.file,
                    json.span.start..json.span.start + 1,
                )),
            );
        }
    };
    let peeled = command::peel(vec![
        Word::new("sh", None),
        Word::new("-c", None),
        word.clone(),
    ]);
    let mut argv = peeled.argv;
    let mut assignments = ctx.assignments.clone();
    assignments.extend(peeled.assignments);
    // `cross-env NODE_ENV=production node dist/main.js`
    if argv
        .first()
        .is_some_and(|w| basename(&w.text) == "cross-env")
    {
        argv.remove(0);
        while argv.first().is_some_and(|w| command::assignment(&w.text)) {
            let w = argv.remove(0);
            if let Some((n, _)) = w.text.split_once('=') {
                let value = w.sub(n.len() + 1..w.text.len());
                assignments.push((n.to_string(), value));
            }
        }
    }
    // `npm start -- --port 3000`: the words after `--` go to the script.
    if let Some(i) = all.iter().position(|w| w.text == "--") {
        argv.extend(all[i + 1..].iter().cloned());
    }
    if argv.is_empty() {
        return unresolved(
            format!(
                "`{shown}` runs `{}` ({}), which starts no program keepalign can see",
                word.text, file.file.display
            ),
            word.at.clone(),
        );
    }
    let inner = Invocation {
        container: ctx.container,
        argv,
        assignments,
        env_cleared: ctx.env_cleared || peeled.env_cleared,
        shell: peeled.shell,
        command_at: word.at.clone(),
        files: ctx.files,
        python_module: None,
        port: ctx.port,
    };
    let found = recognise_in(&inner, Some(&dir), scripts + 1)
        .or_else(|| super::RECOGNISERS.iter().find_map(|(_, r)| r(&inner)));
    match found {
        Some(mut p) => {
            p.description = format!("{} via `{shown}`", p.description);
            p
        }
        None => unresolved(
            format!(
                "`{shown}` runs `{}` ({}), which starts no server keepalign knows",
                word.text, file.file.display
            ),
            word.at.clone(),
        ),
    }
}

/// The keep-alive the application's code sets, and how keepalign found it.
struct Found {
    keep_alive: Setting<Seconds>,
    /// The app uses Fastify (its default applies when nothing is set).
    fastify: bool,
    /// For the description: "read from the TypeScript source src/main.ts".
    note: Option<String>,
}

/// Code file extensions, in the order Node (and TypeScript) try them.
const JS: &[&str] = &["js", "mjs", "cjs"];
const TS: &[&str] = &["ts", "tsx", "mts", "cts", "js", "mjs", "cjs"];
/// Imports that are not code: not read.
const NOT_CODE: &[&str] = &[
    "json", "css", "scss", "sass", "less", "node", "html", "svg", "png", "jpg", "gif", "txt", "md",
    "graphql", "gql", "yaml", "yml", "wasm", "sql", "hbs", "ejs", "pug",
];

fn is_ts(path: &str) -> bool {
    [".ts", ".tsx", ".mts", ".cts"]
        .iter()
        .any(|e| path.ends_with(e))
}

/// Where a module specifier leads in the image.
enum Lookup {
    Found(ImageFile),
    /// No COPY brings any of the candidates: the paths tried.
    Missing,
    /// Something keepalign cannot follow may bring the first candidate
    /// that is not missing.
    Unknown(String, Location),
}

/// The file `path` names as Node resolves it: the path itself, with an
/// extension, or the directory's `index` (and for the entry, the
/// directory's package.json `main`). TypeScript sources may import
/// `./app.js` for `./app.ts`.
fn lookup(files: &ImageFiles, path: &str, ts: bool, main: bool) -> Lookup {
    let exts = if ts { TS } else { JS };
    let mut candidates = vec![path.to_string()];
    if ts {
        for (js, ts) in [(".js", ".ts"), (".mjs", ".mts"), (".cjs", ".cts")] {
            if let Some(stem) = path.strip_suffix(js) {
                candidates.insert(0, format!("{stem}{ts}"));
            }
        }
    }
    candidates.extend(exts.iter().map(|e| format!("{path}.{e}")));
    if main {
        match files.read(&absolute(path, "package.json")) {
            Ok(Some(f)) => {
                if let Some(m) = crate::json::parse(&f.file.text)
                    .ok()
                    .and_then(|j| j.get("main").and_then(|m| m.as_str().map(str::to_string)))
                {
                    let m = absolute(path, &m);
                    candidates.push(m.clone());
                    candidates.extend(exts.iter().map(|e| format!("{m}.{e}")));
                    candidates.extend(exts.iter().map(|e| absolute(&m, &format!("index.{e}"))));
                }
            }
            Ok(None) => {}
            Err((why, at)) => return Lookup::Unknown(why, at),
        }
    }
    candidates.extend(exts.iter().map(|e| absolute(path, &format!("index.{e}"))));
    for c in candidates {
        match files.read(&c) {
            Ok(Some(f)) => return Lookup::Found(f),
            Ok(None) => {}
            Err((why, at)) => return Lookup::Unknown(why, at),
        }
    }
    Lookup::Missing
}

/// The keep-alive of the app `node SCRIPT` runs, from its code in the image.
fn from_code(ctx: &Invocation, files: &ImageFiles, cwd: Option<&str>, script: &str) -> Found {
    let unresolved = |why: String, at: Option<Location>| Found {
        keep_alive: Setting::unresolved(
            format!(
                "{why}; the keep-alive is set in the app's code (server.keepAliveTimeout), so \
                 {DECLARE}"
            ),
            at.or_else(|| ctx.server_at()),
        ),
        fastify: false,
        note: None,
    };
    if script.is_empty() || script == "-" {
        return unresolved(
            "node runs no script file (`-e`, or code from its input)".into(),
            None,
        );
    }
    let path = absolute(cwd.unwrap_or(files.workdir()), script);
    let entry = match lookup(files, &path, is_ts(&path), true) {
        Lookup::Found(f) => f,
        Lookup::Unknown(why, at) => {
            return unresolved(
                format!("node runs `{script}` ({path} in the image), and {why}"),
                Some(at),
            );
        }
        Lookup::Missing => match typescript_source(files, &path) {
            Some((stage_files, f)) => {
                let note = format!(
                    "read from the TypeScript source {} ({path} is built in the image)",
                    in_context(&f.file, &stage_files)
                );
                let mut found = search(ctx, &stage_files, f);
                found.note = Some(note);
                return found;
            }
            None => {
                return unresolved(
                    format!(
                        "node runs `{script}`, and no COPY of the Dockerfile brings {path} from \
                         the build context: a build step (RUN) probably produces it, and \
                         keepalign does not run builds (nor did it find its TypeScript source)"
                    ),
                    None,
                );
            }
        },
    };
    search(ctx, files, entry)
}

/// `dist/main.js` is compiled in the image from `src/main.ts`: the source,
/// from the stage of the Dockerfile that copies it (the final one or a
/// build stage), with that stage's view of the files.
fn typescript_source<'a>(
    files: &ImageFiles<'a>,
    path: &str,
) -> Option<(ImageFiles<'a>, ImageFile)> {
    let stem = path
        .strip_suffix(".js")
        .or_else(|| path.strip_suffix(".mjs"))
        .or_else(|| path.strip_suffix(".cjs"))
        .unwrap_or(path);
    let mut stems = vec![stem.to_string()];
    for out in ["/dist/", "/build/", "/out/", "/lib/"] {
        if let Some(i) = stem.find(out) {
            stems.push(format!("{}/src/{}", &stem[..i], &stem[i + out.len()..]));
        }
    }
    for stage in (0..=files.stage).rev() {
        let view = ImageFiles { stage, ..*files };
        for s in &stems {
            for ext in ["ts", "mts", "cts", "tsx"] {
                if let Ok(Some(f)) = view.read(&format!("{s}.{ext}")) {
                    return Some((view, f));
                }
            }
            if let Ok(Some(f)) = view.read(&absolute(s, "index.ts")) {
                return Some((view, f));
            }
        }
    }
    None
}

/// The evaluation environment of `process.env` for code run by `ctx`.
struct ProcessEnv<'c, 'a>(&'c Invocation<'a>);

impl js::Env for ProcessEnv<'_, '_> {
    fn var(&self, name: &str) -> Result<Option<String>, String> {
        match self.0.env(name) {
            None => Ok(None),
            Some(Ok(w)) if w.unknown.is_none() => Ok(Some(w.text)),
            Some(Ok(w)) => Err(format!(
                "process.env.{name} is `{}`, which keepalign cannot resolve",
                w.display()
            )),
            Some(Err(u)) => Err(format!(
                "process.env.{name} is set to a value keepalign cannot resolve ({})",
                u.reason.trim_end_matches('.')
            )),
        }
    }
}

/// Reads the app's code from `entry` on, following relative requires and
/// imports (at most [`MAX_FILES`] files, [`MAX_DEPTH`] hops).
fn search(ctx: &Invocation, files: &ImageFiles, entry: ImageFile) -> Found {
    let mut searched: Vec<Arc<SourceFile>> = Vec::new();
    let mut settings: Vec<(Setting<Seconds>, String)> = Vec::new();
    let mut gaps: Vec<Unresolved> = Vec::new();
    let mut fastify: Option<Location> = None;
    let mut seen = HashSet::from([entry.path.clone()]);
    let mut queue = VecDeque::from([(entry, 0usize)]);
    let mut read = 0;
    while let Some((f, depth)) = queue.pop_front() {
        read += 1;
        if read > MAX_FILES {
            gaps.push(Unresolved::new(
                format!(
                    "the app has more than {MAX_FILES} files to read from its entry file, and \
                     keepalign stops there"
                ),
                Some(f.copied_at.clone()),
            ));
            break;
        }
        let file = &f.file;
        let shown = in_context(file, files);
        let code = match Code::new(&file.text) {
            Ok(c) => c,
            Err((why, offset)) => {
                gaps.push(Unresolved::new(
                    format!("keepalign could not read {shown}: {why}"),
                    Some(Location::char_at(file, offset)),
                ));
                continue;
            }
        };
        searched.push(f.file.clone());
        for s in code.setters("keepAliveTimeout") {
            settings.push(evaluate(ctx, file, shown, &code, s));
        }
        let imports = code.imports();
        for (pkg, span) in &imports.packages {
            if fastify.is_none() && matches!(pkg.as_str(), "fastify" | "@nestjs/platform-fastify") {
                fastify = Some(Location::new(file, span.clone()));
            }
        }
        let ts = is_ts(&f.path);
        let dir = f.path.rsplit_once('/').map_or("/", |(d, _)| d);
        let dir = if dir.is_empty() { "/" } else { dir };
        for (spec, span) in imports.relative {
            let ext = spec.rsplit('/').next().and_then(|b| b.rsplit_once('.'));
            if ext.is_some_and(|(_, e)| NOT_CODE.contains(&e.to_ascii_lowercase().as_str())) {
                continue;
            }
            let at = Location::new(file, span);
            if depth + 1 > MAX_DEPTH {
                gaps.push(Unresolved::new(
                    format!(
                        "`{spec}` is required more than {MAX_DEPTH} files deep from the entry \
                         file, and keepalign stops there"
                    ),
                    Some(at),
                ));
                continue;
            }
            let target = absolute(dir, &spec);
            match lookup(files, &target, ts, false) {
                Lookup::Found(g) => {
                    if seen.insert(g.path.clone()) {
                        queue.push_back((g, depth + 1));
                    }
                }
                Lookup::Missing => gaps.push(Unresolved::new(
                    format!(
                        "{shown} requires `{spec}`, which is not in the build context ({target} \
                         in the image; a build step may produce it)"
                    ),
                    Some(at),
                )),
                Lookup::Unknown(why, _) => gaps.push(Unresolved::new(
                    format!("{shown} requires `{spec}` ({target}), and {why}"),
                    Some(at),
                )),
            }
        }
    }
    let names = shown_files(&searched, files);
    let found = |keep_alive| Found {
        keep_alive,
        fastify: fastify.is_some(),
        note: None,
    };
    if let Some((s, _)) = settings
        .iter()
        .find(|(s, _)| matches!(s, Setting::Unresolved(_)))
    {
        return found(s.clone());
    }
    if let Some((first, where_)) = settings.first() {
        let differs: Vec<&String> = settings
            .iter()
            .filter(|(s, _)| s.value() != first.value())
            .map(|(_, w)| w)
            .collect();
        if differs.is_empty() {
            return found(first.clone());
        }
        return found(Setting::unresolved(
            format!(
                "the app sets keepAliveTimeout to different values ({where_}; {}), and keepalign \
                 cannot tell which server the load balancer reaches; {DECLARE}",
                differs
                    .iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join("; ")
            ),
            first.location().cloned(),
        ));
    }
    if let Some(gap) = gaps.first() {
        return found(Setting::unresolved(
            format!(
                "keepalign found no keepAliveTimeout in {names}, but {}; the rest of the code \
                 may set the keep-alive (server.keepAliveTimeout), so {DECLARE}",
                gap.reason
            ),
            gap.at.clone(),
        ));
    }
    match &fastify {
        Some(at) => found(ctx.default(
            72.0,
            format!(
                "Fastify default (keepAliveTimeout = 72000 ms): the app uses Fastify ({}:{}) and \
                 sets no keepAliveTimeout in {names}",
                in_context(&at.file, files),
                at.start().0
            ),
        )),
        None => found(ctx.default(
            5.0,
            format!(
                "Node.js http server default (server.keepAliveTimeout = 5000 ms): not set in \
                 {names}, read from the image"
            ),
        )),
    }
}

/// A file of the build context as a path inside it (`src/app.js`), for
/// messages that also name the context.
fn in_context<'f>(file: &'f SourceFile, files: &ImageFiles) -> &'f str {
    let context = crate::source::display_path(files.context);
    let prefix = format!("{}/", context.trim_end_matches('/'));
    match file.display.strip_prefix(&prefix) {
        Some(rel) if context != "." => rel,
        _ => &file.display,
    }
}

/// `server.js, app.js and 3 more of services/api`: the files read, as
/// paths of the build context.
fn shown_files(read: &[Arc<SourceFile>], files: &ImageFiles) -> String {
    const SHOWN: usize = 6;
    let context = crate::source::display_path(files.context);
    let prefix = format!("{}/", context.trim_end_matches('/'));
    let inside = context != "." && read.iter().all(|f| f.display.starts_with(&prefix));
    let mut names: Vec<&str> = read
        .iter()
        .take(SHOWN)
        .map(|f| match f.display.strip_prefix(&prefix) {
            Some(rel) if inside => rel,
            _ => f.display.as_str(),
        })
        .collect();
    let more = read.len().saturating_sub(SHOWN);
    let extra = format!("{more} more");
    if more > 0 {
        names.push(&extra);
    }
    let list = match names.as_slice() {
        [] => "no file".into(),
        [one] => one.to_string(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    };
    if inside {
        format!("{list} of {context}")
    } else {
        list
    }
}

/// One place the code sets keepAliveTimeout, evaluated: explicit at the
/// value (or at the environment variable it reads), or unresolved saying
/// why. The second value describes it for messages.
fn evaluate(
    ctx: &Invocation,
    file: &Arc<SourceFile>,
    shown: &str,
    code: &Code<'_>,
    s: js::Setter,
) -> (Setting<Seconds>, String) {
    let at = Location::new(file, s.span.clone());
    let mut expr: String = code.text[s.span.clone()]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if expr.chars().count() > 80 {
        expr = expr.chars().take(77).collect::<String>() + "...";
    }
    let written = if s.how.contains("...") {
        s.how.replace("...", &expr)
    } else if s.how.ends_with(')') {
        s.how.clone()
    } else {
        format!("{} {expr}", s.how)
    };
    let place = format!("{shown}:{}", at.start().0);
    let described = format!("`{written}` at {place}");
    let unresolved = |why: String| {
        (
            Setting::unresolved(
                format!(
                    "the app sets `{written}` ({place}), {why}; write a number of milliseconds \
                     there, or {DECLARE}"
                ),
                Some(at.clone()),
            ),
            described.clone(),
        )
    };
    if let Some(doubt) = s.doubt {
        return unresolved(format!("but {doubt}"));
    }
    let (value, var) = match js::evaluate(code, s.value, &ProcessEnv(ctx)) {
        Ok(v) => v,
        Err(why) => {
            return unresolved(format!("which keepalign cannot evaluate ({why})"));
        }
    };
    let ms = value.number();
    let unset = var
        .as_deref()
        .filter(|v| ctx.env(v).is_none())
        .map(|v| format!(" (process.env.{v} is not set in the container)"))
        .unwrap_or_default();
    if !ms.is_finite() || ms < 0.0 {
        return unresolved(format!("which is not a number of milliseconds{unset}"));
    }
    if ms == 0.0 {
        return unresolved(
            "and 0 turns off Node's keep-alive timeout (idle connections then wait for \
             server.timeout), which keepalign does not model"
                .into(),
        );
    }
    let located = var
        .as_deref()
        .and_then(|v| match ctx.env(v) {
            Some(Ok(w)) => Some(ctx.located(&w)),
            _ => None,
        })
        .unwrap_or(at);
    (
        Setting::explicit(ms / 1000.0, located),
        format!("{} ms {described}", js_ms(ms)),
    )
}

fn js_ms(ms: f64) -> String {
    crate::model::fmt_secs(ms)
}
#[cfg(test)]
mod tests {
    use super::super::testutil::*;
    use super::super::{ServerProfile, identify_in};
    use crate::image_files::{ImageFiles, ReadCache};
    use crate::input::{Within, read_source};
    use crate::model::{Provenance, Setting};

    /// Identifies the server of a task running `cmd` (with `env`) whose
    /// image a Dockerfile builds from `files` (the first is the Dockerfile),
    /// and hands the profile to `check` with the repository's root.
    fn in_image(
        files: &[(&str, &str)],
        cmd: &[&str],
        env: &[(&str, &str)],
        check: impl FnOnce(&ServerProfile, &std::path::Path),
    ) {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        for (path, text) in files {
            let p = root.join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        let Ok(file) = read_source(&root.join(files[0].0), Within::Repository(&root)) else {
            panic!("cannot read the Dockerfile");
        };
        let dockerfile = crate::dockerfile::Dockerfile::parse(file).unwrap();
        let cache = ReadCache::default();
        let image = ImageFiles {
            dockerfile: &dockerfile,
            stage: dockerfile.stages.len() - 1,
            context: &root,
            root: &root,
            cache: &cache,
            link: "test",
            workdir: None,
        };
        let mut task = task().cmd(cmd);
        for (k, v) in env {
            task = task.env(k, v);
        }
        let b = task.build();
        match identify_in(&b.container, Some(image), None) {
            Ok(p) => check(&p, &root),
            Err(u) => panic!("not identified: {}", u.reason),
        }
    }

    /// The keep-alive as `(seconds, file name, line)` when explicit,
    /// `(seconds, "default: SOURCE", line)` when a default.
    fn explicit(p: &ServerProfile) -> (f64, String, usize) {
        match ka(p) {
            Setting::Known {
                value,
                provenance: Provenance::Explicit(at),
            } => (
                *value,
                at.file.display.rsplit('/').next().unwrap().to_string(),
                at.start().0,
            ),
            other => panic!("not explicit: {other:?}"),
        }
    }

    fn unresolved_at(p: &ServerProfile) -> (String, String, usize) {
        match ka(p) {
            Setting::Unresolved(u) => {
                let at = u.at.clone().expect("located");
                (
                    u.reason.clone(),
                    at.file.display.rsplit('/').next().unwrap().to_string(),
                    at.start().0,
                )
            }
            other => panic!("not unresolved: {other:?}"),
        }
    }

    const DOCKERFILE: &str =
        "FROM node:22\nWORKDIR /app\nCOPY . .\nCMD [\"node\", \"server.js\"]\n";

    #[test]
    fn the_keep_alive_is_read_through_requires_and_the_environment() {
        let files = [
            ("Dockerfile", DOCKERFILE),
            (
                "server.js",
                "const app = require('./lib/app');\nconst server = app.listen(3000);\n\
                 server.keepAliveTimeout = Number(process.env.KA ?? 65_000);\n",
            ),
            ("lib/app.js", "module.exports = require('express')();\n"),
        ];
        in_image(&files, &["node", "server.js"], &[], |p, _| {
            assert_eq!(explicit(p), (65.0, "server.js".into(), 3));
            assert_eq!(p.description, "Node.js (node server.js)");
        });
        // The environment decides: the value is where the task sets it.
        in_image(
            &files,
            &["node", "server.js"],
            &[("KA", "70000")],
            |p, _| {
                assert_eq!(explicit(p), (70.0, "task.json".into(), 5));
            },
        );
        in_image(&files, &["node", "server.js"], &[("KA", "soon")], |p, _| {
            let (why, file, line) = unresolved_at(p);
            assert_eq!((file.as_str(), line), ("server.js", 3));
            assert!(why.contains("not a number of milliseconds"), "{why}");
        });
    }

    #[test]
    fn nothing_set_in_any_file_read_is_nodes_default_naming_the_files() {
        let files = [
            ("Dockerfile", DOCKERFILE),
            (
                "server.js",
                "import { app } from './app.mjs';\nimport http from 'node:http';\n\
                 http.createServer(app).listen(80);\n// server.keepAliveTimeout = 1\n",
            ),
            (
                "app.mjs",
                "export const app = (req, res) => res.end(`ok ${req.url}`);\n",
            ),
        ];
        in_image(&files, &["node", "server.js"], &[], |p, _| {
            assert_default(
                ka(p),
                5.0,
                "server.keepAliveTimeout = 5000 ms): not set in server.js and app.mjs of ",
                p.identified_at.as_ref(),
            );
        });
    }

    #[test]
    fn what_keepalign_cannot_read_is_unresolved_at_its_line() {
        let files = [
            ("Dockerfile", DOCKERFILE),
            (
                "server.js",
                "const cfg = require('./config.json');\nrequire('./generated/routes');\n\
                 app.listen(80);\n",
            ),
            ("config.json", "{}\n"),
        ];
        in_image(&files, &["node", "server.js"], &[], |p, _| {
            let (why, file, line) = unresolved_at(p);
            assert_eq!((file.as_str(), line), ("server.js", 2));
            assert!(
                why.contains("requires `./generated/routes`, which is not in the build context"),
                "{why}"
            );
        });
        let files = [
            ("Dockerfile", DOCKERFILE),
            ("server.js", "require('./a');\nconst s = 'unterminated\n"),
        ];
        in_image(&files, &["node", "server.js"], &[], |p, _| {
            let (why, file, line) = unresolved_at(p);
            assert_eq!((file.as_str(), line), ("server.js", 2));
            assert!(
                why.contains("could not read server.js: a string is not closed"),
                "{why}"
            );
        });
        let files = [
            ("Dockerfile", DOCKERFILE),
            ("server.js", "require('./a');\nrequire('./b');\n"),
            (
                "a.js",
                "server.keepAliveTimeout = 65000;\nadmin.keepAliveTimeout = 5000;\n",
            ),
            ("b.js", "const s = `unterminated\n"),
        ];
        in_image(&files, &["node", "server.js"], &[], |p, _| {
            let (why, file, line) = unresolved_at(p);
            assert_eq!((file.as_str(), line), ("a.js", 1));
            assert!(
                why.contains(
                    "different values (65000 ms `server.keepAliveTimeout = 65000` at a.js:1; \
                     5000 ms `admin.keepAliveTimeout = 5000` at a.js:2)"
                ),
                "{why}"
            );
        });
    }

    #[test]
    fn reading_is_bounded_in_files_and_depth() {
        // A chain of requires deeper than MAX_DEPTH.
        let mut files = vec![("Dockerfile".to_string(), DOCKERFILE.to_string())];
        files.push(("server.js".into(), "require('./f0');\n".into()));
        for i in 0..12 {
            files.push((format!("f{i}.js"), format!("require('./f{}');\n", i + 1)));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        in_image(&refs, &["node", "server.js"], &[], |p, _| {
            let (why, file, _) = unresolved_at(p);
            assert_eq!(file, "f7.js");
            assert!(why.contains("more than 8 files deep"), "{why}");
        });
        // Many files required by one: at most MAX_FILES are read; a cycle is read once.
        let mut files = vec![("Dockerfile".to_string(), DOCKERFILE.to_string())];
        let requires: String = (0..40).map(|i| format!("require('./m{i}');\n")).collect();
        files.push(("server.js".into(), requires));
        for i in 0..40 {
            files.push((format!("m{i}.js"), "require('./server');\n".into()));
        }
        let refs: Vec<(&str, &str)> = files
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        in_image(&refs, &["node", "server.js"], &[], |p, _| {
            let (why, _, _) = unresolved_at(p);
            assert!(why.contains("more than 32 files"), "{why}");
        });
    }

    #[test]
    fn npm_start_runs_the_package_json_script() {
        let dockerfile = "FROM node:22\nWORKDIR /srv\nCOPY . .\nCMD [\"npm\", \"start\"]\n";
        let files = [
            ("Dockerfile", dockerfile),
            (
                "package.json",
                "{\n  \"scripts\": {\n    \"start\": \"NODE_ENV=production node src/index.js\"\n  }\n}\n",
            ),
            ("src/index.js", "server.keepAliveTimeout = 61 * 1000;\n"),
        ];
        in_image(&files, &["npm", "start"], &[], |p, _| {
            assert_eq!(explicit(p), (61.0, "index.js".into(), 1));
            assert_eq!(p.description, "Node.js (node src/index.js) via `npm start`");
            assert_eq!(p.identified_at.as_ref().map(|a| a.snippet()), Some("node"));
        });
        // `next start` in a script: its flag, located in package.json.
        let files = [
            ("Dockerfile", dockerfile),
            (
                "package.json",
                "{\"scripts\": {\"serve\": \"next start -p 3000 --keepAliveTimeout 65000\"}}",
            ),
        ];
        in_image(&files, &["yarn", "serve"], &[], |p, _| {
            assert_eq!(explicit(p), (65.0, "package.json".into(), 1));
            assert_eq!(p.description, "Next.js (next start) via `yarn serve`");
        });
        in_image(&files, &["npm", "run", "build"], &[], |p, _| {
            let (why, file, _) = unresolved_at(p);
            assert_eq!(file, "package.json");
            assert!(why.contains("has no script `build`"), "{why}");
        });
        // No start script: npm runs `node server.js`.
        let files = [
            ("Dockerfile", dockerfile),
            ("package.json", "{\"name\": \"x\"}"),
            (
                "server.js",
                "const f = require('fastify')({ logger: true });\n",
            ),
        ];
        in_image(&files, &["npm", "start"], &[], |p, _| {
            assert_default(
                ka(p),
                72.0,
                "the app uses Fastify (server.js:1)",
                p.identified_at.as_ref(),
            );
            assert!((p.keep_alive_fix)(75.0).contains("Fastify server options"));
        });
        let files = [
            ("Dockerfile", dockerfile),
            ("package.json", "{\"scripts\": {,}}"),
        ];
        in_image(&files, &["npm", "start"], &[], |p, _| {
            let (why, file, line) = unresolved_at(p);
            assert_eq!((file.as_str(), line), ("package.json", 1));
            assert!(why.contains("is not valid JSON"), "{why}");
        });
    }

    #[test]
    fn a_compiled_entry_file_is_read_from_its_typescript_source() {
        let files = [
            (
                "Dockerfile",
                "FROM node:22 AS build\nWORKDIR /app\nCOPY . .\nRUN npm ci && npm run build\n\
                 FROM node:22-slim\nWORKDIR /app\nCOPY --from=build /app/dist ./dist\n\
                 CMD [\"node\", \"dist/main\"]\n",
            ),
            (
                "src/main.ts",
                "import { NestFactory } from '@nestjs/core';\nimport { AppModule } from './app.module.js';\n\
                 const app = await NestFactory.create(AppModule);\n\
                 app.getHttpServer().keepAliveTimeout = 65_000 as number;\n",
            ),
            (
                "src/app.module.ts",
                "export class AppModule { keepAliveTimeout: number }\n",
            ),
        ];
        in_image(&files, &["node", "dist/main"], &[], |p, _| {
            assert_eq!(explicit(p), (65.0, "main.ts".into(), 4));
            assert_eq!(
                p.description,
                "Node.js (node dist/main), read from the TypeScript source src/main.ts \
                 (/app/dist/main is built in the image)"
            );
        });
        // No source either: unresolved, saying a build step produces it.
        in_image(&files[..1], &["node", "dist/main"], &[], |p, _| {
            let (why, _, _) = unresolved_at(p);
            assert!(
                why.contains("a build step (RUN) probably produces it"),
                "{why}"
            );
        });
    }

    #[test]
    fn node_defaults_to_five_seconds_set_in_code() {
        let b = task()
            .cmd(&["node", "--enable-source-maps", "dist/main.js"])
            .build();
        let p = b.profile();
        assert_eq!(p.server, "node");
        assert_eq!(p.description, "Node.js (node dist/main.js)");
        assert_default(
            ka(&p),
            5.0,
            "server.keepAliveTimeout = 5000 ms; set in code",
            Some(&b.at("\"node\"", "node")),
        );
        assert_eq!(
            (p.keep_alive_fix)(65.0),
            "server.keepAliveTimeout = 65000; server.headersTimeout = 66000 (in the app's code, on the http.Server)"
        );
        assert!(p.graceful_timeout.is_none() && p.request_timeout.is_none());
    }

    #[test]
    fn package_manager_scripts_are_node() {
        for (cmd, desc) in [
            (&["npm", "start"][..], "Node.js (npm start)"),
            (
                &["npm", "run", "start:prod"],
                "Node.js (npm run start:prod)",
            ),
            (&["yarn", "start"], "Node.js (yarn start)"),
            (&["pnpm", "start"], "Node.js (pnpm start)"),
            (
                &["pm2-runtime", "ecosystem.config.js"],
                "Node.js (pm2-runtime)",
            ),
        ] {
            let b = task().cmd(cmd).build();
            let p = b.profile();
            assert_eq!(p.description, desc);
            assert_default(ka(&p), 5.0, "set in code", p.identified_at.as_ref());
        }
        assert!(task().cmd(&["npm", "install"]).build().identify().is_err());
        let p = task()
            .cmd(&["npm", "--prefix", "web", "start"])
            .build()
            .profile();
        assert_eq!(p.description, "Node.js (npm start)");
        let p = task()
            .cmd(&["pnpm", "-C", "apps/api", "run", "serve"])
            .build()
            .profile();
        assert_eq!(p.description, "Node.js (pnpm run serve)");
        assert!(
            task()
                .cmd(&["npm", "--prefix", "web", "install"])
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn fastify_cli_uses_fastifys_72_seconds() {
        let b = task()
            .cmd(&["npx", "fastify", "start", "-l", "info", "app.js"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "Fastify (fastify start)");
        assert_default(
            ka(&p),
            72.0,
            "Fastify default",
            Some(&b.at("\"fastify\"", "fastify")),
        );
        assert!(
            task()
                .cmd(&["fastify", "generate", "x"])
                .build()
                .identify()
                .is_err()
        );
    }

    #[test]
    fn next_start_flag_is_milliseconds() {
        let b = task()
            .cmd(&[
                "npx",
                "next",
                "start",
                "-p",
                "3000",
                "--keepAliveTimeout",
                "65000",
            ])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "Next.js (next start)");
        assert_explicit(ka(&p), 65.0, &b.at("\"65000\"", "65000"));
        assert_eq!((p.keep_alive_fix)(70.0), "--keepAliveTimeout 70000");

        let b = task()
            .cmd(&["next", "start", "--keepAliveTimeout=61500"])
            .build();
        assert_explicit(ka(&b.profile()), 61.5, &b.at("Timeout=61500", "61500"));

        let b = task().cmd(&["node_modules/.bin/next", "start"]).build();
        assert_default(
            ka(&b.profile()),
            5.0,
            "no --keepAliveTimeout flag",
            b.profile().identified_at.as_ref(),
        );

        let b = task()
            .cmd(&[
                "node",
                "node_modules/.bin/next",
                "start",
                "--keepAliveTimeout",
                "90000",
            ])
            .build();
        assert_eq!(ka(&b.profile()).value(), Some(&90.0));
    }

    #[test]
    fn next_standalone_reads_keep_alive_timeout_in_ms() {
        let b = task()
            .env("KEEP_ALIVE_TIMEOUT", "65000")
            .cmd(&["node", "server.js", "--keepAliveTimeout", "1000"])
            .build();
        let p = b.profile();
        assert_eq!(p.description, "Next.js standalone server (node server.js)");
        // server.js ignores its arguments: the variable is what counts.
        assert_explicit(ka(&p), 65.0, &b.at("\"65000\"", "65000"));
        assert_eq!((p.keep_alive_fix)(70.0), "KEEP_ALIVE_TIMEOUT=70000");

        let b = task()
            .env_unresolved("KEEP_ALIVE_TIMEOUT", "var.ka has no value")
            .cmd(&["node", "server.js"])
            .build();
        assert_unresolved(
            ka(&b.profile()),
            &["KEEP_ALIVE_TIMEOUT", "var.ka has no value"],
        );

        let b = task().cmd(&["node", "server.js"]).build();
        let p = b.profile();
        assert_default(ka(&p), 5.0, "set in code", p.identified_at.as_ref());
        assert!((p.keep_alive_fix)(65.0).contains("KEEP_ALIVE_TIMEOUT=65000"));
    }
}
