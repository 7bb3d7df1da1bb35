use super::*;

fn parse_text(text: &str) -> Result<Config, String> {
    let file = SourceFile::new(PathBuf::from("keepalign.toml"), text.to_string());
    parse(file, std::env::current_dir().unwrap())
}
