package dev.switchboard.gateway.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Objects;

/**
 * A configured API key: only its SHA-256 digest is kept, with who it belongs to. Immutable.
 */
public final class ApiKey {
  private final byte[] digest;
  private final String tenant;
  private final String tier;
  private final boolean admin;
  /** The digest in hex, the key's id for rate limits: made once, not on every request. */
  private final String digestHex;

  public ApiKey(byte[] digest, String tenant, String tier, boolean admin) {
    Objects.requireNonNull(digest, "digest");
    if (digest.length != 32) {
      throw new IllegalArgumentException("a SHA-256 digest has 32 bytes, this has " + digest.length);
    }
    this.digest = digest.clone();
    this.tenant = Objects.requireNonNull(tenant, "tenant");
    this.tier = Objects.requireNonNull(tier, "tier");
    this.admin = admin;
    this.digestHex = HexFormat.of().formatHex(digest);
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

  /** SHA-256 of the key's UTF-8 bytes (a copy). */
  public byte[] digest() {
    return digest.clone();
  }

  /** Who pays. */
  public String tenant() {
    return tenant;
  }

  /** The tenant's service tier. */
  public String tier() {
    return tier;
  }

  /** Whether it may use the admin API. */
  public boolean admin() {
    return admin;
  }

  public String digestHex() {
    return digestHex;
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
