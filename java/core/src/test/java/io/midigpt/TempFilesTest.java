package io.midigpt;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TempFilesTest {
  @Test
  void temporaryFilesSitBesideTheirTargetAndAreReadableByOthers(@TempDir Path dir)
      throws Exception {
    Path temp = TempFiles.beside(dir.resolve("song.mid"));
    assertEquals(dir.toAbsolutePath(), temp.getParent());
    assertTrue(temp.getFileName().toString().startsWith(".song.mid"));
    Assumptions.assumeTrue(FileSystems.getDefault().supportedFileAttributeViews().contains("posix"));
    assertEquals("rw-r--r--",
        PosixFilePermissions.toString(Files.getPosixFilePermissions(temp)));
  }
}
