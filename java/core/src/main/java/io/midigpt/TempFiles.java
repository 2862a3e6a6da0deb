package io.midigpt;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

/** Temporary files for atomic writes: written beside their target, then renamed over it. */
public final class TempFiles {
  private TempFiles() {}

  /**
   * A new empty file next to {@code target}. Files.createTempFile makes it owner-only
   * (rw-------), which would survive the rename; the result should read like any file the user
   * writes, so on POSIX systems it gets rw-r--r--.
   */
  public static Path beside(Path target) throws IOException {
    Path absolute = target.toAbsolutePath();
    Path temp = Files.createTempFile(absolute.getParent(), "." + absolute.getFileName(), ".tmp");
    try {
      Files.setPosixFilePermissions(temp, PosixFilePermissions.fromString("rw-r--r--"));
    } catch (UnsupportedOperationException notPosix) {
      // Windows: ACLs inherited from the folder already make it readable.
    }
    return temp;
  }
}
