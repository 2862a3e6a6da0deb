package io.midigpt.server.http;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns the domain's error messages, which follow the convention {@code "field: problem"}
 * (GenerationJson, the native validator), into {@link ApiException}s that name field and rule
 * separately, with the field as the HTTP body spells it.
 */
final class DomainErrors {
  private static final Pattern FIELD_FIRST =
      Pattern.compile("^([A-Za-z_][A-Za-z0-9_.\\[\\]-]*): (.+)$", Pattern.DOTALL);

  private DomainErrors() {}

  /** Whether {@code message} follows the {@code "field: problem"} convention. */
  static boolean namesField(String message) {
    return message != null && FIELD_FIRST.matcher(message).matches();
  }

  /**
   * @param status 400 or 422
   * @param fieldPrefix what the domain's field names sit under in the body ({@code request});
   *     fields the validator names from the score ({@code score...}) are kept as they are
   */
  static ApiException toApi(int status, String message, String fieldPrefix) {
    Matcher matcher = FIELD_FIRST.matcher(message == null ? "" : message);
    if (!matcher.matches()) {
      return new ApiException(status, fieldPrefix, message == null ? "invalid" : message);
    }
    String field = matcher.group(1);
    if (!field.equals("score") && !field.startsWith("score.") && !field.equals(fieldPrefix)) {
      field = fieldPrefix + "." + field;
    }
    return new ApiException(status, field, matcher.group(2));
  }
}
