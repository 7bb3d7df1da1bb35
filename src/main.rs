/// mimalloc: a scan allocates many small values on every core; it is
/// measured faster and smaller than the system allocator (bench/README.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// `mi_option_purge_delay` in the mimalloc the sys crate builds (v3,
/// `include/mimalloc.h`; the crate declares no constant for it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// How long freed memory stays resident before mimalloc gives it back.
/// Roots are parsed, evaluated and dropped one after another on every
/// core; with mimalloc v3's default of a second their pages all stay. At
/// 10 ms a 2,000-service scan peaks at 60 MB instead of 75 MB; at 0 it
/// peaks at 57 MB but spends 8 % more CPU faulting pages back in
/// (bench/README.md).
const PURGE_DELAY_MS: std::ffi::c_long = 10;

fn purge_freed_memory_soon() {
    // SAFETY: sets an option of the allocator; mimalloc documents options
    // as settable at any time, and nothing else runs yet.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, PURGE_DELAY_MS) }
}

use clap::{ArgMatches, Args, CommandFactory, FromArgMatches, Parser, Subcommand, ValueEnum};
use keepalign::config;
use keepalign::engine::{self, Options};
use keepalign::finding::Severity;
use keepalign::linker;
use keepalign::report::{self, Format, Summary};
use keepalign::rules;
use keepalign::terraform::{CommandLineInput, GivenWorkspace, Inputs};
use std::ffi::OsString;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Checks that timeouts line up between AWS load balancers and the servers behind them.
///
/// `keepalign PATH` is `keepalign check PATH`. Options may come before or
/// after the command.
#[derive(Parser)]
#[command(name = "keepalign", version)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    report: ReportArgs,
    #[command(flatten)]
    config: ConfigArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Check Terraform and CloudFormation under PATHs (the default command).
    Check {
        /// Files or directories to scan.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
    },
    /// Check a Terraform plan: the JSON of `terraform show -json PLANFILE`.
    Plan {
        /// The plan as JSON (`terraform show -json tfplan > plan.json`), or `-`
        /// to read standard input.
        #[arg(value_name = "PLAN.json|-")]
        plan: PathBuf,
        /// The Terraform directory the plan was made from, so findings point
        /// into its `.tf` files. Default: the plan file's directory when it holds
        /// `.tf` files (the current directory for standard input).
        #[arg(long, value_name = "DIR")]
        config_dir: Option<PathBuf>,
    },
    /// Show every load-balanced service chain with each value and where it came from.
    Services {
        /// Files or directories to scan.
        #[arg(default_value = ".")]
        paths: Vec<PathBuf>,
    },
    /// Print a rule's documentation.
    Explain {
        /// Rule ID or name, e.g. KA101 or keepalive-not-above-idle-timeout.
        rule: String,
    },
    /// List the rules.
    Rules,
}

/// Terraform and CloudFormation inputs.
#[derive(Args, Clone)]
struct InputArgs {
    /// Set a Terraform variable (repeatable), like `terraform plan -var`.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var, global = true)]
    vars: Vec<(String, String)>,
    /// Read Terraform variables from a file (repeatable), like `terraform plan -var-file`.
    #[arg(long = "var-file", value_name = "FILE", global = true)]
    var_files: Vec<PathBuf>,
    /// `--var` and `--var-file` in the order given: a later one wins, as
    /// in Terraform (filled in from the parsed arguments' positions).
    #[arg(skip)]
    var_order: Vec<CommandLineInput>,
    /// The Terraform workspace `terraform.workspace` names [default:
    /// $TF_WORKSPACE, else the root's .terraform/environment, else `default`].
    #[arg(long, value_name = "NAME", global = true)]
    workspace: Option<String>,
    /// Set a CloudFormation parameter (repeatable); also pseudo parameters such as AWS::Region.
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = parse_var, global = true)]
    parameters: Vec<(String, String)>,
    /// Read CloudFormation parameters from a file (repeatable): the AWS CLI's JSON,
    /// `{"Parameters": {...}}`, or `Key=Value` lines.
    #[arg(long = "parameters-file", value_name = "FILE", global = true)]
    parameter_files: Vec<PathBuf>,
}

/// The configuration file and the rule and path choices it also makes.
#[derive(Args, Clone)]
struct ConfigArgs {
    /// Read the configuration from FILE. Default: $KEEPALIGN_CONFIG, else
    /// the nearest keepalign.toml or .keepalign.toml from the first PATH up
    /// to the repository root.
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    /// Ignore every configuration file (and $KEEPALIGN_CONFIG).
    #[arg(long, global = true, conflicts_with = "config")]
    isolated: bool,
    /// Run only these rules (IDs or names; repeatable, or comma-separated).
    #[arg(long, value_name = "ID[,ID]", global = true)]
    select: Vec<String>,
    /// Do not run these rules (IDs or names; repeatable, or comma-separated).
    #[arg(long, value_name = "ID[,ID]", global = true)]
    ignore: Vec<String>,
    /// Leave out paths matching GLOB, relative to the current directory
    /// (repeatable); `**` crosses directories.
    #[arg(long, value_name = "GLOB", global = true)]
    exclude: Vec<String>,
    /// Evaluate the CloudFormation Guard policies in PATH (a file, or a
    /// directory of .guard files) over the service chains; `builtin:NAME`
    /// enables a shipped pack (explicit, margin, fargate). Repeatable.
    #[arg(long, value_name = "PATH", global = true)]
    policy: Vec<String>,
}

/// How findings are reported and when the run fails.
#[derive(Args, Clone)]
struct ReportArgs {
    /// The report on standard output (or in --output).
    #[arg(long, value_enum, default_value_t = Format::Human, global = true)]
    format: Format,
    /// Write the report to FILE instead of standard output (`-`: standard output).
    #[arg(long, value_name = "FILE", global = true)]
    output: Option<PathBuf>,
    /// Also write the same scan as FORMAT to FILE (repeatable), e.g.
    /// `--report sarif=keepalign.sarif --report markdown=summary.md`.
    #[arg(long = "report", value_name = "FORMAT=FILE", value_parser = parse_report, global = true)]
    reports: Vec<(Format, PathBuf)>,
    /// Exit with status 1 when a finding has at least this severity
    /// [default: warning, or the configuration's fail-on].
    #[arg(long, value_enum, global = true)]
    fail_on: Option<FailOn>,
    /// Colour the human report: auto (a terminal without NO_COLOR), always, never.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, global = true)]
    color: ColorChoice,
    /// Exit 0 instead of 2 when the paths hold no Terraform, CloudFormation
    /// or plan file to check.
    #[arg(long, global = true)]
    allow_empty: bool,
    /// Report only findings FILE does not have (made by --create-baseline);
    /// the others are counted as "in the baseline" and never fail the run.
    #[arg(long, value_name = "FILE", global = true)]
    baseline: Option<PathBuf>,
    /// Write this scan's findings to FILE as a baseline (rule and fingerprint,
    /// no line numbers); the run still reports as usual.
    #[arg(long, value_name = "FILE", global = true)]
    create_baseline: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Note,
    Never,
}

#[derive(Clone, Copy, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_var(s: &str) -> Result<(String, String), String> {
    match s.split_once('=') {
        Some((k, v)) if !k.trim().is_empty() => Ok((k.trim().to_string(), v.to_string())),
        _ => Err(format!("expected NAME=VALUE, got \"{s}\"")),
    }
}

fn parse_report(s: &str) -> Result<(Format, PathBuf), String> {
    let (format, file) = s
        .split_once('=')
        .filter(|(_, f)| !f.is_empty())
        .ok_or_else(|| format!("expected FORMAT=FILE, got \"{s}\""))?;
    let format = Format::from_str(format, true).map_err(|_| {
        let names: Vec<String> = Format::value_variants()
            .iter()
            .filter_map(|f| f.to_possible_value().map(|v| v.get_name().to_string()))
            .collect();
        format!(
            "unknown report format \"{format}\"; formats are {}",
            names.join(", ")
        )
    })?;
    Ok((format, PathBuf::from(file)))
}

fn main() -> ExitCode {
    purge_freed_memory_soon();
    let argv = match with_default_command(std::env::args_os().collect()) {
        Ok(argv) => argv,
        Err(message) => {
            eprintln!("keepalign: {}", report::escape_terminal(&message));
            return ExitCode::from(2);
        }
    };
    let parsed = Cli::command()
        .try_get_matches_from(argv)
        .and_then(|m| Cli::from_arg_matches(&m).map(|cli| (cli, m)));
    let cli = match parsed {
        Ok((mut cli, matches)) => {
            cli.input.var_order = var_order(&matches, &cli.input);
            cli
        }
        // Help and version, on standard output.
        Err(e) if !e.use_stderr() => e.exit(),
        Err(e) => {
            // Usage errors quote arguments, which can come from input (a
            // path from a list of changed files): each line escaped.
            for line in e.to_string().trim_end().lines() {
                eprintln!("{}", report::escape_terminal(line));
            }
            return ExitCode::from(2);
        }
    };
    let result = match cli.command {
        Command::Check { paths } => check(&paths, &cli.input, &cli.report, &cli.config),
        Command::Plan { plan, config_dir } => {
            plan_gate(&plan, config_dir, &cli.input, &cli.report, &cli.config)
        }
        Command::Services { paths } => services(&paths, &cli.input, &cli.report, &cli.config),
        Command::Explain { rule } => explain(&rule, &cli.report, &cli.config),
        Command::Rules => list_rules(&cli.report, &cli.config),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            // Errors name paths and values from input: escaped like reports.
            eprintln!("keepalign: {}", report::escape_terminal(&message));
            ExitCode::from(2)
        }
    }
}

/// The `--var`s and `--var-file`s by their position on the command line.
/// Options come after the command (`with_default_command` moves them), so
/// their positions are the command's.
fn var_order(matches: &ArgMatches, input: &InputArgs) -> Vec<CommandLineInput> {
    let m = matches.subcommand().map_or(matches, |(_, m)| m);
    let at = |id: &str| -> Vec<usize> {
        m.indices_of(id)
            .or_else(|| matches.indices_of(id))
            .map(|i| i.collect())
            .unwrap_or_default()
    };
    let mut all: Vec<(usize, CommandLineInput)> = Vec::new();
    let (var_at, file_at) = (at("vars"), at("var_files"));
    for (i, (k, v)) in input.vars.iter().enumerate() {
        // Without a position (never expected), keep the given order at the end.
        let pos = var_at.get(i).copied().unwrap_or(usize::MAX);
        all.push((pos, CommandLineInput::Var(k.clone(), v.clone())));
    }
    for (i, f) in input.var_files.iter().enumerate() {
        let pos = file_at.get(i).copied().unwrap_or(usize::MAX);
        all.push((pos, CommandLineInput::VarFile(f.clone())));
    }
    // Stable: equal positions keep vars before files, as listed above.
    all.sort_by_key(|(pos, _)| *pos);
    all.into_iter().map(|(_, i)| i).collect()
}

/// `keepalign [OPTIONS] PATH...` means `keepalign check [OPTIONS] PATH...`:
/// insert `check` unless the first word that is not an option (or an
/// option's value) is a command. A word that is neither a command nor an
/// existing path but close to a command is a typo, not a path to scan.
///
/// Options written before the command are moved after it, in their order:
/// clap keeps only one level's values of a global option, so
/// `--var a=1 check --var b=2` would otherwise lose `a=1`.
fn with_default_command(argv: Vec<OsString>) -> Result<Vec<OsString>, String> {
    let (mut argv, command_at) = find_command(argv)?;
    if command_at > 1 {
        argv[1..=command_at].rotate_right(1);
    }
    Ok(argv)
}

/// The argument list with a command in it, and where the command is.
fn find_command(mut argv: Vec<OsString>) -> Result<(Vec<OsString>, usize), String> {
    let cmd = Cli::command();
    let commands: Vec<String> = cmd
        .get_subcommands()
        .map(|c| c.get_name().to_string())
        .chain(["help".to_string()])
        .collect();
    let takes_value = |name: &str| {
        cmd.get_arguments().any(|a| {
            a.get_action().takes_values()
                && (a.get_long() == Some(name)
                    || (name.len() == 1 && a.get_short() == name.chars().next()))
        })
    };
    let mut i = 1;
    while i < argv.len() {
        let word = argv[i].to_string_lossy().into_owned();
        if word == "--" {
            break;
        }
        if matches!(word.as_str(), "-h" | "--help" | "-V" | "--version") {
            return Ok((argv, 0));
        }
        if let Some(long) = word.strip_prefix("--") {
            if !long.contains('=') && takes_value(long) {
                i += 1;
            }
        } else if word.len() > 1 && word.starts_with('-') {
            if word.len() == 2 && takes_value(&word[1..]) {
                i += 1;
            }
        } else if commands.contains(&word) {
            return Ok((argv, i));
        } else {
            if !Path::new(&word).exists()
                && let Some(close) = commands.iter().find(|c| is_close(&word, c))
            {
                return Err(format!(
                    "unknown command \"{word}\"; did you mean \"{close}\"? (to scan a path named {word}, write ./{word})"
                ));
            }
            break;
        }
        i += 1;
    }
    argv.insert(1.min(argv.len()), OsString::from("check"));
    Ok((argv, 1))
}

/// Two edits apart, or a prefix of at least three letters: `chek`, `servics`, `exp`.
fn is_close(word: &str, command: &str) -> bool {
    word.chars().count() >= 3
        && (command.starts_with(word) || config::edit_distance(word, command) <= 2)
}

fn options(input: &InputArgs, setup: &Setup, config_args: &ConfigArgs) -> Result<Options, String> {
    for (flag, files) in [
        ("--var-file", &input.var_files),
        ("--parameters-file", &input.parameter_files),
    ] {
        for f in files {
            match std::fs::metadata(f) {
                Err(_) => return Err(format!("{flag} {}: no such file", f.display())),
                // Checked again on the opened file; this only words the error.
                Ok(m) if !m.is_file() => {
                    return Err(format!(
                        "{flag} {}: not a regular file; keepalign reads only regular files",
                        f.display()
                    ));
                }
                Ok(_) => {}
            }
        }
    }
    let mut options = Options {
        terraform: Inputs {
            command_line: input.var_order.clone(),
            workspace: given_workspace(input)?,
            ..Inputs::default()
        },
        cloudformation: keepalign::cloudformation::Inputs {
            parameters: input.parameters.clone(),
            parameter_files: input.parameter_files.clone(),
            ..Default::default()
        },
        ..Options::default()
    };
    if let Some(c) = &setup.config {
        c.apply_to(&mut options);
    }
    if !config_args.exclude.is_empty() {
        let globs = config_args
            .exclude
            .iter()
            .map(|g| config::path_glob(g).map_err(|e| format!("--exclude: {e}")))
            .collect::<Result<Vec<_>, String>>()?;
        let cwd = std::env::current_dir().map_err(|e| format!("current directory: {e}"))?;
        options.exclude.add(&cwd, globs);
    }
    Ok(options)
}

/// `--workspace`, else `TF_WORKSPACE` (Terraform's own override), checked
/// as Terraform checks workspace names.
fn given_workspace(input: &InputArgs) -> Result<Option<GivenWorkspace>, String> {
    let (name, from) = match &input.workspace {
        Some(name) => (name.clone(), "--workspace"),
        None => match std::env::var_os("TF_WORKSPACE") {
            Some(v) if !v.is_empty() => (
                v.into_string().map_err(|_| {
                    "TF_WORKSPACE is not valid UTF-8; set it to a workspace name, or pass --workspace NAME".to_string()
                })?,
                "TF_WORKSPACE",
            ),
            _ => return Ok(None),
        },
    };
    keepalign::terraform::check_workspace_name(&name)
        .map_err(|why| format!("{from} {name:?}: {why}"))?;
    Ok(Some(GivenWorkspace {
        name,
        from: from.to_string(),
    }))
}

/// The configuration file and what it decides with the command line.
struct Setup {
    config: Option<config::Config>,
    rules: engine::RuleSettings,
    fail_on: Option<Severity>,
}

/// The policies the configuration and `--policy` name, parsed.
fn load_policies(
    config: Option<&config::Config>,
    config_args: &ConfigArgs,
) -> Result<keepalign::policy::Policies, String> {
    let mut refs: Vec<keepalign::policy::PolicyRef> =
        config.map(|c| c.policies.clone()).unwrap_or_default();
    for p in &config_args.policy {
        refs.push(keepalign::policy::PolicyRef::parse(
            p,
            Path::new(""),
            keepalign::policy::PathWithin::Named,
        ));
    }
    keepalign::policy::Policies::load(&refs)
}

/// The policy rules `rules` and `explain` show beside the built-in ones:
/// from `--policy` and the configuration found from the current directory.
fn policy_rules(
    config_args: &ConfigArgs,
) -> Result<Vec<&'static keepalign::finding::RuleMeta>, String> {
    let found = config::find(
        config_args.config.as_deref(),
        std::env::var_os(config::ENV_VAR).as_deref(),
        config_args.isolated,
        Path::new("."),
    )?;
    let config = found.path().map(config::load).transpose()?;
    Ok(load_policies(config.as_ref(), config_args)?.rules())
}

/// Find and read the configuration for a scan starting at `start`, and
/// settle what the command line overrides.
fn setup(start: &Path, args: &ReportArgs, config_args: &ConfigArgs) -> Result<Setup, String> {
    let found = config::find(
        config_args.config.as_deref(),
        std::env::var_os(config::ENV_VAR).as_deref(),
        config_args.isolated,
        start,
    )?;
    let config = found.path().map(config::load).transpose()?;
    let policies = load_policies(config.as_ref(), config_args)?;
    let mut rules = config::rule_settings(
        config.as_ref(),
        &config_args.select,
        &config_args.ignore,
        &policies.rules(),
    )?;
    if !policies.files.is_empty() {
        rules.policies = Some(std::sync::Arc::new(policies));
    }
    let fail_on = match (args.fail_on, config.as_ref().and_then(|c| c.fail_on)) {
        (Some(FailOn::Error), _) => Some(Severity::Error),
        (Some(FailOn::Warning), _) => Some(Severity::Warning),
        (Some(FailOn::Note), _) => Some(Severity::Note),
        (Some(FailOn::Never), _) => None,
        (None, Some(config::Threshold::At(s))) => Some(s),
        (None, Some(config::Threshold::Never)) => None,
        (None, None) => Some(Severity::Warning),
    };
    Ok(Setup {
        config,
        rules,
        fail_on,
    })
}

fn load(
    paths: &[PathBuf],
    input: &InputArgs,
    setup: &Setup,
    config_args: &ConfigArgs,
) -> Result<keepalign::model::Model, String> {
    let opts = options(input, setup, config_args)?;
    let model = engine::load(paths, &opts)
        .map_err(|m| format!("{}: no such file or directory", m.0.display()))?;
    if let Some(c) = &setup.config {
        c.check_roots(&model, paths)?;
    }
    warn_unused_inputs(&model, input);
    Ok(model)
}

/// `--var NAME=…` that no scanned Terraform root declares (a typo, or the
/// wrong directory), and likewise `--parameter`: a warning on standard
/// error. Not a finding: findings are about the scanned code and go into
/// reports, baselines and SARIF, while this is about the command line.
fn warn_unused_inputs(model: &keepalign::model::Model, input: &InputArgs) {
    let declared = |dirs: bool, name: &str| {
        model
            .roots
            .iter()
            .filter(|r| r.path.is_dir() == dirs)
            .any(|r| r.inputs.iter().any(|i| i == name))
    };
    let mut seen = Vec::new();
    for (name, _) in &input.vars {
        if !declared(true, name) && !seen.contains(&name) {
            seen.push(name);
            eprintln!(
                "keepalign: warning: --var {}: no scanned Terraform root declares a variable of that name, so it sets nothing",
                report::escape_terminal(name)
            );
        }
    }
    for (name, _) in &input.parameters {
        // Pseudo parameters (AWS::Region) are never declared.
        if !name.starts_with("AWS::") && !declared(false, name) && !seen.contains(&name) {
            seen.push(name);
            eprintln!(
                "keepalign: warning: --parameter {}: no scanned CloudFormation template declares a parameter of that name, so it sets nothing",
                report::escape_terminal(name)
            );
        }
    }
}

fn check(
    paths: &[PathBuf],
    input: &InputArgs,
    args: &ReportArgs,
    config_args: &ConfigArgs,
) -> Result<u8, String> {
    let setup = setup(&paths[0], args, config_args)?;
    let model = load(paths, input, &setup, config_args)?;
    let code = report(&model, args, paths, &setup);
    exit_without_freeing(model);
    code
}

/// The model of a large scan is hundreds of thousands of allocations, and
/// the process ends right after its report: freeing them one by one was
/// 1.5 % of a scan's CPU for nothing.
fn exit_without_freeing(model: keepalign::model::Model) {
    std::mem::forget(model);
}

fn plan_gate(
    plan: &Path,
    config_dir: Option<PathBuf>,
    input: &InputArgs,
    args: &ReportArgs,
    config_args: &ConfigArgs,
) -> Result<u8, String> {
    if !(input.vars.is_empty()
        && input.var_files.is_empty()
        && input.workspace.is_none()
        && input.parameters.is_empty()
        && input.parameter_files.is_empty())
    {
        return Err(
            "a plan has every variable resolved already: --var, --var-file, --workspace, --parameter and --parameters-file do not apply to `plan` (pass them to `terraform plan`)".into(),
        );
    }
    let stdin = plan.as_os_str() == "-";
    let source = if stdin {
        read_stdin()?
    } else {
        keepalign::input::read_source(plan, keepalign::input::Within::Named)
            .map_err(|e| format!("{}: {}", plan.display(), e.message))?
    };
    let config_dir = match config_dir {
        // Its .tf files are confined to the repository; so is the
        // directory itself, when a pull request could plant it as a link.
        Some(dir) if keepalign::input::named_path_leaves_its_work_tree(&dir) => {
            return Err(format!(
                "--config-dir {}: {}",
                dir.display(),
                keepalign::input::outside(&dir)
            ));
        }
        Some(dir) if dir.is_dir() => Some(dir),
        Some(dir) => return Err(format!("--config-dir {}: not a directory", dir.display())),
        None => keepalign::plan::default_config_dir((!stdin).then_some(plan)),
    };
    if !config_args.exclude.is_empty() {
        return Err("--exclude applies to scanning directories, not to a plan".into());
    }
    // The configuration is looked for from the Terraform directory, else the
    // plan's directory, else the current one.
    let start = match (&config_dir, stdin) {
        (Some(dir), _) => dir.clone(),
        (None, false) => plan.to_path_buf(),
        (None, true) => PathBuf::from("."),
    };
    let setup = setup(&start, args, config_args)?;
    let model = keepalign::plan::read(source, config_dir.as_deref())?;
    let code = report(&model, args, &[plan.to_path_buf()], &setup);
    exit_without_freeing(model);
    code
}

/// The plan piped in (`terraform show -json tfplan | keepalign plan -`),
/// with the same limits as a file.
fn read_stdin() -> Result<std::sync::Arc<keepalign::source::SourceFile>, String> {
    use keepalign::input;
    let bytes = input::read_capped(std::io::stdin().lock(), input::MAX_FILE_SIZE)
        .map_err(|e| format!("standard input: {}", e.message))?;
    let text = input::decode(bytes)
        .map_err(|e| format!("standard input: {}; a plan is UTF-8 JSON", e.message))?;
    Ok(keepalign::source::SourceFile::new(
        PathBuf::from("<stdin>"),
        text,
    ))
}

/// Why a scan checked nothing, or `None` when it read some IaC.
fn nothing_checked(model: &keepalign::model::Model, paths: &[PathBuf]) -> Option<String> {
    if model.files > 0 || !model.input_errors.is_empty() {
        return None;
    }
    let mut why = vec![format!(
        "no Terraform, CloudFormation or plan file under {}",
        paths
            .iter()
            .map(|p| p.display().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )];
    why.extend(model.not_read.iter().cloned());
    Some(why.join("; "))
}

/// Link, check, write every report; exit status 1 when a finding reaches
/// `--fail-on`, 2 when nothing was checked (unless `--allow-empty`).
fn report(
    model: &keepalign::model::Model,
    args: &ReportArgs,
    paths: &[PathBuf],
    setup: &Setup,
) -> Result<u8, String> {
    // A bad baseline or date is the tool failing, before anything is written.
    let today = keepalign::suppress::today()?;
    let baseline = args
        .baseline
        .as_deref()
        .map(keepalign::baseline::read)
        .transpose()?;
    let chains = chains(model, paths, setup)?;
    let mut findings = engine::check_configured(model, &chains, today, &setup.rules);
    // Fingerprints name paths from the repository root, not from where
    // keepalign runs.
    if let Some(first) = paths.first() {
        // A plan on standard input belongs to the current directory.
        let first = if first.as_os_str() == "-" {
            Path::new(".")
        } else {
            first.as_path()
        };
        let root = keepalign::discover::repository_root(first);
        for f in &mut findings {
            f.anchor_identity(&root);
        }
    }
    if let (Some(entries), Some(file)) = (&baseline, &args.baseline) {
        keepalign::baseline::apply(entries, &mut findings, &file.display().to_string());
    }
    if let Some(file) = &args.create_baseline {
        keepalign::input::write_output(file, keepalign::baseline::create(&findings).as_bytes())?;
    }
    let mut summary = Summary::new(&findings, model.files, chains.len());
    summary.environments = model.beanstalk.environments.len();
    summary.nothing_checked = nothing_checked(model, paths);
    for why in &model.not_read {
        eprintln!("keepalign: {}", report::escape_terminal(why));
    }
    let to_stdout = |p: &Option<PathBuf>| p.as_ref().is_none_or(|p| p.as_os_str() == "-");
    let main_on_stdout = to_stdout(&args.output);
    let extra_on_stdout = args
        .reports
        .iter()
        .filter(|(_, f)| f.as_os_str() == "-")
        .count();
    if extra_on_stdout + usize::from(main_on_stdout) > 1 {
        return Err(
            "only one report can go to standard output: give --output or each --report a file"
                .into(),
        );
    }
    let scan = |format: Format| report::Scan {
        findings: &findings,
        chains: &chains,
        summary: &summary,
        full_report: full_report(format, args),
    };
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            main_on_stdout
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    write_out(args.output.as_deref(), &mut |out| {
        report::write(args.format, &scan(args.format), color, out)
    })?;
    for (format, file) in &args.reports {
        write_out(Some(file), &mut |out| {
            report::write(*format, &scan(*format), false, out)
        })?;
    }
    // The report went elsewhere: the verdict still belongs on the terminal.
    if !main_on_stdout || summary.nothing_checked.is_some() {
        eprintln!("keepalign: {}", report::escape_terminal(&summary.line()));
    }
    if summary.nothing_checked.is_some() && !args.allow_empty {
        return Ok(2);
    }
    let failed = setup.fail_on.is_some_and(|t| {
        findings
            .iter()
            .any(|f| !f.is_suppressed() && f.severity() >= t)
    });
    Ok(u8::from(failed))
}

/// Where a report of another format than `format` holds the whole scan:
/// the first `--report` file of another format, else the main report.
/// The GitHub and Markdown reports point there when they cannot show it all.
fn full_report(format: Format, args: &ReportArgs) -> Option<String> {
    let stdout = |p: &Path| p.as_os_str() == "-";
    if let Some((f, file)) = args
        .reports
        .iter()
        .find(|(f, file)| *f != format && !stdout(file))
    {
        return Some(format!("{} ({} report)", file.display(), f.name()));
    }
    if args.format == format {
        return None;
    }
    Some(match args.output.as_deref().filter(|p| !stdout(p)) {
        Some(file) => format!("{} ({} report)", file.display(), args.format.name()),
        None => format!("the {} report on standard output", args.format.name()),
    })
}

/// Link the model into chains, with the configuration's declared facts.
fn chains<'m>(
    model: &'m keepalign::model::Model,
    paths: &[PathBuf],
    setup: &'m Setup,
) -> Result<Vec<linker::Chain<'m>>, String> {
    let mut chains = linker::link(model);
    if let Some(c) = &setup.config {
        config::apply_declared(c, &mut chains, c.covered_by(paths))?;
    }
    Ok(chains)
}

fn services(
    paths: &[PathBuf],
    input: &InputArgs,
    args: &ReportArgs,
    config_args: &ConfigArgs,
) -> Result<u8, String> {
    let setup = setup(&paths[0], args, config_args)?;
    let model = load(paths, input, &setup, config_args)?;
    let chains = chains(&model, paths, &setup)?;
    let text = match args.format {
        Format::Human => {
            report::services::render_text(&chains, &keepalign::beanstalk::environments(&model))
        }
        Format::Json => report::services::render_json(&chains),
        other => {
            return Err(format!(
                "services prints --format human or json, not {}",
                other.name()
            ));
        }
    };
    write_text(args.output.as_deref(), &text)?;
    if let Some(why) = nothing_checked(&model, paths) {
        eprintln!(
            "keepalign: nothing checked: {}",
            report::escape_terminal(&why)
        );
        if !args.allow_empty {
            return Ok(2);
        }
    }
    Ok(0)
}

fn explain(id: &str, args: &ReportArgs, config_args: &ConfigArgs) -> Result<u8, String> {
    let policy = policy_rules(config_args)?;
    let rule = rules::find(id)
        .or_else(|| policy.iter().copied().find(|r| r.id == id))
        .ok_or_else(|| {
            let ids: Vec<&str> = rules::CATALOG.iter().chain(&policy).map(|r| r.id).collect();
            format!("unknown rule \"{id}\"; rules are {}", ids.join(", "))
        })?;
    let text = match args.format {
        Format::Json => json_text(&rules::rule_json(rule)),
        _ => match rule.policy {
            None => format!(
                "# {} {} ({})\n\n{}\n",
                rule.id,
                rule.name,
                rule.severity.as_str(),
                rule.documentation()
            ),
            // A policy's comments come from a file in the repository.
            Some(file) => rule
                .documentation()
                .lines()
                .map(|l| format!("{}\n", keepalign::report::escape_terminal(l)))
                .fold(
                    format!(
                        "# {} ({}, policy {})\n\n",
                        keepalign::report::escape_terminal(rule.id),
                        rule.severity.as_str(),
                        keepalign::report::escape_terminal(file)
                    ),
                    |text, line| text + &line,
                ),
        },
    };
    write_text(args.output.as_deref(), &text).map(|_| 0)
}

fn list_rules(args: &ReportArgs, config_args: &ConfigArgs) -> Result<u8, String> {
    let policy = policy_rules(config_args)?;
    let all = || rules::CATALOG.iter().chain(&policy);
    let text = match args.format {
        Format::Json => json_text(&serde_json::json!({
            "version": 1,
            "rules": all().map(|r| rules::rule_json(r)).collect::<Vec<_>>(),
        })),
        // Policy rules come from files in the repository: escaped.
        _ => all()
            .map(|r| match r.policy {
                None => format!(
                    "{}  {:<8} {:<42} {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                ),
                Some(file) => format!(
                    "{}  {:<8} {}  (policy {})\n",
                    keepalign::report::escape_terminal(r.id),
                    r.severity.as_str(),
                    keepalign::report::escape_terminal(r.summary),
                    keepalign::report::escape_terminal(file)
                ),
            })
            .collect(),
    };
    write_text(args.output.as_deref(), &text).map(|_| 0)
}

fn json_text(v: &serde_json::Value) -> String {
    let mut s = serde_json::to_string_pretty(v).unwrap_or_default();
    s.push('\n');
    s
}

/// Write to FILE, or to standard output for `None` or `-`.
fn write_text(path: Option<&Path>, text: &str) -> Result<(), String> {
    write_out(path, &mut |out| out.write_all(text.as_bytes()))
}

fn write_out(
    path: Option<&Path>,
    write: &mut dyn FnMut(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match path.filter(|p| p.as_os_str() != "-") {
        Some(p) => keepalign::input::write_output_with(p, write),
        None => {
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = write(&mut out).and_then(|_| out.flush());
            Ok(())
        }
    }
}

#[cfg(test)]
mod allocator_tests {
    /// The option number names the purge delay: it holds the delay's
    /// default (1,000 ms in `src/options.c`), and setting it changes it.
    #[test]
    fn the_purge_delay_option_is_the_one_set() {
        // SAFETY: reads and sets an allocator option (see `main`).
        unsafe {
            assert_eq!(
                libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY),
                1000
            );
            super::purge_freed_memory_soon();
            assert_eq!(
                libmimalloc_sys::mi_option_get(super::MI_OPTION_PURGE_DELAY),
                super::PURGE_DELAY_MS
            );
        }
    }
}
