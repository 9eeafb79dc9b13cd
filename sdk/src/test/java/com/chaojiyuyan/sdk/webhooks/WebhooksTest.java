package com.chaojiyuyan.sdk.webhooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;

/** Both webhook signatures: the seed's X-Kernel-Signature (with the spec's test vector) and Standard Webhooks. */
class WebhooksTest {
    private static final String SECRET = "It's a Secret to Everybody";
    private static final byte[] BODY = "Hello, World!".getBytes(StandardCharsets.UTF_8);
    private static final String VECTOR = "sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17";
    private static final Instant NOW = Instant.parse("2026-11-21T10:00:00Z");
    private static final Clock CLOCK = Clock.fixed(NOW, ZoneOffset.UTC);

    @Test
    void theSpecVectorVerifies() {
        assertThat(Webhooks.sign(BODY, SECRET)).isEqualTo(VECTOR);
        assertThat(Webhooks.verifySignature(VECTOR, BODY, SECRET)).isTrue();
        assertThat(Webhooks.verifySignature(VECTOR.toUpperCase().replace("SHA256=", "sha256="), BODY, SECRET)).isTrue();
        assertThat(Webhooks.verifySignature(VECTOR, "Hello, World!", SECRET)).isTrue();
    }

    @Test
    void anythingElseDoesNot() {
        assertThat(Webhooks.verifySignature(VECTOR, "Hello, World?".getBytes(StandardCharsets.UTF_8), SECRET)).isFalse();
        assertThat(Webhooks.verifySignature(VECTOR, BODY, "another secret")).isFalse();
        assertThat(Webhooks.verifySignature(VECTOR.substring(7), BODY, SECRET)).as("without sha256=").isFalse();
        assertThat(Webhooks.verifySignature("sha256=zz", BODY, SECRET)).isFalse();
        assertThat(Webhooks.verifySignature(null, BODY, SECRET)).isFalse();
    }

    @Test
    void thePreviousSecretCountsOnlyUntilItExpires() {
        String signedWithOld = Webhooks.sign(BODY, "old secret");
        assertThat(Webhooks.verifySignature(signedWithOld, BODY, "new secret", "old secret", NOW.plusSeconds(60), CLOCK)).isTrue();
        assertThat(Webhooks.verifySignature(signedWithOld, BODY, "new secret", "old secret", NOW.minusSeconds(1), CLOCK)).isFalse();
        assertThat(Webhooks.verifySignature(signedWithOld, BODY, "new secret", "old secret", null, CLOCK)).isFalse();
        assertThat(Webhooks.verifySignature(Webhooks.sign(BODY, "new secret"), BODY, "new secret", "old secret",
                NOW.minusSeconds(1), CLOCK)).isTrue();
    }

    @Test
    void standardWebhooksSignaturesVerifyWithAnyListedSecret() {
        String secret = "whsec_" + Base64.getEncoder().encodeToString("0123456789abcdef0123456789abcdef".getBytes(StandardCharsets.UTF_8));
        String old = "whsec_" + Base64.getEncoder().encodeToString("fedcba9876543210fedcba9876543210".getBytes(StandardCharsets.UTF_8));
        long ts = NOW.getEpochSecond();
        String both = Webhooks.signStandard("msg_1", ts, BODY, secret) + " " + Webhooks.signStandard("msg_1", ts, BODY, old);

        assertThat(Webhooks.verifyStandard("msg_1", Long.toString(ts), both, BODY, CLOCK, secret)).isTrue();
        assertThat(Webhooks.verifyStandard("msg_1", Long.toString(ts), Webhooks.signStandard("msg_1", ts, BODY, old), BODY, CLOCK,
                secret, old)).as("the previous secret, passed during its grace period").isTrue();
        assertThat(Webhooks.verifyStandard("msg_2", Long.toString(ts), both, BODY, CLOCK, secret)).as("another id").isFalse();
        assertThat(Webhooks.verifyStandard("msg_1", Long.toString(ts), both, "tampered".getBytes(StandardCharsets.UTF_8), CLOCK, secret)).isFalse();
        assertThat(Webhooks.verifyStandard("msg_1", Long.toString(ts), "v2," + both.substring(3), BODY, CLOCK, secret.replace("0", "1")))
                .isFalse();
    }

    @Test
    void standardWebhooksTimestampsOutsideFiveMinutesAreRefused() {
        String secret = "whsec_" + Base64.getEncoder().encodeToString(new byte[32]);
        for (Duration skew : new Duration[] {Duration.ofMinutes(4), Duration.ofMinutes(-4)}) {
            long ts = NOW.plus(skew).getEpochSecond();
            assertThat(Webhooks.verifyStandard("m", Long.toString(ts), Webhooks.signStandard("m", ts, BODY, secret), BODY, CLOCK, secret))
                    .isTrue();
        }
        for (Duration skew : new Duration[] {Duration.ofMinutes(6), Duration.ofMinutes(-6)}) {
            long ts = NOW.plus(skew).getEpochSecond();
            assertThat(Webhooks.verifyStandard("m", Long.toString(ts), Webhooks.signStandard("m", ts, BODY, secret), BODY, CLOCK, secret))
                    .isFalse();
        }
        assertThat(Webhooks.verifyStandard("m", "not-a-number", "v1,AAAA", BODY, CLOCK, secret)).isFalse();
    }
}
