//! Finding options in a server's arguments, the way argparse, click, getopt
//! and commander read them: `--name value`, `--name=value`, `-n value`,
//! `-nvalue`; the last occurrence wins.

use crate::model::Word;

/// An option found in the arguments.
#[derive(Clone, Debug)]
pub(crate) struct Found {
    /// The option as written: `--keep-alive`, `-k`.
    pub flag: String,
    /// The value, located where it is written (inside `--flag=value` when so).
    pub value: Word,
}

/// The last value given to any of `long` (`--keep-alive`) or `short` (`-k`)
/// options. Scanning stops at `--`. An option with no value after it is
/// ignored (the server would refuse to start anyway).
pub(crate) fn find(args: &[Word], long: &[&str], short: &[&str]) -> Option<Found> {
    let mut found = None;
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let a = w.text.as_str();
        if a == "--" {
            break;
        }
        let mut step = 1;
        if let Some(unknown) = opaque_argument(args, i, long, short) {
            found = Some(unknown);
        } else if let Some(name) = long.iter().chain(short).find(|n| **n == a) {
            if let Some(v) = args.get(i + 1) {
                found = Some(Found {
                    flag: name.to_string(),
                    value: v.clone(),
                });
                step = 2;
            }
        } else if let Some(name) = long
            .iter()
            .find(|n| a.len() > n.len() && a.starts_with(**n) && a.as_bytes()[n.len()] == b'=')
        {
            found = Some(Found {
                flag: name.to_string(),
                value: w.sub(name.len() + 1..a.len()),
            });
        } else if let Some(name) = short
            .iter()
            .find(|n| !a.starts_with("--") && a.len() > n.len() && a.starts_with(**n))
        {
            found = Some(Found {
                flag: name.to_string(),
                value: w.sub(name.len()..a.len()),
            });
        }
        i += step;
    }
    found
}

/// An argument keepalign cannot read that may be one of these options: a
/// word whose start is unknown (`var.extra_args`, `${FLAGS}` from a
/// template), unless it is the value of the option before it. Coming after
/// every real occurrence, it leaves the option's value unknown, never the
/// server's default.
fn opaque_argument(args: &[Word], i: usize, long: &[&str], short: &[&str]) -> Option<Found> {
    let w = &args[i];
    let why = w.unknown.as_ref()?;
    if !w.text.starts_with(crate::json::HOLE) {
        return None;
    }
    let after_option = i
        .checked_sub(1)
        .and_then(|p| args.get(p))
        .is_some_and(|prev| prev.text.starts_with('-') && !prev.text.contains('='));
    if after_option {
        return None;
    }
    let flag = long.first().or(short.first()).copied().unwrap_or_default();
    let mut value = w.clone();
    value.unknown = Some(Box::new(crate::model::Unresolved::new(
        format!(
            "an argument that may set it is not known here: {}",
            why.reason
        ),
        why.at.clone().or(w.at.clone()),
    )));
    Some(Found {
        flag: flag.to_string(),
        value,
    })
}

/// The positional arguments: words that are not options, skipping the value
/// of the options listed in `with_value`.
pub(crate) fn positionals<'a>(args: &'a [Word], with_value: &[&str]) -> Vec<&'a Word> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(w) = args.get(i) {
        let a = w.text.as_str();
        if a == "--" {
            out.extend(&args[i + 1..]);
            break;
        }
        if a.starts_with('-') && a.len() > 1 {
            i += if with_value.contains(&a) { 2 } else { 1 };
            continue;
        }
        out.push(w);
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(ws: &[&str]) -> Vec<Word> {
        ws.iter().map(|w| Word::new(*w, None)).collect()
    }

    #[test]
    fn finds_every_spelling_and_the_last_wins() {
        let a = words(&["--keep-alive", "5", "app"]);
        assert_eq!(find(&a, &["--keep-alive"], &[]).unwrap().value.text, "5");
        let a = words(&["--keep-alive=6"]);
        assert_eq!(find(&a, &["--keep-alive"], &[]).unwrap().value.text, "6");
        let a = words(&["-k", "gevent", "-kgthread"]);
        let f = find(&a, &["--worker-class"], &["-k"]).unwrap();
        assert_eq!((f.flag.as_str(), f.value.text.as_str()), ("-k", "gthread"));
        let a = words(&["--keep-alive", "5", "--keep-alive", "7"]);
        assert_eq!(find(&a, &["--keep-alive"], &[]).unwrap().value.text, "7");
    }

    fn unknown(reason: &str) -> Word {
        let mut w = Word::new(format!("{h}0{h}", h = crate::json::HOLE), None);
        w.unknown = Some(Box::new(crate::model::Unresolved::new(reason, None)));
        w
    }

    #[test]
    fn an_unknown_argument_after_the_last_occurrence_makes_the_value_unknown() {
        // ["uvicorn", "app:app", var.extra_arg]: it may be --timeout-keep-alive=75.
        let a = vec![
            Word::new("app:app", None),
            unknown("var.extra_arg has no value"),
        ];
        let f = find(&a, &["--timeout-keep-alive"], &[]).unwrap();
        let why = f.value.unknown.unwrap().reason;
        assert!(why.contains("var.extra_arg has no value"), "{why}");
        // A real occurrence after it wins.
        let a = vec![
            unknown("x"),
            Word::new("--keep-alive", None),
            Word::new("5", None),
        ];
        let f = find(&a, &["--keep-alive"], &[]).unwrap();
        assert_eq!((f.value.text.as_str(), f.value.unknown), ("5", None));
        // The value of another option is not an option.
        let a = vec![Word::new("--workers", None), unknown("var.workers")];
        assert!(find(&a, &["--keep-alive"], &[]).is_none());
    }

    #[test]
    fn similar_names_and_missing_values_do_not_match() {
        let a = words(&["--keep-alive-x", "5", "--keep-alive"]);
        assert!(find(&a, &["--keep-alive"], &[]).is_none());
        // A short option never matches a long one that starts with its letter.
        let a = words(&["--keep-alive", "5"]);
        assert!(find(&a, &[], &["-k"]).is_none());
        let a = words(&["--", "--keep-alive", "5"]);
        assert!(find(&a, &["--keep-alive"], &[]).is_none());
        assert!(find(&[], &["--keep-alive"], &["-k"]).is_none());
    }

    #[test]
    fn positionals_skip_option_values() {
        let a = words(&["-r", "dotenv/config", "--inspect", "server.js", "x"]);
        let p: Vec<_> = positionals(&a, &["-r"])
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(p, ["server.js", "x"]);
        let a = words(&["-x", "--", "-D", "y"]);
        let p: Vec<_> = positionals(&a, &[])
            .iter()
            .map(|w| w.text.as_str())
            .collect();
        assert_eq!(p, ["-D", "y"]);
    }
}
