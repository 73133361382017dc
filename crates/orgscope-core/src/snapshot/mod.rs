//! Estate files on disk: reading them back safely and writing them
//! atomically. A snapshot is the JSON form of [`model::Estate`]; this module
//! checks the `format`/`version` header before trusting the rest, bounds how
//! much it will read, reports malformed JSON with its line and column, and
//! writes every file (snapshots, exports, anything else) through a temporary
//! file in the same directory followed by a rename, so a crash or a full
//! disk never leaves a half-written file under the user's chosen name.
//!
//! Older versions are migrated as they are read: a version 1 file (five EC2
//! kinds, references such as `vpc_id` held as fields) becomes a version 2
//! estate whose references are edges (the resource reader does that, see
//! `model/resource.rs`), and is written back as version 2 when saved.

use std::fs::File;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::model::{Estate, FORMAT, OrgUnit, VERSION};

mod split;
#[cfg(test)]
mod split_tests;

/// Largest estate file we agree to read. A million resources take ~1 GB
/// (the 5,000-account aggregator benchmark wrote 1.5 million); anything
/// larger than this is far more likely to be the wrong file than a real
/// estate. The file is parsed as it is read, never held whole in memory,
/// so the limit is about time, not a buffer.
pub const MAX_SNAPSHOT_BYTES: u64 = 4 * 1024 * 1024 * 1024;

/// Deepest nesting of organizational units below the root we agree to read.
/// AWS Organizations allows five levels; the org tree's walks (account
/// lists, the tree panel, the org diagram) recurse once per level, so a
/// file claiming more than this is refused when read rather than trusted.
/// It sits below the 62 levels serde_json's own nesting limit lets through,
/// so a deep tree gets this error, which says what is wrong, rather than a
/// bare "recursion limit exceeded".
pub const MAX_OU_DEPTH: usize = 32;

#[derive(Debug, thiserror::Error)]
pub enum SnapshotError {
    #[error("cannot read {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path} is {size} bytes, larger than the {limit}-byte limit for an estate file")]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },
    #[error("{path} is not a regular file")]
    NotAFile { path: PathBuf },
    #[error("{path} is not an orgscope estate file (line {line}, column {column}: {message})")]
    Malformed {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{path} is not an orgscope estate file (its format is {found:?}, expected {FORMAT:?})")]
    WrongFormat { path: PathBuf, found: String },
    #[error(
        "{path} is estate file version {found}, newer than this orgscope understands (up to {VERSION}); upgrade orgscope to open it"
    )]
    FutureVersion { path: PathBuf, found: u32 },
    #[error(
        "{path} nests organizational units {depth} levels deep, more than the {limit} orgscope reads (AWS Organizations allows 5); it was not written from a real organization"
    )]
    TooDeep {
        path: PathBuf,
        depth: usize,
        limit: usize,
    },
    #[error("cannot serialize the estate: {source}")]
    Serialize {
        #[source]
        source: serde_json::Error,
    },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Only the header, checked before the full parse so that a future version
/// gets "upgrade orgscope" rather than a confusing field error.
#[derive(Deserialize)]
struct Header {
    format: Option<String>,
    version: Option<u32>,
}

/// Open a file the user named for reading, refusing anything but a regular
/// file: a device or FIFO reports size 0 and may never end (`/dev/zero`),
/// and only a regular file has a size that can be checked before reading.
/// Every file orgscope reads by a path from outside (snapshots, the AWS
/// config files) is opened here.
pub fn open_regular(path: &Path) -> Result<File, SnapshotError> {
    let io = |source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    // Opening a FIFO for reading blocks until something writes to it, so a
    // check after `open` would never run. With O_NONBLOCK the open returns
    // at once; reads of a regular file ignore the flag, so it need not be
    // cleared afterwards.
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(rustix::fs::OFlags::NONBLOCK.bits().cast_signed());
    }
    let file = options.open(path).map_err(io)?;
    // The handle's type, not the path's: the path may have been replaced
    // since, and this is the file that will be read.
    if !file.metadata().map_err(io)?.is_file() {
        return Err(SnapshotError::NotAFile {
            path: path.to_path_buf(),
        });
    }
    Ok(file)
}

/// Read and validate an estate file.
///
/// Parsed as it is read, never held whole: at a million resources the file
/// is ~1 GB, as much again as the estate built from it (see `split`).
pub fn read(path: &Path) -> Result<Estate, SnapshotError> {
    let io = |source| SnapshotError::Io {
        path: path.to_path_buf(),
        source,
    };
    let file = open_regular(path)?;
    let size = file.metadata().map_err(io)?.len();
    if size > MAX_SNAPSHOT_BYTES {
        return Err(SnapshotError::TooLarge {
            path: path.to_path_buf(),
            size,
            limit: MAX_SNAPSHOT_BYTES,
        });
    }
    // Batches parsed on every core; anything that path cannot follow is
    // parsed again the plain way, which names the error and its place.
    if let Some(estate) = split::read(file.take(MAX_SNAPSHOT_BYTES))
        && estate.format == FORMAT
        && estate.version <= VERSION
    {
        return checked(migrated(estate), path);
    }
    parse(Input::File(path), path)
}

/// Parse an estate from bytes; `path` is only used in error messages.
pub fn from_slice(bytes: &[u8], path: &Path) -> Result<Estate, SnapshotError> {
    parse(Input::Slice(bytes), path)
}

/// What a snapshot is parsed from: bytes, or a file opened again for
/// each pass (passes after the first only explain a failure).
enum Input<'a> {
    Slice(&'a [u8]),
    File(&'a Path),
}

impl Input<'_> {
    fn parse<T: serde::de::DeserializeOwned>(&mut self) -> Result<T, serde_json::Error> {
        match self {
            Input::Slice(b) => serde_json::from_slice(b),
            Input::File(path) => {
                let file = open_regular(path).map_err(|e| match e {
                    SnapshotError::Io { source, .. } => serde_json::Error::io(source),
                    other => serde_json::Error::io(std::io::Error::other(other.to_string())),
                })?;
                // `take` guards against a file that grows while it is read:
                // nothing past the limit is parsed.
                serde_json::from_reader(std::io::BufReader::with_capacity(
                    1 << 20,
                    file.take(MAX_SNAPSHOT_BYTES),
                ))
            }
        }
    }
}

fn parse(mut input: Input<'_>, path: &Path) -> Result<Estate, SnapshotError> {
    let malformed = |e: serde_json::Error| SnapshotError::Malformed {
        path: path.to_path_buf(),
        line: e.line(),
        column: e.column(),
        message: strip_position(&e.to_string()),
    };
    // The whole document first: one pass over a large file (1 GB at a
    // million resources). Only when that fails, or the result is not ours,
    // is the header read, so the error says "not a snapshot" or "newer
    // version" rather than which field was missing.
    if let Ok(estate) = input.parse::<Estate>()
        && estate.format == FORMAT
        && estate.version <= VERSION
    {
        return checked(migrated(estate), path);
    }
    let header: Header = input.parse().map_err(malformed)?;
    match header.format.as_deref() {
        Some(FORMAT) => {}
        other => {
            return Err(SnapshotError::WrongFormat {
                path: path.to_path_buf(),
                found: other.unwrap_or("(none)").to_string(),
            });
        }
    }
    let version = header.version.unwrap_or(0);
    if version > VERSION {
        return Err(SnapshotError::FutureVersion {
            path: path.to_path_buf(),
            found: version,
        });
    }
    let estate = input.parse().map_err(malformed)?;
    checked(migrated(estate), path)
}

/// What the types cannot say about a parsed estate: its org tree is no
/// deeper than [`MAX_OU_DEPTH`].
fn checked(estate: Estate, path: &Path) -> Result<Estate, SnapshotError> {
    let depth = ou_depth(&estate.tree);
    if depth > MAX_OU_DEPTH {
        return Err(SnapshotError::TooDeep {
            path: path.to_path_buf(),
            depth,
            limit: MAX_OU_DEPTH,
        });
    }
    Ok(estate)
}

/// Levels of OUs below `root` (0 when it has none), with an explicit stack:
/// this is the walk that must not trust the depth it is measuring.
fn ou_depth(root: &OrgUnit) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(root, 0)];
    while let Some((node, depth)) = stack.pop() {
        deepest = deepest.max(depth);
        stack.extend(node.children.iter().map(|c| (c, depth + 1)));
    }
    deepest
}

/// An estate read from an older version, now in this version's form: the
/// resource reader already turned version 1 references into edges, so what
/// is left is the version number the next save writes.
fn migrated(mut estate: Estate) -> Estate {
    estate.version = VERSION;
    estate
}

/// serde_json appends " at line L column C"; we report those separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_string(),
        None => msg.to_string(),
    }
}

/// Serialize an estate as pretty JSON (diffable, and still fast to parse).
pub fn to_vec(estate: &Estate) -> Result<Vec<u8>, SnapshotError> {
    pretty(estate)
}

/// Today's model always serializes, but that is a property of every
/// hand-written `Serialize` in it staying that way. A failure must reach
/// the user: an empty document in its place would be written over their
/// snapshot as if it were the estate.
fn pretty<T: serde::Serialize>(value: &T) -> Result<Vec<u8>, SnapshotError> {
    let mut out =
        serde_json::to_vec_pretty(value).map_err(|source| SnapshotError::Serialize { source })?;
    out.push(b'\n');
    Ok(out)
}

/// Write an estate atomically; nothing is written when it cannot be
/// serialized.
pub fn write(path: &Path, estate: &Estate) -> Result<(), SnapshotError> {
    write_atomic(path, &to_vec(estate)?)
}

/// Write bytes to `path` atomically: a temporary file in the same directory
/// (so the rename stays on one filesystem), flushed to disk, then renamed
/// over the target. Readers see the old file or the new one, never a mix.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), SnapshotError> {
    let err = |source| SnapshotError::Write {
        path: path.to_path_buf(),
        source,
    };
    let dir = match path.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let mut builder = tempfile::Builder::new();
    builder.prefix(".orgscope-").suffix(".tmp");
    // tempfile creates 0600 files; an export should get the permissions a
    // plain create would (0666 less the user's umask), like any other tool.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        builder.permissions(std::fs::Permissions::from_mode(0o666));
    }
    let mut tmp = builder.tempfile_in(&dir).map_err(err)?;
    tmp.write_all(bytes).map_err(err)?;
    tmp.as_file().sync_all().map_err(err)?;
    tmp.persist(path).map_err(|e| err(e.error))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{CallerIdentity, Source, SourceKind};

    fn tiny() -> Estate {
        Estate::new(
            "2026-01-01T00:00:00Z".into(),
            Source {
                aggregator: None,
                kind: SourceKind::Demo,
                profile: None,
                label: "t".into(),
            },
            CallerIdentity {
                account_id: "123456789012".into(),
                arn: "arn:aws:iam::123456789012:user/u".into(),
                user_id: "u".into(),
            },
        )
    }

    #[test]
    fn round_trip_and_atomic_write() {
        let dir = tempfile::tempdir().expect("tempdir");
        let path = dir.path().join("e.json");
        let e = tiny();
        write(&path, &e).expect("write");
        assert_eq!(read(&path).expect("read"), e);
        // No temporary files are left behind.
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .expect("ls")
            .map(|d| d.expect("entry").file_name())
            .collect();
        assert_eq!(names, vec![std::ffi::OsString::from("e.json")]);
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&path).expect("stat").permissions().mode();
            // What a plain create would give: 0666 less the process umask.
            let status = std::fs::read_to_string("/proc/self/status").expect("status");
            let umask = status
                .lines()
                .find_map(|l| l.strip_prefix("Umask:"))
                .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
                .expect("umask");
            assert_eq!(
                mode & 0o777,
                0o666 & !umask,
                "mode {mode:o}, umask {umask:o}"
            );
        }
    }

    /// Each of these blocked or never ended before: opening a FIFO waits
    /// for a writer that never comes. They must be refused by type, at once.
    #[cfg(unix)]
    #[test]
    fn fifos_devices_and_directories_are_refused_without_blocking() {
        let dir = tempfile::tempdir().expect("tempdir");
        let fifo = dir.path().join("estate.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .expect("mkfifo runs");
        assert!(made.success(), "mkfifo {}", fifo.display());
        for path in [fifo.as_path(), Path::new("/dev/zero"), dir.path()] {
            let err = read(path).expect_err("not an estate file");
            assert!(matches!(err, SnapshotError::NotAFile { .. }), "{err}");
            assert_eq!(
                err.to_string(),
                format!("{} is not a regular file", path.display())
            );
            assert!(matches!(
                open_regular(path),
                Err(SnapshotError::NotAFile { .. })
            ));
        }
        // A regular file still opens and reads through the same helper.
        let file = dir.path().join("e.json");
        write(&file, &tiny()).expect("write");
        assert_eq!(read(&file).expect("read"), tiny());
    }

    /// A failed serialization was an empty document, which `write` would
    /// have put over the user's file (issue #17).
    #[test]
    fn a_value_that_cannot_serialize_is_an_error_not_an_empty_document() {
        // JSON object keys must be strings: serde_json refuses this map.
        let unserializable: std::collections::BTreeMap<(u8, u8), u8> = [((1, 2), 3)].into();
        let err = pretty(&unserializable).expect_err("cannot serialize");
        assert!(matches!(err, SnapshotError::Serialize { .. }), "{err}");
        assert!(
            err.to_string()
                .starts_with("cannot serialize the estate: key must be a string"),
            "{err}"
        );
        let bytes = to_vec(&tiny()).expect("serializes");
        assert!(bytes.ends_with(b"}\n"));
    }

    #[test]
    fn malformed_names_line_and_column() {
        let err = from_slice(
            b"{\n  \"format\": \"orgscope-estate\",\n  oops\n}",
            Path::new("x.json"),
        )
        .expect_err("must fail");
        match err {
            SnapshotError::Malformed { line, column, .. } => {
                assert_eq!((line, column), (3, 3));
            }
            other => panic!("unexpected {other}"),
        }
    }

    /// A version 1 file written by the first release's `orgscope demo
    /// --accounts 11`, kept as it was written.
    const V1_DEMO: &[u8] = include_bytes!("../../tests/fixtures/v1-demo-11-accounts.json");

    #[test]
    fn version_1_demo_opens_as_the_same_estate_in_version_2() {
        use crate::model::kinds;
        let old = from_slice(V1_DEMO, Path::new("v1.json")).expect("v1 file reads");
        assert_eq!(old.version, VERSION, "migrated on read");
        // Today's demo of the same size, less what version 1 could not
        // hold: kinds added since, and their coverage cells, and costs.
        let mut new = crate::demo::demo_estate(11);
        new.costs = None;
        let v1_kinds = [
            kinds::INSTANCE,
            kinds::VPC,
            kinds::SUBNET,
            kinds::SECURITY_GROUP,
            kinds::VOLUME,
        ];
        new.resources.retain(|r| v1_kinds.contains(&r.kind));
        // The network account (the Transit Gateway hub) came with the
        // wiring kinds, after the fixture was written.
        let network = new
            .accounts
            .iter()
            .find(|a| a.name == "network")
            .map(|a| a.id.clone())
            .expect("the demo has a network account");
        new.accounts.retain(|a| a.id != network);
        new.tree.children.retain(|ou| ou.name != "Infrastructure");
        new.coverage.retain(|c| c.account_id != network);
        new.resources.retain(|r| r.account_id != network);
        new.source.label = "demo estate (11 accounts)".to_string();
        // Fields derived from the wiring did not exist in version 1.
        for r in &mut new.resources {
            for f in ["routing", "internet", "internet_why"] {
                if r.get(f).is_some() {
                    r.set(f, crate::model::Value::Null);
                }
            }
        }
        let v1_apis: Vec<&str> = old.coverage.iter().map(|c| c.api.as_str()).collect();
        new.coverage.retain(|c| v1_apis.contains(&c.api.as_str()));
        assert_eq!(old.resources.len(), new.resources.len());
        // Resource by resource, so a failure names the one that differs:
        // the migration turned `vpc_id`, `subnet_id`, `security_groups` and
        // `attachments` into exactly the edges today's demo generates.
        for (a, b) in old.resources.iter().zip(&new.resources) {
            assert_eq!(a, b);
        }
        assert_eq!(old, new);
        // And it saves as version 2, which reads back equal.
        let again =
            from_slice(&to_vec(&old).expect("serializes"), Path::new("v2.json")).expect("v2 reads");
        assert_eq!(again, old);
    }

    #[test]
    fn version_1_references_become_edges() {
        use crate::model::{Rel, kinds};
        let e = from_slice(V1_DEMO, Path::new("v1.json")).expect("v1 file reads");
        let instance = e
            .resources
            .iter()
            .find(|r| r.kind == kinds::INSTANCE && r.first(Rel::InSubnet).is_some())
            .expect("an instance in a subnet");
        let vpc = instance.first(Rel::InVpc).expect("in a VPC");
        assert!(
            e.resources
                .iter()
                .any(|r| r.kind == kinds::VPC && r.id == vpc)
        );
        assert!(instance.edges(Rel::MemberOf).all(|g| g.name.is_some()));
        let volume = e
            .resources
            .iter()
            .find(|r| r.kind == kinds::VOLUME && r.first(Rel::AttachedTo).is_some())
            .expect("an attached volume");
        let att = volume.edges(Rel::AttachedTo).next().expect("edge");
        assert!(att.attrs.contains_key("device") && att.attrs.contains_key("state"));
    }

    #[test]
    fn malformed_resource_in_either_version_is_positioned() {
        for version in [1, 2] {
            let doc = format!(
                "{{\"format\":\"orgscope-estate\",\"version\":{version},\n\"resources\":[\n{{\"account_id\":\"1\",\"region\":\"r\",\"type\":\"instance\",\"id\":\"i\",\"tags\":{{}},\"instance_type\":7}}]}}"
            );
            let err = from_slice(doc.as_bytes(), Path::new("x.json")).expect_err("must fail");
            match err {
                SnapshotError::Malformed { line, message, .. } => {
                    assert_eq!(line, 3, "v{version}: {message}");
                    assert!(message.contains("invalid type"), "v{version}: {message}");
                }
                other => panic!("v{version}: unexpected {other}"),
            }
            let doc = doc.replace("\"instance_type\":7", "\"no_such_field\":1");
            let err = from_slice(doc.as_bytes(), Path::new("x.json")).expect_err("must fail");
            assert!(
                err.to_string()
                    .contains("unknown field 'no_such_field' for resource type instance"),
                "v{version}: {err}"
            );
            let doc = doc.replace("\"type\":\"instance\"", "\"type\":\"teleporter\"");
            let err = from_slice(doc.as_bytes(), Path::new("x.json")).expect_err("must fail");
            assert!(
                err.to_string()
                    .contains("unknown resource type 'teleporter'"),
                "{err}"
            );
        }
    }

    #[test]
    fn future_version_is_refused_by_number() {
        let err = from_slice(
            br#"{"format":"orgscope-estate","version":7}"#,
            Path::new("x.json"),
        )
        .expect_err("must fail");
        assert!(err.to_string().contains("version 7"), "{err}");
        let err = from_slice(br#"{"format":"other","version":1}"#, Path::new("x.json"))
            .expect_err("must fail");
        assert!(matches!(err, SnapshotError::WrongFormat { .. }));
    }

    /// An estate file whose root has `levels` OUs nested one in the next,
    /// written as text: building (and dropping) such a tree in memory would
    /// itself recurse once per level.
    fn nested_ous(levels: usize) -> String {
        let mut doc = serde_json::to_value(tiny()).expect("serializes");
        doc["tree"] = serde_json::Value::String("@TREE@".into());
        let mut tree = String::new();
        for i in 0..=levels {
            tree.push_str(&format!(
                r#"{{"id":"ou-{i}","name":"level {i}","scps":[],"accounts":[],"children":["#
            ));
        }
        tree.push_str(&"]}".repeat(levels + 1));
        doc.to_string().replace("\"@TREE@\"", &tree)
    }

    #[test]
    fn an_org_tree_at_the_depth_limit_reads_and_walks() {
        let e =
            from_slice(nested_ous(MAX_OU_DEPTH).as_bytes(), Path::new("x.json")).expect("reads");
        let mut deepest = Vec::new();
        e.tree.walk(&mut |_, path| {
            if path.len() > deepest.len() {
                deepest = path.iter().map(|s| s.to_string()).collect();
            }
        });
        assert_eq!(deepest.len(), MAX_OU_DEPTH);
        assert!(e.tree.find(&format!("ou-{MAX_OU_DEPTH}")).is_some());
    }

    #[test]
    fn an_org_tree_past_the_depth_limit_is_refused_clearly() {
        // Just past the limit, and as deep as serde_json lets through.
        for levels in [MAX_OU_DEPTH + 1, 62] {
            let err = from_slice(nested_ous(levels).as_bytes(), Path::new("x.json"))
                .expect_err("too deep");
            assert!(
                matches!(err, SnapshotError::TooDeep { depth, limit: MAX_OU_DEPTH, .. } if depth == levels),
                "{levels}: {err}"
            );
            assert!(
                err.to_string().contains(&format!(
                    "nests organizational units {levels} levels deep, more than the {MAX_OU_DEPTH}"
                )),
                "{err}"
            );
        }
        // Far deeper: refused by the JSON reader's own nesting limit, as a
        // malformed file, never a stack overflow.
        let err =
            from_slice(nested_ous(20_000).as_bytes(), Path::new("x.json")).expect_err("too deep");
        assert!(matches!(err, SnapshotError::Malformed { .. }), "{err}");
    }
}
