package io.candles.devservices;

import java.net.InetAddress;
import java.net.ServerSocket;

/** A service started on a loopback port that this test holds: what it says when it refuses. */
final class TakenPort {

  /** Starts a service on the given port. */
  interface Start {
    void on(int port) throws Exception;
  }

  /** The port that was taken, and the message the start failed with. */
  record Refusal(int port, String message) {}

  private TakenPort() {}

  /** Holds a port while {@code start} runs on it; fails the test unless it throws IllegalStateException. */
  static Refusal refusal(Start start) throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      try {
        start.on(taken.getLocalPort());
      } catch (IllegalStateException e) {
        return new Refusal(taken.getLocalPort(), e.getMessage());
      }
      throw new AssertionError("started on taken port " + taken.getLocalPort());
    }
  }
}
