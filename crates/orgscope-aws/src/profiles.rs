//! The AWS shared config and credentials files, located as aws-config
//! locates them (`AWS_CONFIG_FILE` / `AWS_SHARED_CREDENTIALS_FILE`, a
//! leading `~` meaning the home directory, else `~/.aws/config` and
//! `~/.aws/credentials`) and parsed by aws-config's own profile parser, so
//! the profiles we list, the `mfa_serial` we ask for and the SSO settings
//! we read are exactly the ones the credential chain will use.
//!
//! We still read the files ourselves, through [`open_regular`]: aws-config's
//! real file system would open a FIFO at `~/.aws/config` and wait for a
//! writer forever (issue #17). The texts are handed to aws-config through an
//! in-memory [`Fs`], keyed by the real paths so its errors name the file.
//!
//! A parsed [`ProfileSet`] holds every key of both files, secret access keys
//! included, and its `Debug` prints them: read the keys you need from it and
//! never log the set or a profile whole.

use std::collections::HashMap;
use std::io::{ErrorKind, Read};
use std::path::{Path, PathBuf};

use aws_config::profile::{ProfileFileLoadError, ProfileSet};
use aws_runtime::env_config::file::{EnvConfigFileKind, EnvConfigFiles};
use aws_smithy_types::error::display::DisplayErrorContext;
use aws_types::os_shim_internal::{Env, Fs};
use orgscope_core::snapshot::{SnapshotError, open_regular};

/// Profile names from both files, sorted, `default` first when present;
/// empty when the files do not parse (the warning logged by
/// [`load_profile_set`] says where).
pub fn list_profiles() -> Vec<String> {
    // Its callers are synchronous. Given the texts, aws-config's loader has
    // nothing to wait for, so this never parks a runtime thread.
    futures::executor::block_on(load_profile_set())
        .map(|set| profile_names(&set))
        .unwrap_or_default()
}

/// The profiles and `[sso-session]` sections of the shared files, with
/// `AWS_PROFILE` (else `default`) as the selected profile. A file that is
/// missing or cannot be opened reads as empty, as for aws-config. A file
/// aws-config cannot parse is logged as a warning and returned as the
/// error (its source names the file and line): the caller never gets an
/// empty set standing for a broken file. Never log the set (module docs).
pub async fn load_profile_set() -> Result<ProfileSet, ProfileFileLoadError> {
    let env = |var: &str| std::env::var_os(var);
    let set = load_from(shared_files(&env)).await;
    if let Err(e) = &set {
        tracing::warn!(
            "the AWS profiles cannot be read: {}",
            DisplayErrorContext(e)
        );
    }
    set
}

/// A config and a credentials text parsed as aws-config parses the shared
/// files (named `config` and `credentials` in errors).
pub async fn parse(config: &str, credentials: &str) -> Result<ProfileSet, ProfileFileLoadError> {
    let file = |kind, name: &str, text: &str| (kind, PathBuf::from(name), text.to_string());
    parse_texts([
        file(EnvConfigFileKind::Config, "config", config),
        file(EnvConfigFileKind::Credentials, "credentials", credentials),
    ])
    .await
}

/// The names of `set`'s profiles, sorted, `default` first. aws-config has
/// already dropped sections that are not profiles (`[sso-session x]`,
/// `[services x]`, `[x]` in the config file) and profiles whose names are
/// not identifiers; a nameless `[]` in the credentials file, which it
/// keeps, cannot be picked by name and is left out.
pub fn profile_names(set: &ProfileSet) -> Vec<String> {
    let mut names: Vec<String> = set
        .profiles()
        .filter(|n| !n.is_empty())
        .map(String::from)
        .collect();
    names.sort_by(|a, b| (a != "default", a).cmp(&(b != "default", b)));
    names
}

/// Where each shared file is, looked up in `env` as aws-config does; `None`
/// without a home directory to put it under.
fn shared_files(env: &dyn Fn(&str) -> Option<std::ffi::OsString>) -> SharedFiles {
    let home = env("HOME").map(PathBuf::from);
    let locate = |var: &str, name: &str| match env(var).map(PathBuf::from) {
        Some(path) => match path.strip_prefix("~") {
            Ok(rest) => home.as_ref().map(|h| h.join(rest)),
            Err(_) => Some(path),
        },
        None => home.as_ref().map(|h| h.join(".aws").join(name)),
    };
    [
        (
            EnvConfigFileKind::Config,
            locate("AWS_CONFIG_FILE", "config"),
        ),
        (
            EnvConfigFileKind::Credentials,
            locate("AWS_SHARED_CREDENTIALS_FILE", "credentials"),
        ),
    ]
}

type SharedFiles = [(EnvConfigFileKind, Option<PathBuf>); 2];

async fn load_from(files: SharedFiles) -> Result<ProfileSet, ProfileFileLoadError> {
    parse_texts(files.map(|(kind, path)| {
        let text = path.as_deref().map(read_shared_file).unwrap_or_default();
        // Unlocated files are empty; the name only has to be distinct.
        let path = path.unwrap_or_else(|| PathBuf::from(format!("~/.aws/{kind:?}")));
        (kind, path, text)
    }))
    .await
}

async fn parse_texts(
    files: [(EnvConfigFileKind, PathBuf, String); 2],
) -> Result<ProfileSet, ProfileFileLoadError> {
    let mut in_memory = HashMap::new();
    let mut set = EnvConfigFiles::builder();
    for (kind, path, text) in files {
        set = set.with_file(kind, &path);
        in_memory.insert(path.into_os_string(), text.into_bytes());
    }
    // The selected profile is aws-config's: `AWS_PROFILE`, else `default`.
    aws_config::profile::load(
        &Fs::from_raw_map(in_memory),
        &Env::real(),
        &set.build(),
        None,
    )
    .await
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

#[cfg(test)]
mod tests {
    use super::*;

    async fn names(config: &str, credentials: &str) -> Vec<String> {
        profile_names(&parse(config, credentials).await.expect("parses"))
    }

    #[tokio::test]
    async fn profiles_from_both_files() {
        let config = "[default]\nregion = eu-west-1\n[profile prod]\nsso_session = s\n\
                      [sso-session s]\nsso_start_url = https://x.awsapps.com/start\n\
                      [services x]\n[profile  hub ]\n# [profile nope]\n; [profile nope2]\n\
                      [orphan]\nregion = us-east-1\n";
        let creds = "[default]\naws_access_key_id=x\n[legacy]\n[profile p]\n";
        // `[orphan]` lacks the `profile` prefix a config file needs and
        // `[profile p]` has one a credentials file must not: both dropped.
        assert_eq!(
            names(config, creds).await,
            vec!["default", "hub", "legacy", "prod"]
        );
        assert!(names("", "").await.is_empty());
        let set = parse(config, creds).await.expect("parses");
        assert_eq!(
            set.sso_session("s").and_then(|s| s.get("sso_start_url")),
            Some("https://x.awsapps.com/start")
        );
        // A profile in both files is one profile with both files' keys.
        let default = set.get_profile("default").expect("default");
        assert_eq!(default.get("region"), Some("eu-west-1"));
        assert_eq!(default.get("aws_access_key_id"), Some("x"));
    }

    /// Where the old hand parser listed anything in brackets, aws-config
    /// drops names that are not identifiers and refuses malformed files;
    /// the refusal is an error, not an empty list.
    #[tokio::test]
    async fn aws_config_rules_decide_what_is_a_profile() {
        assert_eq!(
            names("[profile a b]\n[profile ok]\n", "[c d]\n[]\n").await,
            vec!["ok"]
        );
        let err = parse("", "[ok]\n[legacy\n")
            .await
            .expect_err("unterminated");
        let said = DisplayErrorContext(&err).to_string();
        assert!(said.contains("credentials on line 2"), "{said}");
        assert!(parse("region = x\n[default]\n", "").await.is_err());
    }

    #[test]
    fn the_files_are_located_as_aws_config_locates_them() {
        let env = |vars: &'static [(&'static str, &'static str)]| {
            move |var: &str| {
                vars.iter()
                    .find(|(k, _)| *k == var)
                    .map(|(_, v)| std::ffi::OsString::from(v))
            }
        };
        let paths = |files: SharedFiles| files.map(|(_, p)| p);
        assert_eq!(
            paths(shared_files(&env(&[("HOME", "/h")]))),
            [
                Some(PathBuf::from("/h/.aws/config")),
                Some(PathBuf::from("/h/.aws/credentials"))
            ]
        );
        let overridden = env(&[
            ("HOME", "/h"),
            ("AWS_CONFIG_FILE", "~/cfg"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/etc/creds"),
        ]);
        assert_eq!(
            paths(shared_files(&overridden)),
            [
                Some(PathBuf::from("/h/cfg")),
                Some(PathBuf::from("/etc/creds"))
            ]
        );
        assert_eq!(paths(shared_files(&env(&[]))), [None, None]);
    }

    /// A FIFO at `~/.aws/config` blocked the profile list forever: opening
    /// it waited for a writer (issue #17).
    #[cfg(unix)]
    #[tokio::test]
    async fn a_fifo_config_file_reads_as_empty_without_blocking() {
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
        std::fs::write(&file, "[legacy]\nmfa_serial = GAHT1\n").expect("write");
        assert_eq!(read_shared_file(&file), "[legacy]\nmfa_serial = GAHT1\n");
        // The whole load, as `load_profile_set` does it with these paths.
        let set = load_from([
            (EnvConfigFileKind::Config, Some(fifo)),
            (EnvConfigFileKind::Credentials, Some(file)),
        ])
        .await
        .expect("parses");
        assert_eq!(profile_names(&set), vec!["legacy"]);
        std::fs::remove_dir_all(&dir).expect("clean up");
    }
}
