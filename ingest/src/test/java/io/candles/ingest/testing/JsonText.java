package io.candles.ingest.testing;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

/**
 * A JSON object read by Jackson, whose members tests compare as the text the server wrote: a string
 * as its value, a number as written ({@code 12.50} stays {@code 12.50}), an object or array as
 * compact JSON, null or missing as null.
 */
public final class JsonText {
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  private final JsonNode node;

  private JsonText(JsonNode node) {
    this.node = node;
  }

  /** Parses a JSON object; a test fails on anything else. */
  public static JsonText parse(String json) {
    try {
      JsonNode n = MAPPER.readTree(json);
      if (n == null || !n.isObject()) {
        throw new AssertionError("not a JSON object: " + json);
      }
      return new JsonText(n);
    } catch (JsonProcessingException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /** The JSON object {@code json} as Jackson's tree (numbers as written); a test fails on anything else. */
  public static JsonNode tree(String json) {
    return parse(json).node;
  }

  /** The member as text, see the class comment. */
  public String text(String key) {
    JsonNode v = node.get(key);
    if (v == null || v.isNull()) {
      return null;
    }
    return v.isContainerNode() ? v.toString() : v.asText();
  }

  /** The member, an object. */
  public JsonText object(String key) {
    JsonNode v = node.get(key);
    if (v == null || !v.isObject()) {
      throw new AssertionError(key + " is not an object in " + node);
    }
    return new JsonText(v);
  }
}
