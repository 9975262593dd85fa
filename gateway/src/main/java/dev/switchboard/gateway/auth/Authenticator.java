package dev.switchboard.gateway.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks {@code Authorization: Bearer KEY} against the configured keys. Keys are known only by
 * their SHA-256 digests: the presented key is hashed, the digest looked up, and the match confirmed
 * with a constant-time comparison. Looking a digest up in a hash table leaks nothing useful about
 * any key, since finding a key from its digest is infeasible. Thread-safe.
 */
public final class Authenticator {
  private static final String BEARER = "Bearer ";
  private static final ThreadLocal<MessageDigest> SHA256 =
      ThreadLocal.withInitial(
          () -> {
            try {
              return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
              throw new IllegalStateException("every JDK has SHA-256", e);
            }
          });

  private final Map<ByteBuffer, ApiKey> byDigest = new HashMap<>();

  public Authenticator(List<ApiKey> keys) {
    for (ApiKey k : keys) {
      byDigest.put(ByteBuffer.wrap(k.digest()), k);
    }
  }

  public boolean hasKeys() {
    return !byDigest.isEmpty();
  }

  /** The key's owner, or null when the header is absent, malformed or names no configured key. */
  public ApiKey authenticate(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())) {
      return null;
    }
    String presented = authorization.substring(BEARER.length()).trim();
    if (presented.isEmpty()) {
      return null;
    }
    MessageDigest md = SHA256.get();
    byte[] digest = md.digest(presented.getBytes(StandardCharsets.UTF_8));
    ApiKey key = byDigest.get(ByteBuffer.wrap(digest));
    return key != null && key.matches(digest) ? key : null;
  }
}
