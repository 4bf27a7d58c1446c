package io.candles.ingest.transport;

/**
 * A snapshot of one connection's health, for {@code /status}, {@code /health} and {@code /metrics}.
 *
 * @param name connection name
 * @param uri the URI it connects to
 * @param state current state
 * @param frames text frames received, all sessions
 * @param lastFrameAgeMillis time since the last text frame, or -1 if none yet
 * @param lastInboundAgeMillis time since anything (frame or pong) was received, or -1
 * @param gaps completed gaps (a lost session until data flowed again)
 * @param gapMillisTotal the gaps' total length
 * @param lastGapMillis the last completed gap's length, or -1
 * @param currentGapMillis the length so far of a gap in progress, or -1
 * @param reconnects reconnect attempts scheduled after a session was lost
 * @param rollovers planned make-before-break session replacements that completed
 * @param sessionAgeMillis the current session's age, or -1
 * @param staleFrames frames dropped because they came on a session already replaced
 * @param downForMillis how long the connection has been without an open session while running, or 0
 */
public record ConnectionStats(
    String name,
    String uri,
    ConnectionState state,
    long frames,
    long lastFrameAgeMillis,
    long lastInboundAgeMillis,
    long gaps,
    long gapMillisTotal,
    long lastGapMillis,
    long currentGapMillis,
    long reconnects,
    long rollovers,
    long sessionAgeMillis,
    long staleFrames,
    long downForMillis) {}
