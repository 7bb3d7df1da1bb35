//! Test fixtures: containers written out as a JSON-like container definition,
//! so every word, env value and the image carry the exact span a loader would
//! give them, and tests can assert where a setting points.

use super::{KeepAlive, ServerProfile, identify};
use crate::model::{Container, EnvVar, Provenance, Seconds, Setting, Unresolved, Word};
use crate::source::{Location, SourceFile};
use std::fmt::Write;
use std::ops::Range;
use std::sync::Arc;

/// A string array's span and its strings with their spans.
type Spans = (Range<usize>, Vec<(String, Range<usize>)>);

pub(crate) struct Task {
    image: Result<String, String>,
    entry: Option<Vec<String>>,
    command: Option<Vec<String>>,
    command_unresolved: Option<String>,
    env: Vec<(String, Result<String, String>)>,
}

pub(crate) fn task() -> Task {
    Task {
        image: Ok("123456789012.dkr.ecr.us-east-1.amazonaws.com/app:1.0".into()),
        entry: None,
        command: None,
        command_unresolved: None,
        env: Vec::new(),
    }
}

pub(crate) struct Built {
    pub file: Arc<SourceFile>,
    pub container: Container,
}

/// Escape like JSON; an escaped string's span still covers its raw text, as
/// a loader's would, so locations inside it fall back to the whole string.
fn escape(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('"', "\\\"")
        .replace('\n', "\\n")
}

impl Task {
    pub fn image(mut self, image: &str) -> Self {
        self.image = Ok(image.into());
        self
    }
    pub fn image_unresolved(mut self, reason: &str) -> Self {
        self.image = Err(reason.into());
        self
    }
    pub fn entry(mut self, words: &[&str]) -> Self {
        self.entry = Some(words.iter().map(|s| s.to_string()).collect());
        self
    }
    pub fn cmd(mut self, words: &[&str]) -> Self {
        self.command = Some(words.iter().map(|s| s.to_string()).collect());
        self
    }
    pub fn cmd_unresolved(mut self, reason: &str) -> Self {
        self.command_unresolved = Some(reason.into());
        self
    }
    pub fn env(mut self, name: &str, value: &str) -> Self {
        self.env.push((name.into(), Ok(value.into())));
        self
    }
    pub fn env_unresolved(mut self, name: &str, reason: &str) -> Self {
        self.env.push((name.into(), Err(reason.into())));
        self
    }

    pub fn build(self) -> Built {
        // First write the text, remembering spans; then make locations.
        let mut text = String::from("{\n  \"name\": \"web\",\n");
        let string = |text: &mut String, s: &str| -> Range<usize> {
            text.push('"');
            let start = text.len();
            text.push_str(&escape(s));
            let end = text.len();
            text.push('"');
            start..end
        };
        text.push_str("  \"image\": ");
        let image_span = match &self.image {
            Ok(i) => Some(string(&mut text, i)),
            Err(_) => {
                text.push_str("var.image");
                None
            }
        };
        text.push_str(",\n");
        let array = |text: &mut String, key: &str, words: &Option<Vec<String>>| {
            let words = words.as_ref()?;
            write!(text, "  \"{key}\": ").unwrap();
            let start = text.len();
            text.push('[');
            let mut spans = Vec::new();
            for (i, w) in words.iter().enumerate() {
                if i > 0 {
                    text.push_str(", ");
                }
                spans.push((w.clone(), string(text, w)));
            }
            text.push(']');
            let whole = start..text.len();
            text.push_str(",\n");
            Some((whole, spans))
        };
        let entry = array(&mut text, "entryPoint", &self.entry);
        let command = array(&mut text, "command", &self.command);
        if self.command_unresolved.is_some() {
            text.push_str("  \"command\": var.command,\n");
        }
        text.push_str("  \"environment\": [");
        let mut env_spans = Vec::new();
        for (name, value) in &self.env {
            write!(text, "{{\"name\": \"{name}\", \"value\": ").unwrap();
            match value {
                Ok(v) => env_spans.push(Some(string(&mut text, v))),
                Err(_) => {
                    text.push_str("var.x");
                    env_spans.push(None);
                }
            }
            text.push_str("}, ");
        }
        text.push_str("]\n}\n");
        let len = text.len();
        let file = SourceFile::new("task.json".into(), text);
        let loc = |span: Range<usize>| Location::new(&file, span);

        let words = |arr: Option<Spans>| {
            arr.map(|(whole, spans)| {
                Setting::explicit(
                    spans
                        .into_iter()
                        .map(|(w, span)| Word::new(w, Some(loc(span))))
                        .collect::<Vec<_>>(),
                    loc(whole),
                )
            })
        };
        let image = match (&self.image, image_span) {
            (Ok(i), Some(span)) => Setting::explicit(i.clone(), loc(span)),
            (Err(r), _) => Setting::unresolved(r.clone(), None),
            (Ok(_), None) => unreachable!(),
        };
        let mut command = words(command);
        if let Some(reason) = &self.command_unresolved {
            command = Some(Setting::unresolved(reason.clone(), None));
        }
        let environment = self
            .env
            .iter()
            .zip(env_spans)
            .map(|((name, value), span)| EnvVar {
                name: name.clone(),
                value: match (value, span) {
                    (Ok(v), Some(span)) => Setting::explicit(v.clone(), loc(span)),
                    (Err(r), _) => Setting::unresolved(r.clone(), None),
                    (Ok(_), None) => unreachable!(),
                },
            })
            .collect();
        let container = Container {
            image_pattern: None,
            image_references: Vec::new(),
            environment_files: Vec::new(),
            name: "web".into(),
            image,
            entry_point: words(entry),
            command,
            environment,
            stop_timeout: Setting::default(30.0, "ECS default", None),
            working_directory: None,
            system_controls: Vec::new(),
            at: loc(0..len),
        };
        Built { file, container }
    }
}

impl Built {
    pub fn identify(&self) -> Result<ServerProfile, Unresolved> {
        identify(&self.container)
    }

    pub fn profile(&self) -> ServerProfile {
        match self.identify() {
            Ok(p) => p,
            Err(u) => panic!("not identified: {}", u.reason),
        }
    }

    pub fn error(&self) -> Unresolved {
        match self.identify() {
            Ok(p) => panic!("unexpectedly identified {}", p.description),
            Err(u) => u,
        }
    }

    /// The location of `needle` inside the only occurrence of `context`.
    pub fn at(&self, context: &str, needle: &str) -> Location {
        let text = &self.file.text;
        let start = text
            .find(context)
            .unwrap_or_else(|| panic!("{context:?} not in {text}"));
        assert!(
            text[start + 1..].find(context).is_none(),
            "{context:?} is not unique in {text}"
        );
        let off = context
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {context:?}"));
        Location::new(&self.file, start + off..start + off + needle.len())
    }
}

/// The keep-alive timeout setting; panics when the server closes every connection.
pub(crate) fn ka(p: &ServerProfile) -> &Setting<Seconds> {
    match &p.keep_alive {
        KeepAlive::Timeout(s) => s,
        KeepAlive::ClosesEveryConnection { why } => panic!("closes every connection: {why}"),
        KeepAlive::NoLimit { why, .. } => panic!("no limit: {why}"),
    }
}

/// Why the server never closes an idle connection; panics otherwise.
pub(crate) fn no_limit(p: &ServerProfile) -> &str {
    match &p.keep_alive {
        KeepAlive::NoLimit { why, .. } => why,
        other => panic!("not unlimited: {other:?}"),
    }
}

pub(crate) fn assert_explicit(s: &Setting<Seconds>, value: Seconds, at: &Location) {
    match s {
        Setting::Known {
            value: v,
            provenance: Provenance::Explicit(loc),
        } => {
            assert_eq!(*v, value, "value");
            assert_eq!(
                loc,
                at,
                "location: {:?} vs {:?}",
                loc.snippet(),
                at.snippet()
            );
        }
        other => panic!("expected explicit {value}, got {other:?}"),
    }
}

pub(crate) fn assert_default(
    s: &Setting<Seconds>,
    value: Seconds,
    source_has: &str,
    at: Option<&Location>,
) {
    match s {
        Setting::Known {
            value: v,
            provenance: Provenance::Default { source, applies_at },
        } => {
            assert_eq!(*v, value, "value");
            assert!(
                source.contains(source_has),
                "source {source:?} lacks {source_has:?}"
            );
            assert_eq!(applies_at.as_ref(), at, "applies_at");
        }
        other => panic!("expected default {value}, got {other:?}"),
    }
}

pub(crate) fn assert_unresolved(s: &Setting<Seconds>, reason_has: &[&str]) -> Unresolved {
    match s {
        Setting::Unresolved(u) => {
            for part in reason_has {
                assert!(
                    u.reason.contains(part),
                    "reason {:?} lacks {part:?}",
                    u.reason
                );
            }
            u.clone()
        }
        other => panic!("expected unresolved, got {other:?}"),
    }
}

pub(crate) fn closes(p: &ServerProfile) -> &str {
    match &p.keep_alive {
        KeepAlive::ClosesEveryConnection { why } => why,
        other => panic!("keeps alive: {other:?}"),
    }
}

/// Identify the server of `b` with the files of an image built by
/// `dockerfile` from a build context holding `files` (the Dockerfile's
/// directory of a temporary repository).
pub(crate) fn with_image(
    b: &Built,
    dockerfile: &str,
    files: &[(&str, &str)],
) -> Result<ServerProfile, Unresolved> {
    with_image_port(b, dockerfile, files, None)
}

/// [`with_image`], with the container port the load balancer sends to.
pub(crate) fn with_image_port(
    b: &Built,
    dockerfile: &str,
    files: &[(&str, &str)],
    port: Option<u16>,
) -> Result<ServerProfile, Unresolved> {
    use crate::image_files::{ImageFiles, ReadCache, guess_context};
    use crate::input::{Within, read_source};
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().canonicalize().unwrap();
    std::fs::create_dir_all(root.join("app")).unwrap();
    std::fs::write(root.join("app/Dockerfile"), dockerfile).unwrap();
    for (path, text) in files {
        let p = root.join("app").join(path);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    let Ok(file) = read_source(&root.join("app/Dockerfile"), Within::Repository(&root)) else {
        panic!("cannot read the Dockerfile");
    };
    let d = crate::dockerfile::Dockerfile::parse(file).unwrap();
    let (context, _) = guess_context(&d, &root);
    let cache = ReadCache::default();
    let files = ImageFiles {
        dockerfile: &d,
        stage: d.stages.len() - 1,
        context: &context,
        root: &root,
        cache: &cache,
        link: "test",
        workdir: None,
    };
    super::identify_in(&b.container, Some(files), port)
}

impl ServerProfile {
    /// The keep-alive timeout's value, when it is a known timeout.
    pub(crate) fn value_of_ka(&self) -> Option<Seconds> {
        match &self.keep_alive {
            KeepAlive::Timeout(s) => s.value().copied(),
            KeepAlive::ClosesEveryConnection { .. } | KeepAlive::NoLimit { .. } => None,
        }
    }
}
