use clap::{Args, Parser, Subcommand, ValueEnum};
use keepalign::engine::{self, Options};
use keepalign::finding::Severity;
use keepalign::linker;
use keepalign::report::{self, Summary};
use keepalign::rules;
use keepalign::terraform::Inputs;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Checks that timeouts line up between AWS load balancers and the servers behind them.
#[derive(Parser)]
#[command(name = "keepalign", version, args_conflicts_with_subcommands = true)]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    #[command(flatten)]
    check: CheckArgs,
}

#[derive(Subcommand)]
enum Command {
    /// Check Terraform and CloudFormation under PATHs (the default command).
    Check(CheckArgs),
    /// Check a Terraform plan: the JSON of `terraform show -json PLANFILE`.
    Plan(PlanArgs),
    /// Show every load-balanced service chain with each value and where it came from.
    Services(ServicesArgs),
    /// Print a rule's documentation.
    Explain {
        /// Rule ID, e.g. KA101.
        id: String,
    },
    /// List the rules.
    Rules,
}

#[derive(Args, Clone)]
struct InputArgs {
    /// Files or directories to scan.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Set a Terraform variable (repeatable), like `terraform plan -var`.
    #[arg(long = "var", value_name = "NAME=VALUE", value_parser = parse_var)]
    vars: Vec<(String, String)>,
    /// Read Terraform variables from a file (repeatable), like `terraform plan -var-file`.
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// Set a CloudFormation parameter (repeatable); also pseudo parameters such as AWS::Region.
    #[arg(long = "parameter", value_name = "KEY=VALUE", value_parser = parse_var)]
    parameters: Vec<(String, String)>,
    /// Read CloudFormation parameters from a file (repeatable): the AWS CLI's JSON,
    /// `{"Parameters": {...}}`, or `Key=Value` lines.
    #[arg(long = "parameters-file", value_name = "FILE")]
    parameter_files: Vec<PathBuf>,
}

#[derive(Args, Clone)]
struct CheckArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    report: ReportArgs,
}

#[derive(Args, Clone)]
struct PlanArgs {
    /// The plan as JSON (`terraform show -json tfplan > plan.json`), or `-`
    /// to read standard input.
    #[arg(value_name = "PLAN.json|-")]
    plan: PathBuf,
    /// The Terraform directory the plan was made from, so findings point
    /// into its `.tf` files. Default: the plan file's directory when it holds
    /// `.tf` files (the current directory for standard input).
    #[arg(long, value_name = "DIR")]
    config_dir: Option<PathBuf>,
    #[command(flatten)]
    report: ReportArgs,
}

/// How findings are reported and when the run fails.
#[derive(Args, Clone)]
struct ReportArgs {
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE instead of standard output.
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
    /// Exit with status 1 when a finding has at least this severity.
    #[arg(long, value_enum, default_value_t = FailOn::Warning)]
    fail_on: FailOn,
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto)]
    color: ColorChoice,
}

#[derive(Args, Clone)]
struct ServicesArgs {
    #[command(flatten)]
    input: InputArgs,
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    #[arg(long, value_name = "FILE")]
    output: Option<PathBuf>,
}

#[derive(Clone, Copy, ValueEnum)]
enum Format {
    Human,
    Json,
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

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        None => check(cli.check),
        Some(Command::Check(args)) => check(args),
        Some(Command::Plan(args)) => plan(args),
        Some(Command::Services(args)) => services(args),
        Some(Command::Explain { id }) => explain(&id),
        Some(Command::Rules) => {
            let mut s = String::new();
            for r in rules::CATALOG {
                s.push_str(&format!(
                    "{}  {:<8} {:<42} {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.name,
                    r.summary
                ));
            }
            write_out(None, &s).map(|_| 0)
        }
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(message) => {
            eprintln!("keepalign: {message}");
            ExitCode::from(2)
        }
    }
}

fn options(input: &InputArgs) -> Result<Options, String> {
    for (flag, files) in [
        ("--var-file", &input.var_files),
        ("--parameters-file", &input.parameter_files),
    ] {
        if let Some(f) = files.iter().find(|f| !f.is_file()) {
            return Err(format!("{flag} {}: no such file", f.display()));
        }
    }
    Ok(Options {
        terraform: Inputs {
            vars: input.vars.clone(),
            var_files: input.var_files.clone(),
        },
        cloudformation: keepalign::cloudformation::Inputs {
            parameters: input.parameters.clone(),
            parameter_files: input.parameter_files.clone(),
        },
    })
}

fn load(input: &InputArgs) -> Result<keepalign::model::Model, String> {
    let opts = options(input)?;
    engine::load(&input.paths, &opts)
        .map_err(|m| format!("{}: no such file or directory", m.0.display()))
}

fn check(args: CheckArgs) -> Result<u8, String> {
    let model = load(&args.input)?;
    report(&model, &args.report)
}

fn plan(args: PlanArgs) -> Result<u8, String> {
    let stdin = args.plan.as_os_str() == "-";
    let source = if stdin {
        read_stdin()?
    } else {
        keepalign::input::read_source(&args.plan)
            .map_err(|e| format!("{}: {}", args.plan.display(), e.message))?
    };
    let config_dir = match args.config_dir {
        Some(dir) if dir.is_dir() => Some(dir),
        Some(dir) => return Err(format!("--config-dir {}: not a directory", dir.display())),
        None => keepalign::plan::default_config_dir((!stdin).then_some(args.plan.as_path())),
    };
    let model = keepalign::plan::read(source, config_dir.as_deref())?;
    report(&model, &args.report)
}

/// The plan piped in (`terraform show -json tfplan | keepalign plan -`),
/// with the same limits as a file.
fn read_stdin() -> Result<std::sync::Arc<keepalign::source::SourceFile>, String> {
    use std::io::Read;
    let limit = keepalign::input::MAX_FILE_SIZE;
    let mut bytes = Vec::new();
    std::io::stdin()
        .lock()
        .take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| format!("standard input: cannot read: {e}"))?;
    if bytes.len() as u64 > limit {
        return Err(format!(
            "standard input: more than the {} MiB keepalign reads",
            limit / 1024 / 1024
        ));
    }
    let text = String::from_utf8(bytes)
        .map_err(|_| "standard input: not valid UTF-8; a plan is UTF-8 JSON".to_string())?;
    Ok(keepalign::source::SourceFile::new(
        PathBuf::from("<stdin>"),
        text,
    ))
}

/// Link, check, write the report; exit status 1 when a finding reaches `--fail-on`.
fn report(model: &keepalign::model::Model, args: &ReportArgs) -> Result<u8, String> {
    let chains = linker::link(model);
    let findings = engine::check(model, &chains);
    let summary = Summary::new(&findings, model.files, chains.len());
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            args.output.is_none()
                && std::io::stdout().is_terminal()
                && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let text = match args.format {
        Format::Human => report::human::render(&findings, &summary, color),
        Format::Json => report::json::render(&findings, &chains, &summary),
    };
    write_out(args.output.as_ref(), &text)?;
    let threshold = match args.fail_on {
        FailOn::Error => Some(Severity::Error),
        FailOn::Warning => Some(Severity::Warning),
        FailOn::Note => Some(Severity::Note),
        FailOn::Never => None,
    };
    let failed = threshold.is_some_and(|t| findings.iter().any(|f| f.severity() >= t));
    Ok(u8::from(failed))
}

fn services(args: ServicesArgs) -> Result<u8, String> {
    let model = load(&args.input)?;
    let chains = linker::link(&model);
    let text = match args.format {
        Format::Human => report::services::render_text(&chains),
        Format::Json => report::services::render_json(&chains),
    };
    write_out(args.output.as_ref(), &text)?;
    Ok(0)
}

fn explain(id: &str) -> Result<u8, String> {
    let rule = rules::find(id).ok_or_else(|| {
        let ids: Vec<&str> = rules::CATALOG.iter().map(|r| r.id).collect();
        format!("unknown rule \"{id}\"; rules are {}", ids.join(", "))
    })?;
    let text = format!(
        "# {} {} ({})\n\n{}\n",
        rule.id,
        rule.name,
        rule.severity.as_str(),
        rule.documentation()
    );
    write_out(None, &text).map(|_| 0)
}

fn write_out(path: Option<&PathBuf>, text: &str) -> Result<(), String> {
    match path {
        Some(p) => {
            std::fs::write(p, text).map_err(|e| format!("cannot write {}: {e}", p.display()))
        }
        None => {
            let mut out = std::io::stdout().lock();
            // A closed pipe (`| head`) is not an error worth reporting.
            let _ = out.write_all(text.as_bytes());
            let _ = out.flush();
            Ok(())
        }
    }
}
