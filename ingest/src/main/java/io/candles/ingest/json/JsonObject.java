package io.candles.ingest.json;

import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The members of one JSON object, found in a single pass over the text without building a tree.
 *
 * <p>Exchange frames are small flat objects (at most one nested {@code data} object), so this
 * records where each member's key and value lie in the text and materialises a value only when
 * asked for it: a frame costs one small object plus the strings the caller actually keeps. The
 * whole text is still checked against the JSON grammar, so garbage is told apart from a message
 * with an unexpected shape.
 */
public final class JsonObject {
  /** The JSON type of a member's value. */
  public enum Kind { STRING, NUMBER, OBJECT, ARRAY, TRUE, FALSE, NULL }

  private static final int MAX_DEPTH = 64;
  private static final Kind[] KINDS = Kind.values();

  private final String text;
  private int count;
  // Per member: key start, key end, value start, value end, kind ordinal, escape flags.
  private int[] spans = new int[6 * 12];

  private JsonObject(String text) {
    this.text = text;
  }

  /**
   * Reads {@code text}, which must be exactly one JSON object (surrounding whitespace allowed).
   *
   * @throws RejectedTickException {@link RejectReason#INVALID_JSON} naming what is wrong and where
   */
  public static JsonObject parse(String text) throws RejectedTickException {
    if (text == null || text.isEmpty()) {
      throw new RejectedTickException(RejectReason.INVALID_JSON, "the message is empty");
    }
    return parse(text, 0, text.length());
  }

  /** Like {@link #parse(String)}, for text expected to be valid: IllegalArgumentException otherwise. */
  public static JsonObject parseUnchecked(String text) {
    try {
      return parse(text);
    } catch (RejectedTickException e) {
      throw new IllegalArgumentException(e.detail() + ": " + text);
    }
  }

  /** Reads the JSON object in {@code text[start, end)}. */
  public static JsonObject parse(String text, int start, int end) throws RejectedTickException {
    JsonObject o = new JsonObject(text);
    Cursor c = new Cursor(text, start, end);
    c.skipWhitespace();
    if (c.pos >= end || text.charAt(c.pos) != '{') {
      throw c.invalid("the message is not a JSON object");
    }
    c.readObject(0, o);
    c.skipWhitespace();
    if (c.pos != end) {
      throw c.invalid("unexpected text after the object");
    }
    return o;
  }

  /** The number of members. */
  public int size() {
    return count;
  }

  /** The index of the member named {@code key} (the last one if repeated), or -1. */
  public int indexOf(String key) {
    for (int i = count - 1; i >= 0; i--) {
      int b = i * 6;
      int ks = spans[b];
      int ke = spans[b + 1];
      if ((spans[b + 5] & 1) == 0) {
        if (ke - ks == key.length() && text.startsWith(key, ks)) {
          return i;
        }
      } else if (key.equals(Cursor.decode(text, ks, ke))) {
        return i;
      }
    }
    return -1;
  }

  /** The kind of member {@code i}'s value. */
  public Kind kind(int i) {
    return KINDS[spans[i * 6 + 4]];
  }

  /** The kind of the value of {@code key}, or null when there is no such member. */
  public Kind kind(String key) {
    int i = indexOf(key);
    return i < 0 ? null : kind(i);
  }

  /** The key of member {@code i}. */
  public String key(int i) {
    int b = i * 6;
    return (spans[b + 5] & 1) == 0
        ? text.substring(spans[b], spans[b + 1])
        : Cursor.decode(text, spans[b], spans[b + 1]);
  }

  /**
   * The value of {@code key} as text: a string's content (unescaped), or any other value's JSON
   * text (a number's digits, {@code {..}} for an object); null when absent or JSON {@code null}.
   */
  public String text(String key) {
    int i = indexOf(key);
    return i < 0 || kind(i) == Kind.NULL ? null : text(i);
  }

  /** The value of member {@code i} as text, see {@link #text(String)}. */
  public String text(int i) {
    int b = i * 6;
    if (spans[b + 4] == Kind.STRING.ordinal() && (spans[b + 5] & 2) != 0) {
      return Cursor.decode(text, spans[b + 2], spans[b + 3]);
    }
    if (spans[b + 4] == Kind.OBJECT.ordinal() || spans[b + 4] == Kind.ARRAY.ordinal()) {
      return text.substring(spans[b + 2] - 1, spans[b + 3] + 1);
    }
    return text.substring(spans[b + 2], spans[b + 3]);
  }

  /** The object value of member {@code i}; it has been checked already, so this cannot fail. */
  public JsonObject object(int i) {
    int b = i * 6;
    if (spans[b + 4] != Kind.OBJECT.ordinal()) {
      throw new IllegalStateException("member " + key(i) + " is not an object");
    }
    try {
      return parse(text, spans[b + 2] - 1, spans[b + 3] + 1);
    } catch (RejectedTickException e) {
      throw new IllegalStateException("a checked object failed to parse again", e);
    }
  }

  /** The strings of an array value of member {@code i}; non-string elements are given as their text. */
  public List<String> strings(int i) {
    int b = i * 6;
    if (spans[b + 4] != Kind.ARRAY.ordinal()) {
      return Collections.emptyList();
    }
    List<String> out = new ArrayList<>();
    Cursor c = new Cursor(text, spans[b + 2], spans[b + 3]);
    try {
      while (true) {
        c.skipWhitespace();
        if (c.pos >= c.end) {
          return out;
        }
        int from = c.pos;
        char ch = text.charAt(c.pos);
        if (ch == '"') {
          c.readString();
          out.add(c.escaped ? Cursor.decode(text, c.tokStart, c.tokEnd) : text.substring(c.tokStart, c.tokEnd));
        } else {
          c.skipValue(1);
          out.add(text.substring(from, c.pos));
        }
        c.skipWhitespace();
        if (c.pos < c.end && text.charAt(c.pos) == ',') {
          c.pos++;
        }
      }
    } catch (RejectedTickException e) {
      throw new IllegalStateException("a checked array failed to parse again", e);
    }
  }

  private void add(int ks, int ke, boolean keyEscaped, int vs, int ve, Kind kind, boolean valueEscaped) {
    int b = count * 6;
    if (b + 6 > spans.length) {
      int[] bigger = new int[spans.length * 2];
      System.arraycopy(spans, 0, bigger, 0, spans.length);
      spans = bigger;
    }
    spans[b] = ks;
    spans[b + 1] = ke;
    spans[b + 2] = vs;
    spans[b + 3] = ve;
    spans[b + 4] = kind.ordinal();
    spans[b + 5] = (keyEscaped ? 1 : 0) | (valueEscaped ? 2 : 0);
    count++;
  }

  /** A position in the text, with the grammar. */
  private static final class Cursor {
    private final String s;
    private final int end;
    private int pos;
    private int tokStart;
    private int tokEnd;
    private boolean escaped;

    Cursor(String s, int start, int end) {
      this.s = s;
      this.pos = start;
      this.end = end;
    }

    /** Reads an object at {@code pos}; records its members into {@code into} when not null. */
    void readObject(int depth, JsonObject into) throws RejectedTickException {
      if (depth > MAX_DEPTH) {
        throw invalid("nesting deeper than " + MAX_DEPTH + " levels");
      }
      pos++; // '{'
      skipWhitespace();
      if (peek() == '}') {
        pos++;
        return;
      }
      while (true) {
        skipWhitespace();
        if (peek() != '"') {
          throw invalid("expected a field name");
        }
        readString();
        int ks = tokStart;
        int ke = tokEnd;
        boolean keyEscaped = escaped;
        skipWhitespace();
        if (peek() != ':') {
          throw invalid("expected ':' after a field name");
        }
        pos++;
        skipWhitespace();
        char c = peek();
        Kind kind;
        int vs;
        int ve;
        boolean valueEscaped = false;
        if (c == '"') {
          readString();
          kind = Kind.STRING;
          vs = tokStart;
          ve = tokEnd;
          valueEscaped = escaped;
        } else {
          vs = pos;
          kind = skipValue(depth + 1);
          ve = pos;
          if (kind == Kind.OBJECT || kind == Kind.ARRAY) {
            // Store the inside of the brackets, so a nested value can be re-read as such.
            vs++;
            ve--;
          }
        }
        if (into != null) {
          into.add(ks, ke, keyEscaped, vs, ve, kind, valueEscaped);
        }
        skipWhitespace();
        char next = peek();
        pos++;
        if (next == '}') {
          return;
        }
        if (next != ',') {
          throw invalid("expected ',' or '}' after a field value");
        }
      }
    }

    Kind skipValue(int depth) throws RejectedTickException {
      if (depth > MAX_DEPTH) {
        throw invalid("nesting deeper than " + MAX_DEPTH + " levels");
      }
      char c = peek();
      switch (c) {
        case '"':
          readString();
          return Kind.STRING;
        case '{':
          readObject(depth, null);
          return Kind.OBJECT;
        case '[':
          pos++;
          skipWhitespace();
          if (peek() == ']') {
            pos++;
            return Kind.ARRAY;
          }
          while (true) {
            skipWhitespace();
            skipValue(depth + 1);
            skipWhitespace();
            char next = peek();
            pos++;
            if (next == ']') {
              return Kind.ARRAY;
            }
            if (next != ',') {
              throw invalid("expected ',' or ']' in an array");
            }
          }
        case 't':
          literal("true");
          return Kind.TRUE;
        case 'f':
          literal("false");
          return Kind.FALSE;
        case 'n':
          literal("null");
          return Kind.NULL;
        default:
          if (c == '-' || (c >= '0' && c <= '9')) {
            readNumber();
            return Kind.NUMBER;
          }
          throw invalid("unexpected character '" + c + "'");
      }
    }

    void readString() throws RejectedTickException {
      pos++;
      tokStart = pos;
      escaped = false;
      while (true) {
        if (pos >= end) {
          throw invalid("a string is not closed");
        }
        char c = s.charAt(pos);
        if (c == '"') {
          tokEnd = pos;
          pos++;
          return;
        }
        if (c < 0x20) {
          throw invalid("a control character inside a string");
        }
        if (c == '\\') {
          escaped = true;
          if (pos + 1 >= end) {
            throw invalid("a string is not closed");
          }
          char e = s.charAt(pos + 1);
          if (e == 'u') {
            if (pos + 6 > end) {
              throw invalid("a bad \\u escape");
            }
            for (int k = 2; k < 6; k++) {
              if (Character.digit(s.charAt(pos + k), 16) < 0) {
                throw invalid("a bad \\u escape");
              }
            }
            pos += 6;
          } else if ("\"\\/bfnrt".indexOf(e) >= 0) {
            pos += 2;
          } else {
            throw invalid("a bad escape \\" + e);
          }
        } else {
          pos++;
        }
      }
    }

    void readNumber() throws RejectedTickException {
      if (s.charAt(pos) == '-') {
        pos++;
      }
      int intStart = pos;
      skipDigits();
      if (pos == intStart || (s.charAt(intStart) == '0' && pos - intStart > 1)) {
        throw invalid("a malformed number");
      }
      if (pos < end && s.charAt(pos) == '.') {
        pos++;
        int fracStart = pos;
        skipDigits();
        if (pos == fracStart) {
          throw invalid("a malformed number");
        }
      }
      if (pos < end && (s.charAt(pos) == 'e' || s.charAt(pos) == 'E')) {
        pos++;
        if (pos < end && (s.charAt(pos) == '+' || s.charAt(pos) == '-')) {
          pos++;
        }
        int expStart = pos;
        skipDigits();
        if (pos == expStart) {
          throw invalid("a malformed number");
        }
      }
    }

    private void skipDigits() {
      while (pos < end && s.charAt(pos) >= '0' && s.charAt(pos) <= '9') {
        pos++;
      }
    }

    private void literal(String word) throws RejectedTickException {
      if (pos + word.length() > end || !s.startsWith(word, pos)) {
        throw invalid("unexpected text where a value should be");
      }
      pos += word.length();
    }

    void skipWhitespace() {
      while (pos < end) {
        char c = s.charAt(pos);
        if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
          return;
        }
        pos++;
      }
    }

    private char peek() throws RejectedTickException {
      if (pos >= end) {
        throw invalid("the text ends too early");
      }
      return s.charAt(pos);
    }

    RejectedTickException invalid(String what) {
      return new RejectedTickException(
          RejectReason.INVALID_JSON, "not valid JSON: " + what + " at character " + pos);
    }

    /** Unescapes the (already checked) string content {@code s[from, to)}. */
    static String decode(String s, int from, int to) {
      StringBuilder sb = new StringBuilder(to - from);
      for (int i = from; i < to; i++) {
        char c = s.charAt(i);
        if (c != '\\') {
          sb.append(c);
          continue;
        }
        char e = s.charAt(++i);
        switch (e) {
          case 'b': sb.append('\b'); break;
          case 'f': sb.append('\f'); break;
          case 'n': sb.append('\n'); break;
          case 'r': sb.append('\r'); break;
          case 't': sb.append('\t'); break;
          case 'u':
            sb.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16));
            i += 4;
            break;
          default: sb.append(e); // " \ /
        }
      }
      return sb.toString();
    }
  }
}
