package io.candles.contract;

import java.nio.charset.StandardCharsets;

/**
 * The project's one JSON grammar: a cursor over one JSON text as UTF-8 bytes that reads tokens in
 * place, without a tree and without copying what the caller does not keep. The tick reader
 * ({@link TickJson}) and the ingester's exchange-frame reader both walk their objects with it, so
 * both accept exactly the same texts (RFC 8259: UTF-8 checked, a member's value nested at most
 * {@value #MAX_DEPTH} levels deeper) and reject the rest as {@link RejectReason#INVALID_JSON},
 * naming what is wrong and the byte where.
 *
 * <p>After {@link #readString()} or {@link #readNumber()} the token is the text's bytes
 * {@code [tokenStart(), tokenEnd())}; a string that had escapes is given decoded by
 * {@link #tokenDecoded()} instead.
 */
public final class JsonScanner {
  public static final int MAX_DEPTH = 64;

  /** The JSON type of a value. */
  public enum Kind { STRING, NUMBER, OBJECT, ARRAY, TRUE, FALSE, NULL }

  private byte[] b;
  private int begin;
  private int end;
  private int pos;
  private int tokStart;
  private int tokEnd;
  private String tokDecoded;
  /** Where {@link #nextField()} is in the object {@link #beginObject} entered. */
  private int object = OBJECT_DONE;

  private static final int OBJECT_DONE = 0;
  private static final int OBJECT_FIRST = 1;
  private static final int OBJECT_AFTER_VALUE = 2;

  /** A scanner over {@code utf8[begin, end)}; positions in error details count from {@code begin}. */
  public JsonScanner(byte[] utf8, int begin, int end) {
    reset(utf8, begin, end);
  }

  /** Starts over on another text, so that a hot reader needs no new scanner per text. */
  public void reset(byte[] utf8, int begin, int end) {
    this.b = utf8;
    this.begin = begin;
    this.end = end;
    this.pos = begin;
    this.tokDecoded = null;
    this.object = OBJECT_DONE;
  }

  public int position() {
    return pos;
  }

  public int tokenStart() {
    return tokStart;
  }

  public int tokenEnd() {
    return tokEnd;
  }

  /** The last string token decoded, when it had escapes; null when its bytes are its text. */
  public String tokenDecoded() {
    return tokDecoded;
  }

  /** The last string token's text; short ASCII ones (pairs, exchanges) come from {@link Symbols}. */
  public String tokenSymbol() {
    return tokDecoded != null ? tokDecoded : Symbols.of(b, tokStart, tokEnd);
  }

  /** Whether the last string token is the ASCII {@code name}. */
  public boolean tokenIs(String name) {
    if (tokDecoded != null) {
      return tokDecoded.equals(name);
    }
    if (tokEnd - tokStart != name.length()) {
      return false;
    }
    for (int k = 0; k < name.length(); k++) {
      if (b[tokStart + k] != name.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The last number token as a long, or {@code otherwise} if it has a fraction or exponent or is too long. */
  public long tokenLongOr(long otherwise) {
    int i = tokStart;
    boolean negative = b[i] == '-';
    if (negative) {
      i++;
    }
    if (tokEnd - i > 18) {
      return otherwise;
    }
    long v = 0;
    for (; i < tokEnd; i++) {
      int c = b[i];
      if (c < '0' || c > '9') {
        return otherwise;
      }
      v = v * 10 + (c - '0');
    }
    return negative ? -v : v;
  }

  /** The bytes {@code [from, to)} decoded. */
  public String utf8(int from, int to) {
    return new String(b, from, to - from, StandardCharsets.UTF_8);
  }

  /** The byte at the cursor as an unsigned value; INVALID_JSON at the end of the text. */
  public int peek() throws RejectedTickException {
    if (pos >= end) {
      throw invalid("the text ends too early");
    }
    return b[pos] & 0xff;
  }

  /** Steps over {@code c}, or fails with {@code what}. */
  public void expect(char c, String what) throws RejectedTickException {
    if (pos >= end || b[pos] != c) {
      throw invalid(what);
    }
    pos++;
  }

  public void skipWhitespace() {
    while (pos < end) {
      byte c = b[pos];
      if (c != ' ' && c != '\t' && c != '\n' && c != '\r') {
        return;
      }
      pos++;
    }
  }

  /** Checks that only whitespace is left. */
  public void expectEnd() throws RejectedTickException {
    skipWhitespace();
    if (pos != end) {
      throw invalid("unexpected text after the object");
    }
  }

  /**
   * Steps into an object: its {@code '{'} (after whitespace), failing with {@code notAnObject}
   * otherwise. Then {@link #nextField()} reads its members one by one. One object at a time: a
   * nested one is skipped ({@link #skipValue()}) or read by a scanner of its own.
   */
  public void beginObject(String notAnObject) throws RejectedTickException {
    skipWhitespace();
    expect('{', notAnObject);
    skipWhitespace();
    if (peek() == '}') {
      pos++;
      object = OBJECT_DONE;
    } else {
      object = OBJECT_FIRST;
    }
  }

  /**
   * Reads the next member's name (the current token) and its {@code ':'}, leaving the cursor on
   * its value, which the caller then reads or skips; false at the object's end. The call after a
   * value reads the {@code ','} or {@code '}'} that follows it.
   */
  public boolean nextField() throws RejectedTickException {
    if (object == OBJECT_DONE) {
      return false;
    }
    if (object == OBJECT_AFTER_VALUE) {
      if (closes('}', "expected ',' or '}' after a field value")) {
        object = OBJECT_DONE;
        return false;
      }
      skipWhitespace();
    }
    readFieldName();
    object = OBJECT_AFTER_VALUE;
    return true;
  }

  /** A member's name and its {@code ':'}, at the cursor; the name is the current token. */
  private void readFieldName() throws RejectedTickException {
    if (peek() != '"') {
      throw invalid("expected a field name");
    }
    readString();
    skipWhitespace();
    expect(':', "expected ':' after a field name");
    skipWhitespace();
  }

  /**
   * After a member or an element: true past the closing {@code close}, false past a {@code ','};
   * anything else is not JSON ({@code what}).
   */
  private boolean closes(char close, String what) throws RejectedTickException {
    skipWhitespace();
    int next = peek();
    pos++;
    if (next == close) {
      return true;
    }
    if (next != ',') {
      throw invalid(what);
    }
    return false;
  }

  /**
   * Reads the object at the cursor (after whitespace; {@code notAnObject} otherwise), noting where
   * the values of the members named in {@code names} lie, the last one when a name is repeated, and
   * checking the grammar of the rest. For small objects of known shape, such as an exchange's
   * messages: nothing is copied until asked for.
   */
  public Members readMembers(String notAnObject, String... names) throws RejectedTickException {
    Members m = new Members(b, names);
    beginObject(notAnObject);
    while (nextField()) {
      int k = -1;
      for (int i = 0; i < names.length; i++) {
        if (tokenIs(names[i])) {
          k = i;
          break;
        }
      }
      int from = pos;
      Kind kind = skipValue();
      if (k >= 0) {
        if (kind == Kind.STRING) {
          m.set(k, kind, tokStart, tokEnd, tokDecoded);
        } else {
          m.set(k, kind, from, pos, null);
        }
      }
    }
    return m;
  }

  /** The values of the named members of one object, as {@link #readMembers} found them. */
  public static final class Members {
    private final byte[] b;
    private final String[] names;
    private final Kind[] kinds;
    private final int[] starts;
    private final int[] ends;
    private final String[] decoded;

    private Members(byte[] b, String[] names) {
      this.b = b;
      this.names = names;
      this.kinds = new Kind[names.length];
      this.starts = new int[names.length];
      this.ends = new int[names.length];
      this.decoded = new String[names.length];
    }

    private void set(int k, Kind kind, int start, int end, String decodedString) {
      kinds[k] = kind;
      starts[k] = start;
      ends[k] = end;
      decoded[k] = decodedString;
    }

    private int index(String name) {
      for (int i = 0; i < names.length; i++) {
        if (names[i].equals(name)) {
          return i;
        }
      }
      throw new IllegalArgumentException(name + " is not one of the members read");
    }

    /** The kind of the member's value, or null when the object has no such member. */
    public Kind kind(String name) {
      return kinds[index(name)];
    }

    /**
     * The member's value as text: a string's content (unescaped), or any other value's JSON text (a
     * number's digits, {@code {..}} for an object); null when absent or JSON {@code null}.
     */
    public String text(String name) {
      int k = index(name);
      if (kinds[k] == null || kinds[k] == Kind.NULL) {
        return null;
      }
      return decoded[k] != null
          ? decoded[k]
          : new String(b, starts[k], ends[k] - starts[k], StandardCharsets.UTF_8);
    }

    /** The members of the member's object value (which must be one; it has been checked already). */
    public Members object(String name, String... memberNames) {
      int k = index(name);
      if (kinds[k] != Kind.OBJECT) {
        throw new IllegalStateException(name + " is not an object");
      }
      try {
        return new JsonScanner(b, starts[k], ends[k]).readMembers("not an object", memberNames);
      } catch (RejectedTickException e) {
        throw new IllegalStateException("a checked object failed to read again", e);
      }
    }
  }

  /** Reads a string token at the cursor (which is at its opening quote). */
  public void readString() throws RejectedTickException {
    pos++;
    tokStart = pos;
    tokDecoded = null;
    // The common case: no escapes, so the token is the bytes between the quotes.
    while (pos < end) {
      byte c = b[pos];
      if (c == '"') {
        tokEnd = pos;
        pos++;
        return;
      }
      if (c == '\\') {
        readEscapedString();
        return;
      }
      if (c >= 0 && c < 0x20) {
        throw invalid("a control character inside a string");
      }
      // Signed: the bytes of a multi-byte UTF-8 sequence are negative, and must form one.
      pos = c < 0 ? utf8Sequence(pos) : pos + 1;
    }
    throw invalid("a string is not closed");
  }

  /**
   * The position after the UTF-8 sequence that starts at {@code at}; JSON text is UTF-8
   * (RFC 8259), so a byte sequence that is not, overlong or surrogate forms included, is not JSON.
   */
  private int utf8Sequence(int at) throws RejectedTickException {
    int lead = b[at] & 0xff;
    int length;
    int min2 = 0x80;
    int max2 = 0xBF;
    if (lead >= 0xC2 && lead <= 0xDF) {
      length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
      length = 3;
      if (lead == 0xE0) {
        min2 = 0xA0;
      } else if (lead == 0xED) {
        max2 = 0x9F;
      }
    } else if (lead >= 0xF0 && lead <= 0xF4) {
      length = 4;
      if (lead == 0xF0) {
        min2 = 0x90;
      } else if (lead == 0xF4) {
        max2 = 0x8F;
      }
    } else {
      throw invalid("invalid UTF-8");
    }
    if (at + length > end) {
      throw invalid("invalid UTF-8");
    }
    int second = b[at + 1] & 0xff;
    if (second < min2 || second > max2) {
      throw invalid("invalid UTF-8");
    }
    for (int k = 2; k < length; k++) {
      int c = b[at + k] & 0xff;
      if (c < 0x80 || c > 0xBF) {
        throw invalid("invalid UTF-8");
      }
    }
    return at + length;
  }

  /** Finishes a string token from its first escape at the cursor, decoding it. */
  private void readEscapedString() throws RejectedTickException {
    StringBuilder decoded = new StringBuilder().append(utf8(tokStart, pos));
    int run = pos;
    while (true) {
      if (pos >= end) {
        throw invalid("a string is not closed");
      }
      byte c = b[pos];
      if (c == '"') {
        decoded.append(utf8(run, pos));
        tokEnd = pos;
        pos++;
        tokDecoded = decoded.toString();
        return;
      }
      if (c >= 0 && c < 0x20) {
        throw invalid("a control character inside a string");
      }
      if (c != '\\') {
        pos = c < 0 ? utf8Sequence(pos) : pos + 1;
        continue;
      }
      decoded.append(utf8(run, pos));
      if (pos + 1 >= end) {
        throw invalid("a string is not closed");
      }
      byte e = b[pos + 1];
      pos += 2;
      switch (e) {
        case '"': decoded.append('"'); break;
        case '\\': decoded.append('\\'); break;
        case '/': decoded.append('/'); break;
        case 'b': decoded.append('\b'); break;
        case 'f': decoded.append('\f'); break;
        case 'n': decoded.append('\n'); break;
        case 'r': decoded.append('\r'); break;
        case 't': decoded.append('\t'); break;
        case 'u':
          if (pos + 4 > end) {
            throw invalid("a bad \\u escape");
          }
          int code = 0;
          for (int k = 0; k < 4; k++) {
            int d = Character.digit(b[pos + k], 16);
            if (d < 0) {
              throw invalid("a bad \\u escape");
            }
            code = code * 16 + d;
          }
          decoded.append((char) code);
          pos += 4;
          break;
        default:
          throw invalid("a bad escape \\" + (char) (e & 0xff));
      }
      run = pos;
    }
  }

  /** Reads a number token at the cursor, checking its grammar. */
  public void readNumber() throws RejectedTickException {
    tokStart = pos;
    tokDecoded = null;
    if (pos < end && b[pos] == '-') {
      pos++;
    }
    int intStart = pos;
    skipDigits();
    if (pos == intStart || (b[intStart] == '0' && pos - intStart > 1)) {
      throw invalid("a malformed number");
    }
    if (pos < end && b[pos] == '.') {
      pos++;
      int fracStart = pos;
      skipDigits();
      if (pos == fracStart) {
        throw invalid("a malformed number");
      }
    }
    if (pos < end && (b[pos] == 'e' || b[pos] == 'E')) {
      pos++;
      if (pos < end && (b[pos] == '+' || b[pos] == '-')) {
        pos++;
      }
      int expStart = pos;
      skipDigits();
      if (pos == expStart) {
        throw invalid("a malformed number");
      }
    }
    tokEnd = pos;
  }

  private void skipDigits() {
    while (pos < end && b[pos] >= '0' && b[pos] <= '9') {
      pos++;
    }
  }

  /**
   * Skips any JSON value at the cursor, checking its grammar, and tells its kind. A string or a
   * number is the current token afterwards.
   */
  public Kind skipValue() throws RejectedTickException {
    return skipValue(0);
  }

  private Kind skipValue(int depth) throws RejectedTickException {
    if (depth > MAX_DEPTH) {
      throw invalid("nesting deeper than " + MAX_DEPTH + " levels");
    }
    int c = peek();
    switch (c) {
      case '"':
        readString();
        return Kind.STRING;
      case '{':
        pos++;
        skipWhitespace();
        if (peek() == '}') {
          pos++;
          return Kind.OBJECT;
        }
        do {
          skipWhitespace();
          readFieldName();
          skipValue(depth + 1);
        } while (!closes('}', "expected ',' or '}' in an object"));
        return Kind.OBJECT;
      case '[':
        pos++;
        skipWhitespace();
        if (peek() == ']') {
          pos++;
          return Kind.ARRAY;
        }
        do {
          skipWhitespace();
          skipValue(depth + 1);
        } while (!closes(']', "expected ',' or ']' in an array"));
        return Kind.ARRAY;
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
        throw invalid("unexpected character '" + describe(c) + "'");
    }
  }

  /** A byte for an error detail: itself when ASCII, else its hex value. */
  private static String describe(int c) {
    return c < 0x80 ? String.valueOf((char) c) : String.format("\\x%02X", c);
  }

  private void literal(String word) throws RejectedTickException {
    if (end - pos < word.length()) {
      throw invalid("unexpected text where a value should be");
    }
    for (int k = 0; k < word.length(); k++) {
      if (b[pos + k] != word.charAt(k)) {
        throw invalid("unexpected text where a value should be");
      }
    }
    pos += word.length();
  }

  /** The rejection for text that is not JSON, naming {@code what} and the byte where. */
  public RejectedTickException invalid(String what) {
    return new RejectedTickException(
        RejectReason.INVALID_JSON, "not valid JSON: " + what + " at byte " + (pos - begin));
  }
}
