package dev.switchboard.loadgen;

import dev.switchboard.config.ConfigException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Where requests go: {@code --url} as host, port, TLS flag and the chat-completions path. A base
 * URL gets {@code /v1/chat/completions} appended; one ending in {@code /v1} (the OpenAI clients'
 * convention) gets {@code /chat/completions}; a full endpoint URL is used as is.
 */
public record Target(String url, String host, int port, boolean tls, String path) {
  private static final String ENDPOINT = "/chat/completions";

  public static Target parse(String url) {
    URI uri;
    try {
      uri = new URI(url);
    } catch (URISyntaxException e) {
      throw new ConfigException("--url", "not a URL: " + e.getMessage());
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ConfigException(
          "--url", "must start with http:// or https://, was '" + url + "'");
    }
    String host = uri.getHost();
    if (host == null || host.isEmpty()) {
      throw new ConfigException("--url", "has no host, was '" + url + "'");
    }
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1); // the socket wants ::1, not [::1]
    }
    boolean tls = scheme.equals("https");
    int port = uri.getPort() >= 0 ? uri.getPort() : tls ? 443 : 80;
    return new Target(url, host, port, tls, endpoint(uri.getRawPath()));
  }

  private static String endpoint(String rawPath) {
    String p = rawPath == null ? "" : rawPath;
    while (p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    if (p.endsWith(ENDPOINT)) {
      return p;
    }
    if (p.endsWith("/v1")) {
      return p + ENDPOINT;
    }
    return p + "/v1" + ENDPOINT;
  }
}
