package dev.switchboard.replica;

/** A request the server answers 400 with this message, as vLLM's {@code BadRequestError}. */
final class InvalidRequest extends Exception {
  private static final long serialVersionUID = 1L;

  InvalidRequest(String message) {
    super(message, null, false, false);
  }
}
