package dev.switchboard.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A configured API key: only its SHA-256 digest is kept, with who it belongs to.
 *
 * @param digest SHA-256 of the key's UTF-8 bytes
 * @param tenant who pays
 * @param tier the tenant's service tier
 * @param admin whether it may use the admin API
 */
public record ApiKey(byte[] digest, String tenant, String tier, boolean admin) {

  public ApiKey {
    Objects.requireNonNull(digest, "digest");
    if (digest.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, this has " + digest.length);
    }
    digest = digest.clone();
  }

  public static ApiKey fromSha256Hex(String hex, String tenant, String tier, boolean admin) {
    byte[] d;
    try {
      d = HexFormat.of().parseHex(hex.trim());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("must be 64 hex digits: " + e.getMessage());
    }
    if (d.length != 32) {
      throw new IllegalArgumentException("must be 64 hex digits, had " + hex.trim().length());
    }
    return new ApiKey(d, tenant, tier, admin);
  }

  /** Hashes a plaintext key at load time; the plaintext is not kept. */
  public static ApiKey fromPlaintext(String key, String tenant, String tier, boolean admin) {
    if (key.isBlank()) {
      throw new IllegalArgumentException("must not be empty");
    }
    return new ApiKey(sha256(key), tenant, tier, admin);
  }

  public static byte[] sha256(String key) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  @Override
  public byte[] digest() {
    return digest.clone();
  }

  public String digestHex() {
    return HexFormat.of().formatHex(digest);
  }

  /** Constant-time comparison against a presented key's digest. */
  public boolean matches(byte[] presentedDigest) {
    return MessageDigest.isEqual(digest, presentedDigest);
  }

  @Override
  public String toString() {
    return "ApiKey[" + digestHex().substring(0, 8) + "…, tenant=" + tenant + ", tier=" + tier + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ApiKey k && MessageDigest.isEqual(digest, k.digest) && tenant.equals(k.tenant)
        && tier.equals(k.tier) && admin == k.admin;
  }

  @Override
  public int hashCode() {
    return java.util.Arrays.hashCode(digest);
  }
}
