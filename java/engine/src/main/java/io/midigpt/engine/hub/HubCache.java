package io.midigpt.engine.hub;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * One repository's folder in the Hugging Face hub cache, laid out as {@code huggingface_hub}
 * lays it out, so that files downloaded by either tool are shared:
 *
 * <pre>
 * models--Metacreation--MIDI-GPT/
 *   refs/main                       the commit that "main" pointed to at the last download
 *   blobs/&lt;etag&gt;                    file contents, named by their checksum
 *   blobs/&lt;etag&gt;.incomplete         a download in progress (resumable)
 *   snapshots/&lt;commit&gt;/&lt;file&gt;      a link to ../../blobs/&lt;etag&gt; (a copy where links fail)
 * </pre>
 */
final class HubCache {
  /** Commit hashes and etags become folder and file names: nothing but plain characters. */
  private static final Pattern SAFE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,127}");

  private static final String MAIN = "main";

  /** How a snapshot link is made; tests replace it to act out a file system without links. */
  @FunctionalInterface
  interface LinkMaker {
    void link(Path link, Path target) throws IOException;
  }

  private final Path hubCache;
  private final Path repository;
  private final LinkMaker links;

  HubCache(Path hubCache, String repositoryId) {
    this(hubCache, repositoryId, Files::createSymbolicLink);
  }

  HubCache(Path hubCache, String repositoryId, LinkMaker links) {
    this.hubCache = hubCache;
    this.repository = hubCache.resolve("models--" + repositoryId.replace("/", "--"));
    this.links = links;
  }

  Path folder() {
    return repository;
  }

  /**
   * The cached copy of {@code fileName}: in the snapshot that refs/main names, else in any
   * snapshot (newest first), as huggingface_hub's offline lookup does for a missing ref.
   */
  Optional<Path> find(String fileName) {
    Optional<String> commit = mainCommit();
    if (commit.isPresent()) {
      Path file = snapshotFile(commit.get(), fileName);
      if (Files.isRegularFile(file)) {
        return Optional.of(file);
      }
    }
    Path snapshots = repository.resolve("snapshots");
    if (!Files.isDirectory(snapshots)) {
      return Optional.empty();
    }
    Path newest = null;
    FileTime newestTime = null;
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(snapshots)) {
      for (Path dir : dirs) {
        Path file = dir.resolve(fileName);
        if (Files.isRegularFile(file)) {
          FileTime time = Files.getLastModifiedTime(dir);
          if (newestTime == null || time.compareTo(newestTime) > 0) {
            newest = file;
            newestTime = time;
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the model cache " + snapshots, e);
    }
    return Optional.ofNullable(newest);
  }

  Optional<String> mainCommit() {
    Path ref = repository.resolve("refs").resolve(MAIN);
    try {
      if (!Files.isRegularFile(ref)) {
        return Optional.empty();
      }
      String commit = Files.readString(ref, StandardCharsets.UTF_8).trim();
      return isSafeName(commit) ? Optional.of(commit) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  Path blob(String etag) {
    return repository.resolve("blobs").resolve(etag);
  }

  Path incompleteBlob(String etag) {
    return repository.resolve("blobs").resolve(etag + ".incomplete");
  }

  /** The lock file that one download of {@code etag} holds (huggingface_hub's place for it). */
  Path lockFile(String etag) {
    return hubCache.resolve(".locks").resolve(repository.getFileName()).resolve(etag + ".lock");
  }

  Path snapshotFile(String commit, String fileName) {
    return repository.resolve("snapshots").resolve(commit).resolve(fileName);
  }

  /**
   * Makes {@code snapshots/<commit>/<fileName>} point at the blob and refs/main name the commit.
   * A relative symbolic link where the file system allows one, else a copy of the blob.
   */
  Path publish(String commit, String fileName, String etag) throws IOException {
    Path target = snapshotFile(commit, fileName);
    Files.createDirectories(target.getParent());
    Files.deleteIfExists(target);
    try {
      links.link(target, Path.of("..", "..", "blobs", etag));
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      Path partial = target.resolveSibling(fileName + ".copying");
      Files.copy(blob(etag), partial, StandardCopyOption.REPLACE_EXISTING);
      moveAtomically(partial, target);
    }
    Path ref = repository.resolve("refs").resolve(MAIN);
    Files.createDirectories(ref.getParent());
    Path partialRef = ref.resolveSibling(MAIN + ".writing");
    Files.writeString(partialRef, commit, StandardCharsets.UTF_8);
    moveAtomically(partialRef, ref);
    return target;
  }

  static boolean isSafeName(String name) {
    return name != null && SAFE_NAME.matcher(name).matches();
  }

  static void moveAtomically(Path from, Path to) throws IOException {
    try {
      Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
    }
  }
}
