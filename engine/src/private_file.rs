//! Files only their owner may read: every file the engine writes holds personal
//! data (work lists name members; a model is learned from them).
//!
//! A file is created with mode 0600 in the open call itself, never widened
//! and narrowed afterwards, so no other account can open it even for an
//! instant, whatever the umask; it is written beside its destination and
//! renamed into place, so a reader sees the old file or the new one, never half
//! of one, and a failed write leaves the old file as it was.

use std::fs::{self, File, OpenOptions};
use std::io;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

/// The mode of every file the engine creates.
pub const FILE_MODE: u32 = 0o600;

/// Creates `path`, which must not exist, readable and writable by its owner only.
pub fn create_new(path: &Path) -> io::Result<File> {
    let mut options = OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(FILE_MODE);
    }
    options.open(path)
}

/// Replaces `path` with what `write` puts into a new private file (see the
/// module docs); the file is on disk when this returns. `E` is the writer's
/// error, which an I/O error converts into.
pub fn replace<E: From<io::Error>>(path: &Path, write: impl FnOnce(&mut File) -> Result<(), E>) -> Result<(), E> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let name = path.file_name().ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "not a file name"))?;
    let nanos = SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.subsec_nanos());
    let temp = dir.join(format!(".{}.{}.{nanos}.tmp", name.to_string_lossy(), std::process::id()));
    let mut file = create_new(&temp)?;
    let written = write(&mut file).and_then(|()| {
        file.sync_all()?;
        drop(file);
        fs::rename(&temp, path).map_err(E::from)
    });
    if written.is_err() {
        let _ = fs::remove_file(&temp);
        return written;
    }
    // The rename is durable once the folder is; a failure here loses nothing
    // already written, so it is not reported.
    if let Ok(d) = File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

#[cfg(all(test, unix))]
mod tests {
    use std::io::Write;
    use std::os::unix::fs::PermissionsExt;

    use super::*;

    fn temp_dir(name: &str) -> std::path::PathBuf {
        let dir = std::env::temp_dir().join(format!("doichieu-private-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    fn mode(path: &Path) -> u32 {
        fs::metadata(path).unwrap().permissions().mode() & 0o777
    }

    #[test]
    fn a_replaced_file_is_private_even_where_the_old_one_was_not() {
        let dir = temp_dir("replace");
        let path = dir.join("out.txt");
        fs::write(&path, "old").unwrap();
        fs::set_permissions(&path, fs::Permissions::from_mode(0o644)).unwrap();
        replace(&path, |f| f.write_all(b"new")).unwrap();
        assert_eq!(fs::read_to_string(&path).unwrap(), "new");
        assert_eq!(mode(&path), FILE_MODE);
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_failed_write_keeps_the_old_file_and_leaves_nothing_behind() {
        let dir = temp_dir("failed");
        let path = dir.join("out.txt");
        fs::write(&path, "old").unwrap();
        let failed = replace(&path, |f| {
            f.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        });
        assert_eq!(failed.unwrap_err().to_string(), "disk full");
        assert_eq!(fs::read_to_string(&path).unwrap(), "old");
        assert_eq!(fs::read_dir(&dir).unwrap().count(), 1);
        fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn create_new_never_opens_an_existing_file() {
        let dir = temp_dir("new");
        let path = dir.join("out.txt");
        create_new(&path).unwrap();
        assert_eq!(mode(&path), FILE_MODE);
        assert_eq!(create_new(&path).unwrap_err().kind(), io::ErrorKind::AlreadyExists);
        fs::remove_dir_all(&dir).unwrap();
    }
}
