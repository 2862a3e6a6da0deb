package io.midigpt.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.midigpt.engine.InferenceEngine;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real browser (Debian's chromium, headless; .ci/run installs it) opens /docs and Swagger UI,
 * served from the jar with no internet, renders the endpoint list. Skipped where no chromium is
 * installed.
 */
class DocsInChromiumTest {
  @Test
  void theDocsPageShowsTheEndpointList(@TempDir Path profile) throws Exception {
    Optional<Path> chromium = Stream.of("/usr/bin/chromium", "/usr/bin/chromium-browser")
        .map(Path::of).filter(Files::isExecutable).findFirst();
    Assumptions.assumeTrue(chromium.isPresent(), "no chromium installed");
    try (InferenceEngine engine = TestServer.engine();
        TestServer server = TestServer.start(engine, settings -> settings)) {
      Process browser = new ProcessBuilder(List.of(chromium.get().toString(), "--headless",
              "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
              "--user-data-dir=" + profile, "--virtual-time-budget=15000", "--dump-dom",
              server.base.resolve("/docs").toString()))
          .redirectError(profile.resolve("stderr.log").toFile())
          .start();
      String dom = new String(browser.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertTrue(browser.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
      assertEquals(0, browser.exitValue(), Files.readString(profile.resolve("stderr.log")));
      // Swagger UI writes one operation block per route once it has loaded /openapi.json.
      assertTrue(dom.contains("opblock"), "no operations rendered:\n" + dom);
      for (String path : List.of("/health", "/info", "/generate", "/generate/midi")) {
        assertTrue(dom.contains(">" + path + "<") || dom.contains("data-path=\"" + path + "\""),
            path + " missing from the rendered page");
      }
    }
  }
}
