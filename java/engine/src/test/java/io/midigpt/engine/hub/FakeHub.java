package io.midigpt.engine.hub;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Hugging Face hub on a loopback port, answering as huggingface.co does for LFS files: HEAD on
 * {@code /<repo>/resolve/main/<file>} redirects to a storage address with the file's SHA-256 in
 * {@code X-Linked-Etag}, its size in {@code X-Linked-Size} and the commit in
 * {@code X-Repo-Commit}; GET on the storage address serves the bytes, honouring Range requests.
 */
final class FakeHub implements AutoCloseable {
  static final String COMMIT = "0123456789abcdef0123456789abcdef01234567";

  private final HttpServer server;
  private final Map<String, byte[]> files = new ConcurrentHashMap<>();
  private final List<String> requests = Collections.synchronizedList(new ArrayList<>());
  private final AtomicInteger truncatedGets = new AtomicInteger();
  private volatile String announcedEtag;

  FakeHub() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  void serve(String fileName, byte[] bytes) {
    files.put(fileName, bytes);
  }

  /** The next {@code count} downloads send half the file, then drop the connection. */
  void truncateNextDownloads(int count) {
    truncatedGets.set(count);
  }

  /** Announce this etag instead of the true SHA-256 (a corrupted transfer or a wrong file). */
  void announceEtag(String etag) {
    announcedEtag = etag;
  }

  /** Every request so far as "METHOD path [range]". */
  List<String> requests() {
    synchronized (requests) {
      return List.copyOf(requests);
    }
  }

  static String sha256(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      String range = exchange.getRequestHeaders().getFirst("Range");
      requests.add(exchange.getRequestMethod() + " " + path + (range == null ? "" : " " + range));
      String resolve = "/" + PretrainedCatalog.REPOSITORY + "/resolve/main/";
      if (exchange.getRequestMethod().equals("HEAD") && path.startsWith(resolve)) {
        byte[] bytes = files.get(path.substring(resolve.length()));
        if (bytes == null) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        String etag = announcedEtag != null ? announcedEtag : sha256(bytes);
        exchange.getResponseHeaders().add("X-Linked-Etag", "\"" + etag + "\"");
        exchange.getResponseHeaders().add("X-Linked-Size", Integer.toString(bytes.length));
        exchange.getResponseHeaders().add("X-Repo-Commit", COMMIT);
        exchange.getResponseHeaders().add("ETag", "W/\"not-the-lfs-etag\"");
        exchange.getResponseHeaders().add("Location", "/storage/" + path.substring(resolve.length()));
        exchange.sendResponseHeaders(302, -1);
        return;
      }
      if (exchange.getRequestMethod().equals("GET") && path.startsWith("/storage/")) {
        byte[] bytes = files.get(path.substring("/storage/".length()));
        if (bytes == null) {
          exchange.sendResponseHeaders(404, -1);
          return;
        }
        int from = 0;
        if (range != null && range.startsWith("bytes=") && range.endsWith("-")) {
          from = Integer.parseInt(range.substring(6, range.length() - 1));
          if (from >= bytes.length) {
            exchange.sendResponseHeaders(416, -1);
            return;
          }
          exchange.getResponseHeaders().add("Content-Range",
              "bytes " + from + "-" + (bytes.length - 1) + "/" + bytes.length);
        }
        int length = bytes.length - from;
        exchange.sendResponseHeaders(from > 0 ? 206 : 200, length);
        OutputStream body = exchange.getResponseBody();
        if (truncatedGets.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          body.write(bytes, from, length / 2);
          body.flush();
          // Closing the connection with bytes missing: the client sees an early end of stream.
          throw new IOException("simulated dropped connection");
        }
        body.write(bytes, from, length);
        return;
      }
      exchange.sendResponseHeaders(404, -1);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
