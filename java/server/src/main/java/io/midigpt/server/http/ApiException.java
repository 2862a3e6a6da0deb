package io.midigpt.server.http;

import io.midigpt.MidigptException;

/**
 * A request the server answers with an error status: the field at fault (null when the whole
 * request is) and the rule it broke, which the client sees as {@code {"detail", "field", "rule"}}.
 */
public class ApiException extends MidigptException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String field;
  private final String rule;

  public ApiException(int status, String field, String rule) {
    super(field == null ? rule : field + ": " + rule);
    this.status = status;
    this.field = field;
    this.rule = rule;
  }

  /** 400: the body does not have the API's shape. */
  public static ApiException malformed(String field, String rule) {
    return new ApiException(400, field, rule);
  }

  /** 422: well formed, but breaks a rule. */
  public static ApiException invalid(String field, String rule) {
    return new ApiException(422, field, rule);
  }

  public int status() {
    return status;
  }

  public String field() {
    return field;
  }

  public String rule() {
    return rule;
  }
}
