//! A backup file on disk: checked, encrypted and decrypted.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;
use std::str::FromStr;

use age::secrecy::SecretString;
use sqlx::sqlite::SqliteConnectOptions;
use sqlx::{ConnectOptions, Connection};

use super::io_error;
use crate::error::ApiError;

/// Opens the copy on its own and runs SQLite's full `integrity_check`; none when it is sound,
/// else what SQLite found.
pub(super) async fn integrity(path: &Path) -> Result<Option<String>, ApiError> {
    let opts = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))
        .map_err(|e| ApiError::bad_request(e.to_string()))?
        .read_only(true);
    let mut c = match opts.connect().await {
        Ok(c) => c,
        Err(e) => return Ok(Some(format!("not a database: {e}"))),
    };
    let rows: Result<Vec<String>, _> = sqlx::query_scalar("PRAGMA integrity_check")
        .fetch_all(&mut c)
        .await;
    let _ = c.close().await;
    Ok(match rows {
        Ok(r) if r.len() == 1 && r[0] == "ok" => None,
        Ok(r) => Some(r.join("; ")),
        Err(e) => Some(format!("not a database: {e}")),
    })
}

/// The audit log's last row number in a database file.
pub(super) async fn head_seq(path: &Path) -> Result<i64, ApiError> {
    let opts = SqliteConnectOptions::from_str(&format!("sqlite:{}", path.display()))
        .map_err(|e| ApiError::bad_request(e.to_string()))?
        .read_only(true);
    let mut c = opts.connect().await?;
    let seq: Option<i64> = sqlx::query_scalar("SELECT MAX(seq) FROM audit_log")
        .fetch_one(&mut c)
        .await?;
    let _ = c.close().await;
    Ok(seq.unwrap_or(0))
}

pub(super) fn encrypt(src: &Path, dst: &Path, passphrase: &str) -> Result<(), ApiError> {
    let enc = age::Encryptor::with_user_passphrase(SecretString::from(passphrase.to_string()));
    let input = std::fs::File::open(src).map_err(|e| io_error("reading the copy", e))?;
    let output = std::fs::File::create(dst).map_err(|e| io_error("writing the backup", e))?;
    let mut writer = enc
        .wrap_output(BufWriter::new(output))
        .map_err(|e| io_error("encrypting the backup", e))?;
    std::io::copy(&mut BufReader::new(input), &mut writer)
        .map_err(|e| io_error("encrypting the backup", e))?;
    let mut inner = writer
        .finish()
        .map_err(|e| io_error("encrypting the backup", e))?;
    inner
        .flush()
        .map_err(|e| io_error("writing the backup", e))?;
    inner
        .into_inner()
        .map_err(|e| io_error("writing the backup", e.into_error()))?
        .sync_all()
        .map_err(|e| io_error("writing the backup", e))
}

/// Decrypts `src` into `dst`; a wrong passphrase or a damaged file is an error at
/// `passphrase` or `file_name`.
pub(super) fn decrypt(src: &Path, dst: &Path, passphrase: &str) -> Result<(), ApiError> {
    let input = std::fs::File::open(src).map_err(|e| io_error("reading the backup", e))?;
    let dec = age::Decryptor::new(BufReader::new(input)).map_err(|_| {
        ApiError::field(
            "file_name",
            "damaged",
            "the backup file is damaged or not a backup",
        )
    })?;
    let identity = age::scrypt::Identity::new(SecretString::from(passphrase.to_string()));
    let mut reader = dec
        .decrypt(std::iter::once(&identity as &dyn age::Identity))
        .map_err(|_| {
            ApiError::field(
                "passphrase",
                "wrong",
                "this passphrase does not open the backup",
            )
        })?;
    let mut out = BufWriter::new(
        std::fs::File::create(dst).map_err(|e| io_error("unpacking the backup", e))?,
    );
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = reader.read(&mut buf).map_err(|_| {
            ApiError::field(
                "file_name",
                "damaged",
                "the backup file is damaged or cut short",
            )
        })?;
        if n == 0 {
            break;
        }
        out.write_all(&buf[..n])
            .map_err(|e| io_error("unpacking the backup", e))?;
    }
    out.flush().map_err(|e| io_error("unpacking the backup", e))
}
