package io.candles.ingest.http;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** The REST server's JSON bodies, written by Jackson. */
public final class JsonBody {
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonBody() {}

  /** An empty object to fill, in the order its members are put. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** {@code body} as compact JSON text. */
  public static String write(ObjectNode body) {
    try {
      return MAPPER.writeValueAsString(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a JSON tree did not serialize", e); // a tree of plain values always does
    }
  }
}
