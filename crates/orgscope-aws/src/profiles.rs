//! The AWS profile names a user can pick from, read from the shared config
//! and credentials files (`AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`
//! honoured, as aws-config does). Only section headers are read: the files
//! hold secrets we have no business parsing.

use std::collections::BTreeSet;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use orgscope_core::snapshot::{SnapshotError, open_regular};

/// Profile names from both files, sorted, `default` first when present.
pub fn list_profiles() -> Vec<String> {
    let home = std::env::var_os("HOME").map(PathBuf::from);
    let config = std::env::var_os("AWS_CONFIG_FILE")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".aws").join("config")));
    let credentials = std::env::var_os("AWS_SHARED_CREDENTIALS_FILE")
        .map(PathBuf::from)
        .or_else(|| home.as_ref().map(|h| h.join(".aws").join("credentials")));
    let read = |p: Option<PathBuf>| p.map(|p| read_shared_file(&p)).unwrap_or_default();
    merge(&read(config), &read(credentials))
}

/// The text of an AWS shared config or credentials file; empty when there
/// is none, as for aws-config. It is opened through [`open_regular`], so a
/// FIFO or a device at that path is refused instead of blocking the profile
/// list or a collection forever. A file that exists but cannot be read is
/// logged, then read as empty: these files only refine what the standard
/// chain finds on its own, and aws-config reports its own problems with them.
pub(crate) fn read_shared_file(path: &Path) -> String {
    let read = || -> Result<String, SnapshotError> {
        let mut text = String::new();
        open_regular(path)?
            .read_to_string(&mut text)
            .map_err(|source| SnapshotError::Io {
                path: path.to_path_buf(),
                source,
            })?;
        Ok(text)
    };
    match read() {
        Ok(text) => text,
        Err(SnapshotError::Io { source, .. }) if source.kind() == ErrorKind::NotFound => {
            String::new()
        }
        Err(e) => {
            tracing::warn!("ignoring the AWS config file: {e}");
            String::new()
        }
    }
}

/// Merge the names found in a config file and a credentials file.
pub fn merge(config: &str, credentials: &str) -> Vec<String> {
    let mut names = BTreeSet::new();
    for header in headers(config) {
        // In the config file profiles are `[profile x]`, except `[default]`;
        // `[sso-session x]` and `[services x]` are not profiles.
        if header == "default" {
            names.insert(header.to_string());
        } else if let Some(rest) = header.strip_prefix("profile")
            && rest.starts_with(char::is_whitespace)
            && !rest.trim().is_empty()
        {
            names.insert(rest.trim().to_string());
        }
    }
    for header in headers(credentials) {
        if !header.is_empty() && !header.contains(char::is_whitespace) {
            names.insert(header.to_string());
        }
    }
    let mut out: Vec<String> = names.into_iter().collect();
    if let Some(i) = out.iter().position(|n| n == "default") {
        let d = out.remove(i);
        out.insert(0, d);
    }
    out
}

fn headers(text: &str) -> impl Iterator<Item = &str> {
    text.lines().filter_map(|line| {
        let line = line.trim();
        let inner = line.strip_prefix('[')?;
        let end = inner.find(']')?;
        Some(inner[..end].trim())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn profiles_from_both_files() {
        let config = "[default]\nregion = eu-west-1\n[profile prod]\nsso_session = s\n\
                      [sso-session s]\n[services x]\n[profile  hub ]\n# [profile nope]\n";
        let creds = "[default]\naws_access_key_id=x\n[legacy]\n";
        assert_eq!(
            merge(config, creds),
            vec!["default", "hub", "legacy", "prod"]
        );
        assert!(merge("", "").is_empty());
    }

    /// A FIFO at `~/.aws/config` blocked the profile list forever: opening
    /// it waited for a writer (issue #17).
    #[cfg(unix)]
    #[test]
    fn a_fifo_config_file_reads_as_empty_without_blocking() {
        // A directory of our own without a tempfile dependency in this crate.
        let dir = std::env::temp_dir().join(format!("orgscope-profiles-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("mkdir");
        let fifo = dir.join("config");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {}", fifo.display());
        assert_eq!(read_shared_file(&fifo), "");
        assert_eq!(read_shared_file(&dir.join("missing")), "");
        let file = dir.join("credentials");
        std::fs::write(&file, "[legacy]\n").expect("write");
        assert_eq!(read_shared_file(&file), "[legacy]\n");
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
