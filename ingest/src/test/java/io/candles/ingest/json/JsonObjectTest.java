package io.candles.ingest.json;

import static org.hamcrest.MatcherAssert.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.hamcrest.Matchers.is;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.Assert.assertThrows;

import io.candles.contract.RejectReason;
import io.candles.contract.RejectedTickException;
import org.junit.Test;

public class JsonObjectTest {

  @Test
  public void membersOfEveryKind() throws Exception {
    JsonObject o = JsonObject.parse(
        " {\"s\":\"BTC\",\"n\":-1.5e3,\"o\":{\"x\":[1,{\"y\":null}]},\"a\":[\"p\",\"q\"],\"t\":true,\"f\":false,\"z\":null} ");
    assertThat(o.size(), is(7));
    assertThat(o.text("s"), is("BTC"));
    assertThat(o.kind("n"), is(JsonObject.Kind.NUMBER));
    assertThat(o.text("n"), is("-1.5e3"));
    assertThat(o.text("o"), is("{\"x\":[1,{\"y\":null}]}"));
    assertThat(o.object(o.indexOf("o")).text("x"), is("[1,{\"y\":null}]"));
    assertThat(o.strings(o.indexOf("a")), contains("p", "q"));
    assertThat(o.text("t"), is("true"));
    assertThat(o.kind("z"), is(JsonObject.Kind.NULL));
    assertThat(o.text("z"), nullValue());
    assertThat(o.text("missing"), nullValue());
    assertThat(o.kind("missing"), nullValue());
  }

  @Test
  public void escapesAreDecodedInKeysAndValues() throws Exception {
    JsonObject o = JsonObject.parse("{\"k\\u0065y\":\"a\\\"b\\\\c\\/d\\n\\u00e9\"}");
    assertThat(o.key(0), is("key"));
    assertThat(o.text("key"), is("a\"b\\c/d\n\u00e9"));
  }

  @Test
  public void lastDuplicateWins() throws Exception {
    assertThat(JsonObject.parse("{\"a\":1,\"a\":2}").text("a"), is("2"));
  }

  @Test
  public void grammarErrorsAreInvalidJson() {
    String[] bad = {
        "", " ", "[]", "{", "{\"a\"}", "{\"a\":}", "{\"a\":1,}", "{\"a\":01}", "{\"a\":1.}", "{\"a\":tru}",
        "{\"a\":\"x}", "{\"a\":\"\\x\"}", "{\"a\":\"\\u12\"}", "{a:1}", "{\"a\":1} x", "{\"a\":[1,]}",
        "{\"a\":\"tab\there\"}",
    };
    for (String s : bad) {
      RejectedTickException e = assertThrows(s, RejectedTickException.class, () -> JsonObject.parse(s));
      assertThat(s, e.reason(), is(RejectReason.INVALID_JSON));
    }
  }

  @Test
  public void deepNestingIsRefused() {
    String deep = "{\"a\":" + "[".repeat(100) + "]".repeat(100) + "}";
    assertThrows(RejectedTickException.class, () -> JsonObject.parse(deep));
  }
}
