package com.chaojiyuyan.kernel.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.standardwebhooks.Webhook;
import com.standardwebhooks.exceptions.WebhookVerificationException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The two signature schemes, against the spec's test vector and the Standard Webhooks reference library. */
class WebhookSignaturesTest {
    private static final byte[] BODY = "{\"type\":\"job.settled\",\"id\":\"msg_1\"}".getBytes(StandardCharsets.UTF_8);

    @Test
    void theKernelSignatureMatchesTheSpecsTestVector() {
        assertThat(WebhookSignatures.kernelSignature("It's a Secret to Everybody", "Hello, World!".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("sha256=757107ea0eb2509fc211221cce984b8a37570b6d7586c22c46f4379c8b043e17");
    }

    @Test
    void aSecretIsWhsecAndTheBase64Of32RandomBytes() {
        String secret = WebhookSignatures.newSecret();
        assertThat(secret).startsWith("whsec_");
        assertThat(Base64.getDecoder().decode(secret.substring("whsec_".length()))).hasSize(32);
        assertThat(WebhookSignatures.newSecret()).isNotEqualTo(secret);
    }

    @Test
    void theReferenceLibraryVerifiesOurStandardSignature() throws Exception {
        String secret = WebhookSignatures.newSecret();
        long now = System.currentTimeMillis() / 1000;
        String header = WebhookSignatures.standardSignatures(List.of(secret), "msg_1", now, BODY);
        new Webhook(secret).verify(new String(BODY, StandardCharsets.UTF_8), headers("msg_1", now, header));
        assertThat(header).isEqualTo(new Webhook(secret).sign("msg_1", now, new String(BODY, StandardCharsets.UTF_8)));
    }

    @Test
    void withTwoLiveSecretsEitherVerifiesAndAThirdDoesNot() throws Exception {
        String current = WebhookSignatures.newSecret();
        String previous = WebhookSignatures.newSecret();
        long now = System.currentTimeMillis() / 1000;
        String header = WebhookSignatures.standardSignatures(List.of(current, previous), "msg_2", now, BODY);
        assertThat(header.split(" ")).hasSize(2).allMatch(entry -> entry.startsWith("v1,"));
        String payload = new String(BODY, StandardCharsets.UTF_8);
        new Webhook(current).verify(payload, headers("msg_2", now, header));
        new Webhook(previous).verify(payload, headers("msg_2", now, header));
        assertThatThrownBy(() -> new Webhook(WebhookSignatures.newSecret()).verify(payload, headers("msg_2", now, header)))
                .isInstanceOf(WebhookVerificationException.class);
    }

    @Test
    void theTwoSchemesKeyTheHmacDifferently() {
        String secret = WebhookSignatures.newSecret();
        // The kernel scheme keys with the whole string's bytes; a verifier doing so must not accept the other key.
        assertThat(WebhookSignatures.kernelSignature(secret, BODY))
                .isNotEqualTo(WebhookSignatures.kernelSignature(secret.substring("whsec_".length()), BODY))
                .matches("sha256=[0-9a-f]{64}");
    }

    @Test
    void aSealedSecretOpensOnlyWithItsKey() {
        SecretBox box = SecretBox.load(WebhookTestKernel.SECRET_KEY, null);
        String sealed = box.seal("whsec_abc");
        assertThat(sealed).doesNotContain("whsec_abc").startsWith("v1.");
        assertThat(box.open(sealed)).isEqualTo("whsec_abc");
        SecretBox other = SecretBox.load(Base64.getEncoder().encodeToString(new byte[32]), null);
        assertThatThrownBy(() -> other.open(sealed)).hasMessageContaining("sealed with another key");
    }

    private static Map<String, List<String>> headers(String id, long timestamp, String signature) {
        return Map.of("webhook-id", List.of(id), "webhook-timestamp", List.of(Long.toString(timestamp)),
                "webhook-signature", List.of(signature));
    }
}
