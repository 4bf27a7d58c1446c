package io.candles.serve;

/**
 * A request the API refuses, as Binance answers it: an HTTP status and {@code {"code":..,"msg":..}}
 * with Binance's code. Binance's codes are what clients act on; its messages vary, so where Binance
 * has a fixed text it is used as is and only followed by what is specific here.
 */
public final class ApiError extends Exception {
  private final int status;
  private final int code;

  public ApiError(int status, int code, String msg) {
    super(msg, null, false, false);
    this.status = status;
    this.code = code;
  }

  public int status() {
    return status;
  }

  public int code() {
    return code;
  }

  /** The error body. */
  public String json() {
    return KlineJson.write(g -> {
      g.writeStartObject();
      g.writeNumberField("code", code);
      g.writeStringField("msg", getMessage());
      g.writeEndObject();
    });
  }

  /** -1100 ILLEGAL_CHARS. */
  static ApiError illegalChars(String param, String legal) {
    return new ApiError(400, -1100, "Illegal characters found in parameter '" + param + "'; legal range is '" + legal + "'.");
  }

  /** -1101 TOO_MANY_PARAMETERS, for a repeated parameter. */
  static ApiError duplicate(String param) {
    return new ApiError(400, -1101, "Duplicate values for a parameter detected. ('" + param + "' was sent more than once.)");
  }

  /** -1102 MANDATORY_PARAM_EMPTY_OR_MALFORMED. */
  static ApiError mandatory(String param) {
    return new ApiError(400, -1102, "Mandatory parameter '" + param + "' was not sent, was empty/null, or malformed.");
  }

  /** -1104 UNREAD_PARAMETERS: a parameter this endpoint does not take. */
  static ApiError unread(String param, String takes) {
    return new ApiError(400, -1104, "Not all sent parameters were read; '" + param
        + "' is not a parameter of this endpoint (it takes " + takes + ").");
  }

  /** -1120 BAD_INTERVAL. */
  static ApiError badInterval(String interval) {
    return new ApiError(400, -1120, "Invalid interval. ('" + interval + "': this server has 5-minute candles only: "
        + "interval=5m for those aligned to 5-minute boundaries, with step=1m for the rolling ones, one every minute.)");
  }

  /** -1121 BAD_SYMBOL: exactly Binance's text, which clients match. */
  static ApiError badSymbol() {
    return new ApiError(400, -1121, "Invalid symbol.");
  }

  /** -1128 OPTIONAL_PARAMS_BAD_COMBO. */
  static ApiError badCombination(String detail) {
    return new ApiError(400, -1128, "Combination of optional parameters invalid. (" + detail + ")");
  }

  /** -1130 INVALID_PARAMETER. */
  static ApiError invalid(String param, String detail) {
    return new ApiError(400, -1130, "Data sent for parameter '" + param + "' is not valid. (" + detail + ")");
  }

  /** -2015 REJECTED_MBX_KEY: a missing or wrong token. */
  static ApiError unauthorized() {
    return new ApiError(401, -2015, "Invalid API-key, IP, or permissions for action. (This server needs its token: "
        + "header 'X-MBX-APIKEY: TOKEN' or 'Authorization: Bearer TOKEN', or ?token=TOKEN.)");
  }

  /** -1001 DISCONNECTED: the database did not answer. */
  static ApiError databaseDown() {
    return new ApiError(503, -1001, "Internal error; unable to process your request. Please try again. "
        + "(The candle database did not answer.)");
  }
}
