//! A private moto server per test: `moto_server` on a free loopback port,
//! reached through the same `AWS_ENDPOINT_URL` mechanism a user would use.
//!
//! moto runs under a tiny `sh` wrapper that holds the read end of a pipe
//! from this process: when the [`Moto`] is dropped *or* the test process
//! dies abruptly (panic=abort, SIGKILL, Ctrl-C), the pipe closes, the
//! wrapper kills moto and exits, so no server outlives its test.

use std::io::Write as _;
use std::net::{Ipv4Addr, SocketAddr, TcpListener, TcpStream};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::time::{Duration, Instant};

use aws_config::{BehaviorVersion, SdkConfig};
use aws_credential_types::Credentials;
use aws_types::region::Region;

/// moto's fixed access key: it maps to the management account 123456789012.
pub const ACCESS_KEY: &str = "testing";
pub const REGION: &str = "us-east-1";
/// The account moto's default credentials belong to.
pub const MANAGEMENT_ACCOUNT: &str = "123456789012";

/// Runs moto, and kills it when its stdin (our pipe) closes. fd 3 keeps
/// the pipe: background jobs of a non-interactive shell get /dev/null as
/// stdin. If moto exits on its own (port taken), the wrapper exits too, so
/// the harness can notice and retry on another port.
///
/// The watcher kills `$pid` only while it is still this wrapper's child
/// (field 4 of `/proc/PID/stat` is the parent): a moto that already exited
/// has been reaped, and with `pid_max` at 32768 and cargo spawning
/// thousands of processes its number can by then belong to another test's
/// process (an `orgscope` under test was seen killed by a signal).
const WRAPPER: &str = r#"
exec 3<&0
"$1" -H 127.0.0.1 -p "$2" </dev/null >/dev/null 2>&1 3<&- &
pid=$!
( cat <&3 >/dev/null
  [ "$(cut -d' ' -f4 "/proc/$pid/stat" 2>/dev/null)" = "$$" ] && kill "$pid" 2>/dev/null ) &
wait "$pid"
"#;

pub struct Moto {
    child: Child,
    stdin: Option<ChildStdin>,
    port: u16,
}

impl Moto {
    /// Start a fresh moto (empty state) and wait until it accepts
    /// connections.
    pub fn start() -> Moto {
        Self::start_with(&[])
    }

    /// [`Moto::start`] with these settings in moto's environment (e.g.
    /// `MOTO_IAM_LOAD_MANAGED_POLICIES`, which only the environment sets).
    pub fn start_with(env: &[(&str, &str)]) -> Moto {
        let bin = moto_binary();
        let mut last_error = String::new();
        for _ in 0..5 {
            let port = free_port();
            let mut child = Command::new("sh")
                .arg("-c")
                .arg(WRAPPER)
                .arg("moto-wrapper")
                .arg(&bin)
                .arg(port.to_string())
                .envs(env.iter().copied())
                .stdin(Stdio::piped())
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap_or_else(|e| panic!("cannot run sh to start moto: {e}"));
            let stdin = child.stdin.take();
            let mut moto = Moto { child, stdin, port };
            match moto.wait_ready() {
                Ok(()) => return moto,
                Err(e) => last_error = e,
            }
        }
        panic!("moto_server did not start: {last_error}");
    }

    /// Poll until the port accepts connections or moto exits (a readiness
    /// check, not a timing assumption: the deadline only bounds a hang).
    fn wait_ready(&mut self) -> Result<(), String> {
        let deadline = Instant::now() + Duration::from_secs(60);
        let addr = SocketAddr::from((Ipv4Addr::LOCALHOST, self.port));
        while Instant::now() < deadline {
            if let Ok(Some(status)) = self.child.try_wait() {
                return Err(format!(
                    "moto exited early ({status}) on port {}",
                    self.port
                ));
            }
            if TcpStream::connect_timeout(&addr, Duration::from_millis(200)).is_ok() {
                return Ok(());
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        Err(format!("no answer on port {} within 60 s", self.port))
    }

    pub fn port(&self) -> u16 {
        self.port
    }

    pub fn endpoint(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    /// Static fake credentials (moto's management account), us-east-1,
    /// every client pointed at this server.
    pub async fn sdk_config(&self) -> SdkConfig {
        aws_config::defaults(BehaviorVersion::latest())
            .region(Region::new(REGION))
            .credentials_provider(Credentials::new(ACCESS_KEY, ACCESS_KEY, None, None, "moto"))
            .endpoint_url(self.endpoint())
            .load()
            .await
    }

    /// Environment for running the `orgscope` binary against this server.
    /// Callers should also `env_remove("AWS_PROFILE")`; the config files
    /// are pointed at `/dev/null` so a developer's own profiles never leak
    /// into a test.
    pub fn env(&self) -> Vec<(String, String)> {
        [
            ("AWS_ENDPOINT_URL", self.endpoint().as_str()),
            ("AWS_ACCESS_KEY_ID", ACCESS_KEY),
            ("AWS_SECRET_ACCESS_KEY", ACCESS_KEY),
            ("AWS_REGION", REGION),
            ("AWS_DEFAULT_REGION", REGION),
            ("AWS_CONFIG_FILE", "/dev/null"),
            ("AWS_SHARED_CREDENTIALS_FILE", "/dev/null"),
            ("AWS_EC2_METADATA_DISABLED", "true"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
    }
}

impl Drop for Moto {
    fn drop(&mut self) {
        // Closing the pipe is the stop signal; write nothing, just close.
        if let Some(mut stdin) = self.stdin.take() {
            let _ = stdin.flush();
        }
        let _ = self.child.wait();
    }
}

/// `$ORGSCOPE_VENV`, else the project's `.venv`.
fn venv() -> PathBuf {
    std::env::var_os("ORGSCOPE_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".venv"))
}

/// The venv's python, which has boto3 (moto's dependency): what the
/// tests' own Python helpers (`support/config_export.py`) run with.
pub fn venv_python() -> PathBuf {
    let bin = venv().join("bin").join("python");
    if !bin.is_file() {
        panic!(
            "python not found at {}: run scripts/setup-moto.sh (or set ORGSCOPE_VENV)",
            bin.display()
        );
    }
    bin
}

/// `$ORGSCOPE_VENV/bin/moto_server`, else the project's `.venv`'s.
fn moto_binary() -> PathBuf {
    let bin = venv().join("bin").join("moto_server");
    if !bin.is_file() {
        panic!(
            "moto_server not found at {}: run scripts/setup-moto.sh (or set ORGSCOPE_VENV to a virtualenv with moto[server] installed)",
            bin.display()
        );
    }
    bin
}

fn free_port() -> u16 {
    let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, 0))
        .unwrap_or_else(|e| panic!("cannot bind a loopback port: {e}"));
    listener
        .local_addr()
        .unwrap_or_else(|e| panic!("no local address: {e}"))
        .port()
}
