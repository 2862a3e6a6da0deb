package io.midigpt.server.http;

import io.javalin.config.JavalinConfig;
import io.javalin.http.staticfiles.Location;
import java.util.Map;

/**
 * The browser studio: its page at {@code /} and its ES modules and style sheet under {@code
 * /studio/}, all served from this jar (no bundler, no CDN: the page works offline).
 */
final class StudioAssets {
  /** Where the assets sit on the classpath, next to this class. */
  private static final String DIRECTORY = "/io/midigpt/server/http/studio";
  static final String HOSTED_PATH = "/studio";

  private StudioAssets() {}

  /** Serves the assets; no-cache so that a reloaded page always runs the server's own modules. */
  static void serve(JavalinConfig config) {
    config.staticFiles.add(files -> {
      files.hostedPath = HOSTED_PATH;
      files.directory = DIRECTORY;
      files.location = Location.CLASSPATH;
      files.headers = Map.of("Cache-Control", "no-cache");
    });
  }

  /** The page served at {@code /}. */
  static String indexPage() {
    return Resources.text(DIRECTORY + "/index.html");
  }
}
