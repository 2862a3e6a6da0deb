package io.midigpt.engine.hub;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * What the hub's etag says about a file's bytes. For files stored with Git LFS (every checkpoint)
 * the etag is the SHA-256 of the contents; for small files kept in git it is the git blob id, a
 * SHA-1 of {@code "blob <size>\0"} and the contents. Other etags cannot be checked.
 */
final class BlobChecksum {
  private final String algorithm;
  private final String expected;

  private BlobChecksum(String algorithm, String expected) {
    this.algorithm = algorithm;
    this.expected = expected;
  }

  /** The check an etag allows, if any. */
  static Optional<BlobChecksum> ofEtag(String etag) {
    String hex = etag.toLowerCase(Locale.ROOT);
    if (!hex.chars().allMatch(c -> (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
      return Optional.empty();
    }
    if (hex.length() == 64) {
      return Optional.of(new BlobChecksum("SHA-256", hex));
    }
    if (hex.length() == 40) {
      return Optional.of(new BlobChecksum("git blob SHA-1", hex));
    }
    return Optional.empty();
  }

  String algorithm() {
    return algorithm;
  }

  String expected() {
    return expected;
  }

  /** The file's checksum in this algorithm, lower-case hex. */
  String of(Path file) throws IOException {
    MessageDigest digest;
    try {
      if (algorithm.equals("SHA-256")) {
        digest = MessageDigest.getInstance("SHA-256");
      } else {
        digest = MessageDigest.getInstance("SHA-1");
        digest.update(("blob " + Files.size(file) + "\0").getBytes(StandardCharsets.US_ASCII));
      }
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-1 and SHA-256", e);
    }
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read; (read = in.read(buffer)) > 0; ) {
        digest.update(buffer, 0, read);
      }
    }
    return HexFormat.of().formatHex(digest.digest());
  }
}
