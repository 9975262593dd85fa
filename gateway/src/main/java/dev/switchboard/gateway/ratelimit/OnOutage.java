package dev.switchboard.gateway.ratelimit;

/** What the gateway does while the shared limit store (Redis) cannot be reached. */
public enum OnOutage {
  /** Keep serving, each gateway limiting alone at 1/peers of every limit. */
  FAIL_OPEN("fail-open"),
  /** Refuse every request with 503 until the store is back. */
  FAIL_CLOSED("fail-closed");

  private final String configName;

  OnOutage(String configName) {
    this.configName = configName;
  }

  /** The spelling in the config file. */
  public String configName() {
    return configName;
  }
}
