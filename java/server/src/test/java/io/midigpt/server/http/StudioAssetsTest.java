package io.midigpt.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.engine.InferenceEngine;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The studio is served only when asked for, entirely from the server: every module the page
 * imports, transitively, is there with a JavaScript type, and nothing points off the machine.
 */
class StudioAssetsTest {
  private static final Pattern REFERENCE =
      Pattern.compile("(?:src|href)=\"([^\"]+)\"|from '([^']+)'|import\\('([^']+)'\\)");

  @Test
  void withoutTheStudioTheRootIsStillA404() {
    try (InferenceEngine engine = TestServer.engine();
        TestServer server = TestServer.start(engine, settings -> settings)) {
      assertEquals(404, server.get("/").status());
      assertEquals(404, server.get("/studio/app.js").status());
    }
  }

  @Test
  void thePageAndEveryModuleItImportsAreServedLocally() {
    try (InferenceEngine engine = TestServer.engine();
        TestServer server = TestServer.start(engine, settings -> settings.withStudio(true))) {
      TestServer.Reply page = server.get("/");
      assertEquals(200, page.status());
      assertTrue(page.header("Content-Type").startsWith("text/html"));
      Deque<String> pending = new ArrayDeque<>();
      Set<String> seen = new HashSet<>();
      references(page.body(), "/", pending);
      int modules = 0;
      while (!pending.isEmpty()) {
        String path = pending.pop();
        if (!seen.add(path)) {
          continue;
        }
        TestServer.Reply asset = server.get(path);
        assertEquals(200, asset.status(), path);
        assertFalse(asset.body().contains("http://") || asset.body().contains("https://"),
            path + " reaches off the machine");
        if (path.endsWith(".js")) {
          assertTrue(asset.header("Content-Type").contains("javascript"), path);
          references(asset.body(), path, pending);
          modules++;
        } else if (path.endsWith(".css")) {
          assertTrue(asset.header("Content-Type").startsWith("text/css"), path);
        }
      }
      assertTrue(modules >= 10, "the page's modules: " + seen);
      assertTrue(seen.contains("/studio/piano-roll.js"), seen.toString());
    }
  }

  /** Adds the local paths a page or module refers to, resolved against {@code from}. */
  private static void references(String text, String from, Deque<String> pending) {
    Matcher matcher = REFERENCE.matcher(text);
    while (matcher.find()) {
      String target = matcher.group(1) != null ? matcher.group(1)
          : matcher.group(2) != null ? matcher.group(2) : matcher.group(3);
      if (target.startsWith("data:")) {
        continue;
      }
      assertFalse(target.startsWith("//") || target.contains("://"), "external: " + target);
      String base = from.substring(0, from.lastIndexOf('/') + 1);
      pending.push(target.startsWith("/") ? target
          : java.net.URI.create(base).resolve(target).getPath());
    }
  }
}
