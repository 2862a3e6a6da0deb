package io.midigpt.server.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;

/** A multipart/form-data body, as a browser form sends it. */
final class Multipart {
  private final String boundary = "midigpt-test-boundary-7f3a";
  private final ByteArrayOutputStream body = new ByteArrayOutputStream();

  Multipart field(String name, String value) {
    text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n");
    text(value + "\r\n");
    return this;
  }

  Multipart file(String name, String filename, String type, byte[] content) {
    text("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name
        + "\"; filename=\"" + filename + "\"\r\nContent-Type: " + type + "\r\n\r\n");
    body.writeBytes(content);
    text("\r\n");
    return this;
  }

  String contentType() {
    return "multipart/form-data; boundary=" + boundary;
  }

  HttpRequest.BodyPublisher publisher() {
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    all.writeBytes(body.toByteArray());
    all.writeBytes(("--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
    return HttpRequest.BodyPublishers.ofByteArray(all.toByteArray());
  }

  private void text(String text) {
    body.writeBytes(text.getBytes(StandardCharsets.UTF_8));
  }
}
