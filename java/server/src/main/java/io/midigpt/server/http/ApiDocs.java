package io.midigpt.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.midigpt.generation.MaskPresets;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * {@code GET /openapi.json} (kept as a resource next to this class) and the {@code /docs} page,
 * which loads Swagger UI from the webjar on the classpath: the page works offline.
 */
final class ApiDocs {
  private static final String WEBJAR_PROPERTIES =
      "/META-INF/maven/org.webjars/swagger-ui/pom.properties";

  private final String openApi;
  private final String page;

  private ApiDocs(String openApi, String page) {
    this.openApi = openApi;
    this.page = page;
  }

  static ApiDocs load() {
    String version = swaggerUiVersion();
    String page = Resources.text("docs.html").replace("{{swagger-ui}}", "/webjars/swagger-ui/" + version);
    return new ApiDocs(withPresets(Resources.text("openapi.json")), page);
  }

  /** The preset names come from the core that applies them, not from a copy in the document. */
  private static String withPresets(String openApi) {
    ObjectNode doc = (ObjectNode) Json.tree(openApi);
    ObjectNode scale = (ObjectNode) doc.at("/components/schemas/PitchMask/properties/scale");
    MaskPresets.scales().forEach(scale.putArray("enum")::add);
    ObjectNode unit = (ObjectNode) doc.at("/components/schemas/RhythmGrid/properties/unit");
    MaskPresets.gridUnits().forEach(unit.putArray("enum")::add);
    return Json.write(doc);
  }

  String openApi() {
    return openApi;
  }

  String page() {
    return page;
  }

  private static String swaggerUiVersion() {
    try (InputStream in = ApiDocs.class.getResourceAsStream(WEBJAR_PROPERTIES)) {
      if (in == null) {
        throw new IllegalStateException("the swagger-ui webjar is not on the classpath");
      }
      Properties properties = new Properties();
      properties.load(in);
      return properties.getProperty("version");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
