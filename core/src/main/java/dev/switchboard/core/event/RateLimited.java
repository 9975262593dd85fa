package dev.switchboard.core.event;

/**
 * A request refused by the rate limits (a 429 live).
 *
 * @param tenant who sent it (the API key's tenant)
 * @param tier the key's tier
 * @param byTokens refused for tokens per minute rather than requests per minute
 */
public record RateLimited(long atNanos, String pool, String tenant, String tier, boolean byTokens)
    implements DecisionEvent {}
