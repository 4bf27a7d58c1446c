package io.candles.testkit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What the contract says of a tick record's value, decided independently of the project's reader:
 * Jackson's streaming parser for the JSON, strict UTF-8, {@link BigDecimal} for prices and
 * {@code java.time} for times. The fuzz tests hold the project's readers against it.
 *
 * <p>Where the contract leaves a detail open, this follows what the README documents: prices may
 * also be plain JSON numbers, exact to 8 decimal places and at most 9,000,000,000
 * ({@code price_out_of_range} otherwise); a field value nested deeper than 64 levels is refused as
 * {@code invalid_json}; a bad {@code ingest_time} is ignored (it is optional and informational);
 * when a field appears twice the last one counts.
 */
public final class ContractOracle {

  /** The contract's verdict on one value. */
  public sealed interface Verdict {}

  /**
   * A tick, with its exact prices and event time, and its ingest time if it has a good one (null
   * otherwise: the field is optional, and a bad one is ignored).
   */
  public record Valid(String pair, BigDecimal bid, BigDecimal ask, long eventTimeMillis, Long ingestTimeMillis)
      implements Verdict {}

  /**
   * Rejected, for one of {@code reasons}; empty when any reason will do (a value that is not JSON
   * may be refused for the first defect a single-pass reader meets).
   */
  public record Invalid(Set<String> reasons) implements Verdict {}

  private static final int MAX_DEPTH = 64;
  private static final Pattern PLAIN_DECIMAL = Pattern.compile("-?[0-9]+(\\.[0-9]+)?");
  private static final Pattern UTC_FORM =
      Pattern.compile("[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}:[0-9]{2}(\\.[0-9]{1,9})?Z?");
  private static final BigDecimal MAX_PRICE = new BigDecimal("9000000000");
  private static final long MAX_MILLIS = 253_402_300_799_999L;
  private static final JsonFactory JSON = JsonFactory.builder()
      .streamReadConstraints(StreamReadConstraints.builder()
          .maxNestingDepth(100_000).maxNumberLength(10_000_000).maxStringLength(100_000_000).build())
      .build();

  private ContractOracle() {}

  /** A scalar field value as written, or a container. */
  private record Value(JsonToken token, String text) {}

  public static Verdict judge(byte[] value) {
    if (value == null || value.length == 0) {
      return invalid("invalid_json");
    }
    if (value.length >= 3 && (value[0] & 0xff) == 0xEF && (value[1] & 0xff) == 0xBB && (value[2] & 0xff) == 0xBF) {
      // A byte order mark is not JSON text (RFC 8259 lets a reader refuse it; Jackson skips it).
      return invalid("invalid_json");
    }
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value));
    } catch (CharacterCodingException e) {
      return invalid("invalid_json");
    }
    Map<String, Value> fields = new HashMap<>();
    boolean tooDeep = false;
    try (JsonParser p = JSON.createParser(value)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        return new Invalid(Set.of());
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
          tooDeep |= skip(p, 0);
          fields.put(name, new Value(t, null));
        } else {
          fields.put(name, new Value(t, p.getText()));
        }
      }
      if (p.nextToken() != null) {
        return new Invalid(Set.of());
      }
    } catch (IOException e) {
      return new Invalid(Set.of());
    }
    if (tooDeep) {
      return invalid("invalid_json");
    }
    Set<String> reasons = new LinkedHashSet<>();
    Value pair = fields.get("pair");
    if (pair == null || pair.token() != JsonToken.VALUE_STRING || pair.text().isEmpty()) {
      reasons.add("missing_field");
    }
    BigDecimal bid = price(fields.get("bid"), reasons);
    BigDecimal ask = price(fields.get("ask"), reasons);
    Long eventTime = time(fields.get("event_time"), reasons);
    if (bid != null && ask != null && ask.compareTo(bid) < 0) {
      reasons.add("crossed_book");
    }
    if (!reasons.isEmpty()) {
      return new Invalid(reasons);
    }
    Long ingestTime = time(fields.get("ingest_time"), new LinkedHashSet<>());
    return new Valid(pair.text(), bid, ask, eventTime, ingestTime);
  }

  /** Skips a container whose start was just read; whether anything in it sits deeper than allowed. */
  private static boolean skip(JsonParser p, int depth) throws IOException {
    boolean tooDeep = depth > MAX_DEPTH;
    JsonToken t;
    while ((t = p.nextToken()) != JsonToken.END_OBJECT && t != JsonToken.END_ARRAY) {
      if (t == JsonToken.FIELD_NAME) {
        continue;
      }
      if (t == JsonToken.START_OBJECT || t == JsonToken.START_ARRAY) {
        tooDeep |= skip(p, depth + 1);
      } else if (depth + 1 > MAX_DEPTH) {
        tooDeep = true;
      }
    }
    return tooDeep;
  }

  private static BigDecimal price(Value v, Set<String> reasons) {
    if (v == null || v.token() == JsonToken.VALUE_NULL) {
      reasons.add("missing_field");
      return null;
    }
    boolean text = v.token() == JsonToken.VALUE_STRING;
    boolean number = v.token() == JsonToken.VALUE_NUMBER_INT || v.token() == JsonToken.VALUE_NUMBER_FLOAT;
    if ((!text && !number) || !PLAIN_DECIMAL.matcher(v.text()).matches()) {
      reasons.add("non_numeric_price");
      // A reader that goes digit by digit may see a too-large integer part first.
      if ((text || number) && v.text().replaceFirst("^-", "").matches("0*[1-9][0-9]{10,}.*")) {
        reasons.add("price_out_of_range");
      }
      return null;
    }
    // Sizes from the text first: a number of a hundred thousand digits is not worth arithmetic.
    String unsigned = v.text().startsWith("-") ? v.text().substring(1) : v.text();
    int dot = unsigned.indexOf('.');
    String integer = (dot < 0 ? unsigned : unsigned.substring(0, dot)).replaceFirst("^0+", "");
    String fraction = dot < 0 ? "" : unsigned.substring(dot + 1).replaceFirst("0+$", "");
    if (integer.length() > 10) {
      reasons.add("price_out_of_range");
      return null;
    }
    BigDecimal d = new BigDecimal(v.text());
    boolean bad = false;
    if (d.signum() <= 0) {
      reasons.add("non_positive_price");
      bad = true;
    }
    if (fraction.length() > 8 || d.abs().compareTo(MAX_PRICE) > 0) {
      reasons.add("price_out_of_range");
      bad = true;
    }
    return bad ? null : d;
  }

  private static Long time(Value v, Set<String> reasons) {
    if (v == null || v.token() == JsonToken.VALUE_NULL) {
      reasons.add("missing_field");
      return null;
    }
    Long t = switch (v.token()) {
      case VALUE_STRING -> iso(v.text());
      case VALUE_NUMBER_INT -> {
        try {
          long millis = Long.parseLong(v.text());
          yield millis >= 0 && millis <= MAX_MILLIS ? millis : null;
        } catch (NumberFormatException e) {
          yield null;
        }
      }
      default -> null;
    };
    if (t == null) {
      reasons.add("unparseable_time");
    }
    return t;
  }

  /** ISO-8601 UTC, the seed's form, either without zone (UTC) or fraction; or any ISO offset. */
  private static Long iso(String s) {
    try {
      if (UTC_FORM.matcher(s).matches()) {
        String local = s.replace(' ', 'T').replace("Z", "");
        return LocalDateTime.parse(local, DateTimeFormatter.ISO_LOCAL_DATE_TIME).toInstant(ZoneOffset.UTC)
            .toEpochMilli();
      }
      return OffsetDateTime.parse(s.replace(' ', 'T')).toInstant().toEpochMilli();
    } catch (DateTimeParseException | ArithmeticException e) {
      return null;
    }
  }

  private static Invalid invalid(String reason) {
    return new Invalid(Set.of(reason));
  }
}
