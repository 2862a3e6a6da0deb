package io.midigpt.engine.hub;

import io.midigpt.InvalidCheckpointException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Downloads one file of a hub repository into the {@link HubCache}, the way huggingface_hub does:
 * a HEAD request on {@code resolve/main/<file>} names the commit, the etag (the LFS SHA-256 in
 * {@code X-Linked-Etag}) and where the bytes are; the bytes go to {@code blobs/<etag>.incomplete}
 * (resumed with an HTTP Range request after an interruption), are verified against the etag, then
 * moved into place atomically and linked from the snapshot folder. A file whose blob is already
 * cached is not fetched again.
 */
final class HubDownloader {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);
  private static final Duration HEAD_TIMEOUT = Duration.ofSeconds(60);
  private static final String USER_AGENT = "midigpt-java";

  /** Downloads in this process, one at a time: a file lock cannot be taken twice in one JVM. */
  private static final Object DOWNLOADS = new Object();

  private final PretrainedSettings settings;
  private final HttpClient headClient;
  private final HttpClient getClient;

  HubDownloader(PretrainedSettings settings) {
    this.settings = settings;
    // HEAD must see the hub's own answer (its headers), not the storage server's it redirects to.
    this.headClient = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NEVER).build();
    this.getClient = HttpClient.newBuilder()
        .connectTimeout(CONNECT_TIMEOUT).followRedirects(HttpClient.Redirect.NORMAL).build();
  }

  /** What the hub says about a file before its bytes are fetched. */
  private record FileInfo(String commit, String etag, OptionalLong size, URI location) {}

  /** Downloads {@code fileName} unless its blob is cached; returns the snapshot path. */
  Path download(String repository, String fileName, HubCache cache, DownloadListener listener) {
    URI address = settings.fileAddress(repository, fileName);
    FileInfo info = head(address, fileName);
    try {
      synchronized (DOWNLOADS) {
        Path lock = cache.lockFile(info.etag());
        Files.createDirectories(lock.getParent());
        try (FileChannel channel = FileChannel.open(
                lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock held = channel.lock()) {
          if (!Files.isRegularFile(cache.blob(info.etag()))) {
            fetch(info, fileName, cache, listener);
          }
          return cache.publish(info.commit(), fileName, info.etag());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the model cache " + cache.folder(), e);
    }
  }

  private FileInfo head(URI address, String fileName) {
    HttpRequest request = HttpRequest.newBuilder(address)
        .method("HEAD", HttpRequest.BodyPublishers.noBody())
        .header("User-Agent", USER_AGENT)
        .header("Accept-Encoding", "identity")
        .timeout(HEAD_TIMEOUT)
        .build();
    HttpResponse<Void> response = send(headClient, request, HttpResponse.BodyHandlers.discarding(),
        fileName);
    int status = response.statusCode();
    if (status == 401 || status == 403 || status == 404) {
      throw new ModelUnavailableException(fileName + " was not found at " + address
          + " (HTTP " + status + "); check the model name");
    }
    boolean redirect = status >= 300 && status < 400;
    if (!(status >= 200 && status < 300) && !redirect) {
      throw new ModelUnavailableException(
          "the model hub answered HTTP " + status + " for " + address + "; try again later");
    }
    HttpHeaders headers = response.headers();
    String etag = headers.firstValue("X-Linked-Etag").or(() -> headers.firstValue("ETag"))
        .map(HubDownloader::plainEtag).orElse("");
    String commit = headers.firstValue("X-Repo-Commit").orElse("");
    if (!HubCache.isSafeName(etag) || !HubCache.isSafeName(commit)) {
      throw new ModelUnavailableException("the model hub at " + address + " did not name the"
          + " file's checksum (ETag) and revision (X-Repo-Commit); is HF_ENDPOINT a Hugging Face"
          + " hub?");
    }
    OptionalLong size = headers.firstValueAsLong("X-Linked-Size");
    if (size.isEmpty() && !redirect) {
      size = headers.firstValueAsLong("Content-Length");
    }
    URI location = redirect
        ? headers.firstValue("Location").map(address::resolve).orElseThrow(() ->
            new ModelUnavailableException("the model hub redirected " + address + " nowhere"))
        : address;
    return new FileInfo(commit, etag, size, location);
  }

  /** {@code W/"abc"} or {@code "abc"} -> {@code abc}. */
  private static String plainEtag(String etag) {
    String plain = etag.trim();
    if (plain.startsWith("W/")) {
      plain = plain.substring(2);
    }
    return plain.replace("\"", "");
  }

  private void fetch(FileInfo info, String fileName, HubCache cache, DownloadListener listener)
      throws IOException {
    Path partial = cache.incompleteBlob(info.etag());
    Files.createDirectories(partial.getParent());
    long resumed = Files.isRegularFile(partial) ? Files.size(partial) : 0;
    long total = info.size().orElse(-1);
    if (total >= 0 && resumed > total) {
      // Not a prefix of this file: start again.
      Files.delete(partial);
      resumed = 0;
    }
    if (resumed > 0 && resumed == total) {
      // Complete already (a previous run stopped before verifying); no request needed.
      listener.started(fileName, total, resumed);
    } else {
      receive(info, fileName, partial, resumed, listener);
    }
    long received = Files.size(partial);
    if (total >= 0 && received != total) {
      listener.finished(false);
      throw new ModelUnavailableException("the download of " + fileName + " ended after "
          + received + " of " + total + " bytes; run again to resume it");
    }
    Optional<BlobChecksum> checksum = BlobChecksum.ofEtag(info.etag());
    if (checksum.isPresent()) {
      String actual = checksum.get().of(partial);
      if (!actual.equals(checksum.get().expected())) {
        Files.delete(partial);
        listener.finished(false);
        throw new InvalidCheckpointException("the downloaded " + fileName + " is corrupt: its "
            + checksum.get().algorithm() + " is " + actual + " but the hub announced "
            + checksum.get().expected() + "; the download was discarded, run again to retry");
      }
    }
    HubCache.moveAtomically(partial, cache.blob(info.etag()));
    listener.finished(true);
  }

  /**
   * Streams the file's bytes after the {@code resumed} ones already in {@code partial}, or the
   * whole file when the server does not resume.
   */
  private void receive(
      FileInfo info, String fileName, Path partial, long resumed, DownloadListener listener)
      throws IOException {
    HttpRequest.Builder request = HttpRequest.newBuilder(info.location())
        .header("User-Agent", USER_AGENT)
        .header("Accept-Encoding", "identity");
    if (resumed > 0) {
      request.header("Range", "bytes=" + resumed + "-");
    }
    HttpResponse<InputStream> response = send(getClient, request.GET().build(),
        HttpResponse.BodyHandlers.ofInputStream(), fileName);
    int status = response.statusCode();
    boolean resumesElsewhere = status == 206 && !response.headers().firstValue("Content-Range")
        .orElse("").startsWith("bytes " + resumed + "-");
    if (resumed > 0 && (status == 416 || resumesElsewhere)) {
      // The partial file does not fit the server's: discard it and start again.
      response.body().close();
      Files.delete(partial);
      receive(info, fileName, partial, 0, listener);
      return;
    }
    if (status != 200 && status != 206) {
      response.body().close();
      throw new ModelUnavailableException("the model hub answered HTTP " + status
          + " when downloading " + fileName + "; try again later");
    }
    long from = status == 206 ? resumed : 0;
    long total = info.size().orElse(response.headers().firstValueAsLong("Content-Length")
        .stream().map(length -> length + from).findFirst().orElse(-1));
    listener.started(fileName, total, from);
    StandardOpenOption mode = from > 0 ? StandardOpenOption.APPEND
        : StandardOpenOption.TRUNCATE_EXISTING;
    long done = from;
    try (InputStream in = response.body();
        OutputStream out = Files.newOutputStream(
            partial, StandardOpenOption.CREATE, StandardOpenOption.WRITE, mode)) {
      byte[] buffer = new byte[1 << 16];
      for (int read; (read = in.read(buffer)) >= 0; ) {
        out.write(buffer, 0, read);
        done += read;
        listener.advanced(done, total);
      }
    } catch (IOException e) {
      listener.finished(false);
      throw new ModelUnavailableException("the download of " + fileName + " stopped after "
          + done + (total >= 0 ? " of " + total : "") + " bytes (" + e.getMessage()
          + "); run again to resume it", e);
    }
  }

  private static <T> HttpResponse<T> send(
      HttpClient client, HttpRequest request, HttpResponse.BodyHandler<T> handler, String file) {
    try {
      return client.send(request, handler);
    } catch (IOException e) {
      throw new ModelUnavailableException("cannot reach the model hub at " + request.uri()
          + " to download " + file + " (" + e + "); check the network, or set HF_HUB_OFFLINE=1"
          + " to use only models already downloaded", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ModelUnavailableException("the download of " + file + " was interrupted", e);
    }
  }
}
