package io.midigpt.server.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.midigpt.engine.InferenceEngine;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** /openapi.json describes every route with resolvable schemas; /docs works offline. */
class ApiDocsTest {
  private static InferenceEngine engine;
  private static TestServer server;

  @BeforeAll
  static void start() {
    engine = TestServer.engine();
    server = TestServer.start(engine, settings -> settings);
  }

  @AfterAll
  static void stop() {
    server.close();
    engine.close();
  }

  @Test
  void openApiListsEveryRouteAndEveryReferenceResolves() {
    TestServer.Reply reply = server.get("/openapi.json");
    assertEquals(200, reply.status());
    JsonNode doc = reply.json();
    assertTrue(doc.get("openapi").asText().startsWith("3."));
    Set<String> paths = new TreeSet<>();
    doc.get("paths").fieldNames().forEachRemaining(paths::add);
    assertEquals(new TreeSet<>(List.of("/health", "/info", "/generate", "/generate/midi",
        "/generate/{request_id}/cancel", "/score/from-midi", "/score/to-midi", "/openapi.json",
        "/docs")), paths);
    List<String> refs = new ArrayList<>();
    collectRefs(doc, refs);
    assertTrue(refs.size() > 20);
    for (String ref : refs) {
      assertTrue(ref.startsWith("#/components/schemas/"), ref);
      String name = ref.substring("#/components/schemas/".length());
      assertTrue(doc.get("components").get("schemas").has(name), "unresolved " + ref);
    }
    JsonNode config = doc.get("components").get("schemas").get("InferenceConfig").get("properties");
    for (String key : List.of("temperature", "seed", "mask_mode", "density_hard_limit",
        "num_candidates", "batch_attempts")) {
      assertTrue(config.has(key), key);
    }
  }

  private static void collectRefs(JsonNode node, List<String> refs) {
    if (node.isObject()) {
      node.fields().forEachRemaining(field -> {
        if (field.getKey().equals("$ref")) {
          refs.add(field.getValue().asText());
        } else {
          collectRefs(field.getValue(), refs);
        }
      });
    } else if (node.isArray()) {
      node.forEach(child -> collectRefs(child, refs));
    }
  }

  @Test
  void docsPageLoadsSwaggerUiFromTheServerItself() {
    TestServer.Reply page = server.get("/docs");
    assertEquals(200, page.status());
    assertTrue(page.header("Content-Type").startsWith("text/html"));
    Matcher scripts = Pattern.compile("(?:src|href)=\"([^\"]+)\"").matcher(page.body());
    int assets = 0;
    while (scripts.find()) {
      String asset = scripts.group(1);
      assertTrue(asset.startsWith("/webjars/swagger-ui/"), "local, not a CDN: " + asset);
      TestServer.Reply served = server.get(asset);
      assertEquals(200, served.status(), asset);
      assertTrue(served.body().length() > 10_000, asset);
      assets++;
    }
    assertEquals(2, assets);
    assertTrue(page.body().contains("\"/openapi.json\""));
  }
}
