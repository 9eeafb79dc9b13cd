package com.chaojiyuyan.sdk;

/**
 * The optional members of {@link KernelClient#call(String, Object, CallOptions)}:
 * {@code CallOptions.none().idempotencyKey("my-unique-request-1").maxBudgetNc(10)}.
 *
 * @param idempotencyKey the same key from the same caller with the same body returns the original job
 *                       (HTTP 200) instead of creating another; null for none
 * @param maxBudgetNc    the credits to hold for the job (at least the capability's price); null for the price
 * @param callbackUrl    an http(s) URL that receives the job's settlement webhook; null for none
 */
public record CallOptions(String idempotencyKey, Long maxBudgetNc, String callbackUrl) {

    /** No options. */
    public static CallOptions none() {
        return new CallOptions(null, null, null);
    }

    /** These options with {@code key} as idempotency key. */
    public CallOptions idempotencyKey(String key) {
        return new CallOptions(key, maxBudgetNc, callbackUrl);
    }

    /** These options with a budget of {@code nc} credits. */
    public CallOptions maxBudgetNc(long nc) {
        return new CallOptions(idempotencyKey, nc, callbackUrl);
    }

    /** These options with {@code url} as callback. */
    public CallOptions callbackUrl(String url) {
        return new CallOptions(idempotencyKey, maxBudgetNc, url);
    }
}
